//! From a member's message to a tip (the article's groups were where tips began): an officer of the group's
//! unit (or above) turns a message into a tip from its author, routed like any tip by the author's home area;
//! the message shows the tip and the tip's timeline names the group and message. The author is told in the
//! app, unless the officer marks the tip confidential (then the author's identity is sealed like any
//! confidential tipster's, and nothing is said in the group or to the author).

use crate::Groups;
use binhyen_domain::notification::NotificationKind;
use binhyen_domain::tip::{Protection, TipCategory};
use binhyen_store::groups;
use binhyen_store::notifications::{self, NewNotification};
use binhyen_store::StoreError;

use super::Asker;
use crate::audit::AuditEvent;
use crate::tips::{Reporter, TipInput};
use crate::{CoreError, Result};

impl Groups<'_> {
    /// Makes a tip of message `message_id` (officers of the group's unit or above). `category`: the officer's
    /// choice, else the triage rules' suggestion. Refused when the message already became a tip
    /// (409 `already_a_tip`) or was hidden (409 `message_hidden`).
    pub async fn message_to_tip(
        &self,
        asker: &Asker,
        message_id: i64,
        category: Option<TipCategory>,
        confidential: bool,
    ) -> Result<i64> {
        let message = self.store.group_message(message_id).await.map_err(|e| match e {
            StoreError::NotFound => CoreError::not_found("message"),
            other => other.into(),
        })?;
        let group = self.group(message.group_id).await?;
        let officer = match asker.officer {
            Some(actor) if self.standing(asker, &group).await?.overseer => actor,
            _ => return Err(CoreError::Forbidden),
        };
        if message.tip_id.is_some() {
            return Err(CoreError::Conflict { code: "already_a_tip", field: None });
        }
        if message.hidden {
            return Err(CoreError::Conflict { code: "message_hidden", field: None });
        }
        let author = self.accounts().account(message.author_account_id).await?;
        let input = TipInput {
            category: category.unwrap_or_else(|| crate::triage::suggest(&message.body).category),
            description: message.body.clone(),
            occurred_at: None,
            happening_now: false,
            area_id: author.home_area_id,
            location: None,
            address: None,
            protection: if confidential { Protection::Confidential } else { Protection::Identified },
        };
        let submitted =
            self.tips().submit_tip(Reporter::Account { account: author, household_id: None }, input, None).await?;
        // The tip is committed by intake; the link, its audit entry and the author's notice commit together.
        let mut tx = self.store.begin().await?;
        if !groups::set_message_tip(&mut tx, message_id, submitted.tip_id).await? {
            // Another officer was faster: their tip stands; this one says where it came from too.
            tracing::info!(tip = submitted.tip_id, message = message_id, "group message made a tip twice");
        }
        let detail =
            serde_json::json!({"group_id": group.id, "tip_id": submitted.tip_id, "confidential": confidential});
        let event = AuditEvent::new("group.message_to_tip", "group_message", Some(message_id));
        self.audit(&mut tx, event.by(Some(asker.account_id)).detail(detail)).await?;
        if !confidential {
            let told = NewNotification {
                account_id: message.author_account_id,
                at_ms: self.now_ms(),
                kind: NotificationKind::GroupMessageTip,
                tip_id: Some(submitted.tip_id),
                title: group.name.clone(),
                body: "Tin nhắn của bạn đã được công an tiếp nhận như một tin báo.".into(),
                link: Some(format!("/my/tips/{}", submitted.tip_id)),
            };
            notifications::insert(&mut tx, &told).await?;
        }
        tx.commit().await?;
        let note = format!("Chuyển từ tin nhắn #{message_id} trong nhóm «{}».", group.name);
        // The officer may not work the unit the tip was routed to: the note is then left to that unit.
        let _ = self.tips().officer_writes(&officer, submitted.tip_id, &note, false).await;
        Ok(submitted.tip_id)
    }
}
