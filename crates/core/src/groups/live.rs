//! A node's live delivery of group messages: one broadcast channel per group with connected readers, fed as
//! each message commits on this node and, on PostgreSQL where several nodes share the store, by a tail that
//! reads the active groups' recent messages every `TAIL_EVERY` and passes on those this node has not (a message
//! posted through another node). Readers that fall behind by more than the buffer are told to reload.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use binhyen_domain::group::GroupId;
use binhyen_store::groups::Message;
use binhyen_store::{Backend, Store};
use tokio::sync::broadcast;

/// What a group's readers are told.
#[derive(Debug, Clone, PartialEq)]
pub enum GroupEvent {
    Message(Message),
    Hidden { message_id: i64 },
}

/// Events buffered per group for slow readers.
const BUFFER: usize = 256;
/// Message ids remembered per group as already passed on.
const REMEMBERED: usize = 1024;
/// How often the tail reads the store (PostgreSQL), and how far back (commits may land out of id order).
const TAIL_EVERY: Duration = Duration::from_millis(250);
const TAIL_WINDOW_MS: i64 = 10_000;

#[derive(Default)]
struct Channel {
    sender: Option<broadcast::Sender<Arc<GroupEvent>>>,
    passed: VecDeque<i64>,
}

#[derive(Default)]
pub struct GroupHub {
    groups: Mutex<HashMap<GroupId, Channel>>,
    closed: AtomicBool,
    tailing: AtomicBool,
}

impl GroupHub {
    pub fn subscribe(&self, group_id: GroupId) -> broadcast::Receiver<Arc<GroupEvent>> {
        let (sender, receiver) = broadcast::channel(BUFFER);
        if self.closed.load(Ordering::SeqCst) {
            // The node is stopping: a stream that ends at once.
            return receiver;
        }
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        let channel = groups.entry(group_id).or_default();
        match &channel.sender {
            Some(existing) => existing.subscribe(),
            None => {
                channel.sender = Some(sender);
                receiver
            }
        }
    }

    /// Passes an event on to the group's readers on this node (a message only once).
    pub fn publish(&self, group_id: GroupId, event: GroupEvent) {
        let mut groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        let Some(channel) = groups.get_mut(&group_id) else { return };
        if let GroupEvent::Message(m) = &event {
            if channel.passed.contains(&m.id) {
                return;
            }
            channel.passed.push_back(m.id);
            if channel.passed.len() > REMEMBERED {
                channel.passed.pop_front();
            }
        }
        let Some(sender) = &channel.sender else { return };
        if sender.send(Arc::new(event)).is_err() {
            // Nobody listens any more.
            groups.remove(&group_id);
        }
    }

    fn active(&self) -> Vec<GroupId> {
        let groups = self.groups.lock().unwrap_or_else(|e| e.into_inner());
        groups
            .iter()
            .filter(|(_, c)| c.sender.as_ref().is_some_and(|s| s.receiver_count() > 0))
            .map(|(id, _)| *id)
            .collect()
    }

    /// Ends every reader's stream (the node is stopping).
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        self.groups.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// On PostgreSQL, starts (once) the tail that brings other nodes' messages to this node's readers.
    pub(crate) fn start_tail(self: &Arc<Self>, store: &Store, now_ms: impl Fn() -> i64 + Send + 'static) {
        if store.backend() != Backend::Postgres || self.tailing.swap(true, Ordering::SeqCst) {
            return;
        }
        let hub = self.clone();
        let store = store.clone();
        tokio::spawn(async move {
            while !hub.closed.load(Ordering::SeqCst) {
                tokio::time::sleep(TAIL_EVERY).await;
                let active = hub.active();
                if active.is_empty() {
                    continue;
                }
                match store.recent_group_messages(&active, now_ms() - TAIL_WINDOW_MS, 1000).await {
                    Ok(messages) => {
                        let active: HashSet<GroupId> = active.into_iter().collect();
                        for m in messages.into_iter().filter(|m| active.contains(&m.group_id)) {
                            hub.publish(m.group_id, GroupEvent::Message(m));
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "group messages tail: reading failed"),
                }
            }
        });
    }
}
