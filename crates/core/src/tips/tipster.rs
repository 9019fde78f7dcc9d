//! What tipsters see and say: their own tips (signed in) or one tip behind a receipt code (anonymous), the
//! events meant for them, and messages to the officers. Internal notes, reasons and officers' names stay out.

use crate::Tips;
use binhyen_domain::tip::TipEventKind;
use binhyen_domain::tip::{normalize_receipt, Protection};
use binhyen_store::accounts::Account;
use binhyen_store::tips::{self, NewTipEvent, Tip, TipEvent};

use super::submit::receipt_hash;
use crate::{CoreError, Result};

#[derive(Debug, Clone)]
pub struct TipsterView {
    pub tip: Tip,
    /// Only what is meant for the tipster; a state change carries no officer's reason.
    pub events: Vec<TipEvent>,
}

/// How a tipster proves the tip is theirs.
pub enum TipsterKey<'a> {
    Account(&'a Account),
    Receipt(&'a str),
}

fn for_tipster(events: Vec<TipEvent>) -> Vec<TipEvent> {
    events
        .into_iter()
        .filter(|e| e.visible_to_tipster)
        .map(|mut e| {
            if e.kind != TipEventKind::Message {
                e.body = None;
            }
            // Which officer acted is the police's business; the tipster sees "Công an".
            if !e.from_tipster {
                e.actor_account_id = None;
            }
            e
        })
        .collect()
}

impl Tips<'_> {
    /// A signed-in tipster's tips, identified and confidential, newest first.
    pub async fn my_tips(&self, account: &Account) -> Result<Vec<Tip>> {
        Ok(self.store.tips_of_reporter(account.id, &self.seal.tags(account.id.to_string().as_bytes())).await?)
    }

    pub(crate) async fn tipster_tip(
        &self,
        key: &TipsterKey<'_>,
        tip_id: Option<i64>,
        client: Option<&str>,
    ) -> Result<Tip> {
        match key {
            TipsterKey::Account(account) => {
                let id = tip_id.ok_or(CoreError::not_found("tip"))?;
                let tip = self.store.tip(id).await.map_err(|_| CoreError::not_found("tip"))?;
                let tags = self.seal.tags(account.id.to_string().as_bytes());
                let tagged = tip.reporter_tag.as_ref().is_some_and(|t| tags.contains(t));
                let mine = tip.reporter_account_id == Some(account.id) || tagged;
                // Someone else's tip and no tip at all look the same.
                if !mine {
                    return Err(CoreError::not_found("tip"));
                }
                Ok(tip)
            }
            TipsterKey::Receipt(receipt) => {
                if let Some(client) = client {
                    if !self.tips.receipt_guard.allow(client, self.clock.now()) {
                        return Err(CoreError::Throttled {
                            retry_after_secs: self.tips.receipt_guard.retry_after_secs(),
                        });
                    }
                }
                // A malformed code and a wrong one get the same answer: no oracle.
                let normalized = normalize_receipt(receipt).map_err(|_| CoreError::not_found("receipt"))?;
                let tip = self.store.tip_by_receipt(&receipt_hash(&normalized)).await?;
                // With a tip id too (an upload to /tips/{id}), the receipt must be that tip's.
                tip.filter(|t| t.protection == Protection::Anonymous && tip_id.is_none_or(|id| id == t.id))
                    .ok_or(CoreError::not_found("receipt"))
            }
        }
    }

    /// A tip as its tipster sees it.
    pub async fn tipster_view(
        &self,
        key: TipsterKey<'_>,
        tip_id: Option<i64>,
        client: Option<&str>,
    ) -> Result<TipsterView> {
        let tip = self.tipster_tip(&key, tip_id, client).await?;
        let events = for_tipster(self.store.tip_events(tip.id).await?);
        Ok(TipsterView { tip, events })
    }

    /// The tipster writes to the officers handling the tip.
    pub async fn tipster_writes(
        &self,
        key: TipsterKey<'_>,
        tip_id: Option<i64>,
        text: &str,
        client: Option<&str>,
    ) -> Result<i64> {
        let tip = self.tipster_tip(&key, tip_id, client).await?;
        let body = binhyen_text::normalize_multiline(text);
        if body.is_empty() {
            return Err(binhyen_domain::Invalid::new("body", "required").into());
        }
        if body.chars().count() > 4000 {
            return Err(binhyen_domain::Invalid::new("body", "too_long").into());
        }
        let actor = match key {
            // A confidential tipster's account is not written next to the tip in clear.
            TipsterKey::Account(a) if tip.protection == Protection::Identified => Some(a.id),
            _ => None,
        };
        let event = NewTipEvent {
            tip_id: tip.id,
            at_ms: self.now_ms(),
            actor_account_id: actor,
            from_tipster: true,
            body: Some(body),
            visible_to_tipster: true,
            ..NewTipEvent::of(TipEventKind::Message)
        };
        let mut tx = self.store.begin().await?;
        let id = tips::add_event(&mut tx, &event).await?;
        self.audit_tip(&mut tx, None, "tip.tipster_message", tip.id, serde_json::json!({"event_id": id})).await?;
        tx.commit().await?;
        Ok(id)
    }
}
