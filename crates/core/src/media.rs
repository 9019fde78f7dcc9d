//! Files people send, kept by several features (tips, posts and articles, pages' avatars, questions, groups,
//! the forms library): photos and videos sniffed and cleaned of metadata, office documents recognised by their
//! bytes, each written to the object store and fsynced before the row that names it commits. A crash between
//! the two leaves at worst an object nothing names, which the sweep removes; the store knows every column that
//! names an object (`binhyen_store::objects`).

use binhyen_domain::Invalid;
use binhyen_media::{clean, Limits, ObjectKey};

use crate::{Core, CoreError, Result};

/// Objects younger than this are never swept: their row may still be about to commit.
const SWEEP_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

fn blocking_error(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(format!("attachment storage: {e}"))
}

impl Core {
    /// Cleans and keeps an uploaded photo (a video is refused): its metadata and object key.
    pub(crate) async fn keep_photo(
        &self,
        bytes: Vec<u8>,
    ) -> Result<(binhyen_media::Cleaned, binhyen_media::ObjectKey)> {
        let (cleaned, key) = self.keep_media(bytes).await?;
        if cleaned.kind.is_video() {
            return Err(Invalid::new("file", "not_an_image").into());
        }
        Ok((cleaned, key))
    }

    /// Sniffs and cleans a photo or video (metadata stripped; anything else refused as `file`), then writes it
    /// to the attachment store, fsynced, before any row names it.
    pub(crate) async fn keep_media(&self, bytes: Vec<u8>) -> Result<(binhyen_media::Cleaned, ObjectKey)> {
        let limits = Limits::default();
        let cleaned = tokio::task::spawn_blocking(move || clean(&bytes, &limits))
            .await
            .map_err(blocking_error)?
            .map_err(|e| Invalid::new("file", e.code()))?;
        let objects = self.objects.clone();
        let stored = cleaned.bytes.clone();
        let key = tokio::task::spawn_blocking(move || objects.put(&stored))
            .await
            .map_err(blocking_error)?
            .map_err(blocking_error)?;
        Ok((cleaned, key))
    }

    /// Keeps an official form (PDF, DOCX or XLSX, recognised from its bytes; anything else refused) in the
    /// object store as it is: forms are the unit's own documents, not a citizen's photo to clean.
    pub(crate) async fn keep_document(
        &self,
        bytes: Vec<u8>,
    ) -> Result<(binhyen_media::DocumentKind, usize, ObjectKey)> {
        let kind = binhyen_media::sniff_document(&bytes).map_err(|e| Invalid::new("file", e.code()))?;
        let size = bytes.len();
        let objects = self.objects.clone();
        let key = tokio::task::spawn_blocking(move || objects.put(&bytes))
            .await
            .map_err(blocking_error)?
            .map_err(blocking_error)?;
        Ok((kind, size, key))
    }

    /// The bytes of a stored object.
    pub(crate) async fn read_object(&self, object_key: &str) -> Result<Vec<u8>> {
        let key = ObjectKey::parse(object_key).ok_or_else(|| blocking_error("malformed object key"))?;
        let objects = self.objects.clone();
        tokio::task::spawn_blocking(move || objects.get(&key)).await.map_err(blocking_error)?.map_err(blocking_error)
    }

    /// Deletes stored objects that no attachment row references (left by a crash between the object's write
    /// and the row's commit). Returns how many were removed.
    pub async fn sweep_attachments(&self) -> Result<usize> {
        let referenced: std::collections::HashSet<String> =
            self.store.referenced_objects().await?.into_iter().collect();
        let objects = self.objects.clone();
        tokio::task::spawn_blocking(move || -> std::io::Result<usize> {
            let mut removed = 0;
            for key in objects.keys()? {
                let old = objects.modified(&key)?.elapsed().is_ok_and(|age| age > SWEEP_GRACE);
                if old && !referenced.contains(key.as_str()) {
                    objects.delete(&key)?;
                    removed += 1;
                }
            }
            Ok(removed)
        })
        .await
        .map_err(blocking_error)?
        .map_err(blocking_error)
    }
}
