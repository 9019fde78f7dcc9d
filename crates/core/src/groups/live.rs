//! A node's live delivery of group messages: one broadcast channel per group with connected readers, fed after
//! each message commits. Readers that fall behind by more than the buffer are told to reload (`Lagged`).
//! Members connected to another node see the message on their next page load; carrying group messages between
//! nodes (as `live_events` does for tips) is left for later.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use binhyen_store::groups::Message;
use tokio::sync::broadcast;

/// What a group's readers are told.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupEvent {
    Message(Message),
    Hidden { message_id: i64 },
}

/// Events buffered per group for slow readers.
const BUFFER: usize = 256;

#[derive(Default)]
pub struct GroupHub {
    groups: Mutex<HashMap<i64, broadcast::Sender<Arc<GroupEvent>>>>,
}

impl GroupHub {
    pub fn subscribe(&self, group_id: i64) -> broadcast::Receiver<Arc<GroupEvent>> {
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        groups.entry(group_id).or_insert_with(|| broadcast::channel(BUFFER).0).subscribe()
    }

    pub fn publish(&self, group_id: i64, event: GroupEvent) {
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(sender) = groups.get(&group_id) {
            if sender.send(Arc::new(event)).is_err() {
                // Nobody listens any more.
                groups.remove(&group_id);
            }
        }
    }
}
