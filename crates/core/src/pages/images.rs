//! Photos in posts, and pages' avatars. Cleaned like tip attachments (metadata stripped, the real type sniffed,
//! only JPEG, PNG and WebP kept), stored before the row that names them; a post's author places them in the
//! text as Markdown.

use crate::Pages;
use binhyen_domain::{Action, Actor};
use binhyen_store::pages::{self, PostImage};

use crate::audit::AuditEvent;
use crate::{CoreError, Result};

impl Pages<'_> {
    /// Adds a photo to a post its author's unit may edit.
    pub async fn add_post_image(&self, actor: &Actor, post_id: i64, bytes: Vec<u8>) -> Result<PostImage> {
        let post = self.store.post(post_id).await.map_err(|_| CoreError::not_found("post"))?;
        self.authorize(actor, Action::EditUnit, post.unit_id).await?;
        let (cleaned, key) = self.keep_photo(bytes).await?;
        let image = PostImage {
            id: 0,
            post_id,
            object_key: key.as_str().to_owned(),
            kind: cleaned.kind.extension().to_owned(),
            bytes: cleaned.bytes.len() as i64,
            width: cleaned.width.map(i64::from),
            height: cleaned.height.map(i64::from),
        };
        let mut tx = self.store.begin().await?;
        let id = pages::add_image(&mut tx, &image, self.now_ms()).await?;
        tx.commit().await?;
        Ok(PostImage { id, ..image })
    }

    /// A post's photo, for whoever may read the post (anyone once it is published and its time has come).
    pub async fn post_image(&self, actor: Option<&Actor>, post_id: i64, image_id: i64) -> Result<(PostImage, Vec<u8>)> {
        self.post(actor, post_id).await?;
        let image = self.store.post_image(post_id, image_id).await.map_err(|_| CoreError::not_found("image"))?;
        let bytes = self.read_object(&image.object_key).await?;
        Ok((image, bytes))
    }

    /// Sets a page's avatar (commanders of the unit and above).
    pub async fn set_page_avatar(&self, actor: &Actor, unit_id: i64, bytes: Vec<u8>) -> Result<()> {
        self.store.unit(unit_id).await.map_err(|_| CoreError::not_found("unit"))?;
        self.authorize(actor, Action::EditUnit, unit_id).await?;
        let (cleaned, key) = self.keep_photo(bytes).await?;
        let mut tx = self.store.begin().await?;
        pages::set_avatar(&mut tx, unit_id, key.as_str(), cleaned.kind.extension(), self.now_ms()).await?;
        self.audit(&mut tx, AuditEvent::new("page.avatar_set", "unit", Some(unit_id)).by(Some(actor.account_id)))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A page's avatar (kind, bytes): public.
    pub async fn page_avatar(&self, unit_id: i64) -> Result<(String, Vec<u8>)> {
        let profile = self.store.page_profile(unit_id).await?;
        let (key, kind) = profile.avatar.ok_or(CoreError::not_found("image"))?;
        Ok((kind, self.read_object(&key).await?))
    }
}
