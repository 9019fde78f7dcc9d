//! Photos and short videos on a tip. The bytes are sniffed and stripped of metadata (EXIF/GPS, device names)
//! before anything is stored; the object is written and fsynced before the row that references it commits,
//! so a crash leaves at worst an unreferenced object, which the sweep (`crate::media`) removes later.

use crate::Tips;
use binhyen_domain::tip::TipEventKind;
use binhyen_store::tips::{self, Attachment, NewTipEvent};

use super::tipster::TipsterKey;
use crate::{CoreError, Result};

/// Who adds the file: the tipster (by account or receipt) or an officer handling the tip.
pub enum Uploader<'a> {
    Tipster(TipsterKey<'a>),
    Officer(&'a binhyen_domain::Actor),
}

impl Tips<'_> {
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
            body: Some(id.to_string()),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::AttachmentAdded)
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
}
