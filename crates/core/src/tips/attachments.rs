//! Photos and short videos on a tip. The bytes are sniffed and stripped of metadata (EXIF/GPS, device names)
//! before anything is stored; the object is written and fsynced before the row that references it commits,
//! so a crash leaves at worst an unreferenced object, which `sweep_attachments` removes later.

use binhyen_domain::Invalid;
use binhyen_media::{clean, Limits, ObjectKey};
use binhyen_store::tips::{self, Attachment, NewTipEvent};

use super::tipster::TipsterKey;
use crate::{Core, CoreError, Result};

/// Who adds the file: the tipster (by account or receipt) or an officer handling the tip.
pub enum Uploader<'a> {
    Tipster(TipsterKey<'a>),
    Officer(&'a binhyen_domain::Actor),
}

/// Objects younger than this are never swept: their row may still be about to commit.
const SWEEP_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

fn blocking_error(e: impl std::fmt::Display) -> CoreError {
    CoreError::Internal(format!("attachment storage: {e}"))
}

impl Core {
    pub async fn attach_to_tip(
        &self,
        who: Uploader<'_>,
        tip_id: Option<i64>,
        bytes: Vec<u8>,
        client: Option<&str>,
    ) -> Result<Attachment> {
        let (tip, actor, from_tipster) = match &who {
            Uploader::Tipster(key) => (self.tipster_tip(key, tip_id, client).await?, None, true),
            Uploader::Officer(actor) => {
                let id = tip_id.ok_or(CoreError::not_found("tip"))?;
                (self.tip_for_officer(actor, id).await?, Some(actor.account_id), false)
            }
        };
        let (cleaned, key) = self.keep_media(bytes).await?;
        let attachment = Attachment {
            id: 0,
            tip_id: tip.id,
            object_key: key.as_str().to_owned(),
            kind: cleaned.kind.extension().to_owned(),
            bytes: cleaned.bytes.len() as i64,
            width: cleaned.width.map(i64::from),
            height: cleaned.height.map(i64::from),
        };
        let now = self.now_ms();
        let mut tx = self.store.begin().await?;
        let id = tips::add_attachment(&mut tx, &attachment, now).await?;
        let event = NewTipEvent {
            tip_id: tip.id,
            at_ms: now,
            actor_account_id: actor,
            from_tipster,
            kind: "attachment_added",
            body: Some(id.to_string()),
            visible_to_tipster: true,
            ..Default::default()
        };
        tips::add_event(&mut tx, &event).await?;
        self.audit_tip(&mut tx, actor, "tip.attachment_added", tip.id, serde_json::json!({"attachment_id": id}))
            .await?;
        tx.commit().await?;
        Ok(Attachment { id, ..attachment })
    }

    /// The stored bytes of an attachment, for an officer handling the tip.
    pub async fn attachment_bytes(
        &self,
        actor: &binhyen_domain::Actor,
        tip_id: i64,
        attachment_id: i64,
    ) -> Result<(Attachment, Vec<u8>)> {
        self.tip_for_officer(actor, tip_id).await?;
        let attachment = self
            .store
            .tip_attachments(tip_id)
            .await?
            .into_iter()
            .find(|a| a.id == attachment_id)
            .ok_or(CoreError::not_found("attachment"))?;
        let bytes = self.read_object(&attachment.object_key).await?;
        Ok((attachment, bytes))
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
