//! An account's in-app notifications.

use crate::Alerting;
use binhyen_store::notifications::Notification;

use crate::Result;

#[derive(Debug, Clone)]
pub struct InboxPage {
    pub items: Vec<Notification>,
    pub unread: i64,
    /// Pass as `before` for the next (older) page; None on the last page.
    pub next_before: Option<i64>,
}

const PER_PAGE: i64 = 30;

impl Alerting<'_> {
    pub async fn notifications(&self, account_id: i64, before: Option<i64>) -> Result<InboxPage> {
        let mut items = self.store.notifications(account_id, before, PER_PAGE + 1).await?;
        let next_before = (items.len() as i64 > PER_PAGE).then(|| items[PER_PAGE as usize - 1].id);
        items.truncate(PER_PAGE as usize);
        Ok(InboxPage { items, unread: self.store.unread_notifications(account_id).await?, next_before })
    }

    /// How many of the account's notifications are unread (the pages show it beside their link).
    pub async fn unread_notifications(&self, account_id: i64) -> Result<i64> {
        Ok(self.store.unread_notifications(account_id).await?)
    }

    /// Marks one notification (or all, with None) read; only the account's own.
    pub async fn mark_notifications_read(&self, account_id: i64, id: Option<i64>) -> Result<u64> {
        Ok(self.store.mark_notifications_read(account_id, id, self.now_ms()).await?)
    }
}
