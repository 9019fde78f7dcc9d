//! Live events to officers' consoles. A use case appends its events to the store in its transaction
//! (`store::live`, ids in commit order); each node tails that table and broadcasts what is new to its
//! subscribers. The table is the single source: a client that reconnects with `Last-Event-ID` is replayed
//! what it missed from it, and events cross nodes because every node tails the same table, woken by
//! PostgreSQL's NOTIFY (or, on SQLite, by this node's own commits) and, in case a wake-up is lost, by a
//! periodic look.
//!
//! A subscriber that falls behind by more than the broadcast buffer is not waited for: its receiver reports
//! the lag, and the stream tells the client to resynchronise and ends. Memory stays bounded by the one
//! shared buffer whatever the number or speed of clients.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use binhyen_domain::tip::Priority;
use binhyen_domain::Actor;
use binhyen_store::live::{LiveEvent, NewLiveEvent};
use binhyen_store::{Store, Tx};
use tokio::sync::{broadcast, watch, Notify};

use crate::units::UnitNode;
use crate::{Core, Result};

/// Most events replayed to a reconnecting client; further behind, it resynchronises instead.
const MAX_REPLAY: i64 = 1000;

/// One event as sent: its SSE frame is rendered once, whatever the number of subscribers.
#[derive(Debug)]
pub struct LiveMessage {
    pub id: i64,
    pub kind: String,
    pub unit_id: Option<i64>,
    pub urgent: bool,
    /// The JSON payload, with the event id and kind added.
    pub json: String,
}

impl LiveMessage {
    fn from_event(e: LiveEvent) -> Self {
        let mut json: serde_json::Value = serde_json::from_str(&e.payload).unwrap_or_else(|_| serde_json::json!({}));
        if let Some(map) = json.as_object_mut() {
            map.insert("id".into(), e.id.into());
            map.insert("kind".into(), e.kind.clone().into());
            map.insert("at".into(), e.at_ms.into());
        }
        LiveMessage {
            id: e.id,
            urgent: e.priority.as_deref() == Some(Priority::Urgent.as_str()),
            kind: e.kind,
            unit_id: e.unit_id,
            json: json.to_string(),
        }
    }
}

/// What one officer may see live: events of their unit's subtree, and urgent ones of the subtrees their unit
/// watches.
#[derive(Debug, Clone)]
pub struct LiveScope {
    units: Arc<HashSet<i64>>,
    urgent_units: Arc<HashSet<i64>>,
}

impl LiveScope {
    /// Events of `units`, and urgent events of `urgent_units`.
    pub fn new(units: HashSet<i64>, urgent_units: HashSet<i64>) -> Self {
        Self { units: Arc::new(units), urgent_units: Arc::new(urgent_units) }
    }

    pub fn admits(&self, m: &LiveMessage) -> bool {
        m.unit_id.is_some_and(|u| self.units.contains(&u) || (m.urgent && self.urgent_units.contains(&u)))
    }
}

/// What a new subscriber gets: what it missed, then the live feed.
pub struct LiveSubscription {
    pub scope: LiveScope,
    /// Events after the client's `Last-Event-ID`, already filtered by scope.
    pub replay: Vec<Arc<LiveMessage>>,
    /// True when the client missed more than can be replayed (or than is kept): it must reload.
    pub resync: bool,
    /// Live events; skip those with an id not above `after`.
    pub receiver: broadcast::Receiver<Arc<LiveMessage>>,
    pub after: i64,
    /// Becomes true when the node shuts down: the stream ends, so that the server can stop.
    pub closing: watch::Receiver<bool>,
}

/// Settings of the live feed and of alerting, from configuration.
#[derive(Debug, Clone)]
pub struct LiveSettings {
    /// How long events are kept for replay.
    pub replay_window: time::Duration,
    /// How often the tail looks even without a wake-up (a lost NOTIFY, another process's SQLite write).
    pub poll: Duration,
    /// Events one node keeps for its subscribers; a subscriber further behind is told to resynchronise.
    pub buffer: usize,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self { replay_window: time::Duration::hours(1), poll: Duration::from_secs(1), buffer: 4096 }
    }
}

/// One node's broadcast of the live-event table, shared by every clone of its `Core`.
pub(crate) struct LiveHub {
    sender: broadcast::Sender<Arc<LiveMessage>>,
    wake: Arc<Notify>,
    started: AtomicBool,
    /// True once the tail knows where the table ends: from then on, whatever commits is broadcast.
    ready: watch::Sender<bool>,
    closing: watch::Sender<bool>,
}

impl LiveHub {
    pub(crate) fn new(buffer: usize) -> Self {
        Self {
            sender: broadcast::channel(buffer.max(1)).0,
            wake: Arc::new(Notify::new()),
            started: AtomicBool::new(false),
            ready: watch::channel(false).0,
            closing: watch::channel(false).0,
        }
    }
}

impl Default for LiveHub {
    fn default() -> Self {
        Self::new(LiveSettings::default().buffer)
    }
}

impl LiveHub {
    fn start(self: &Arc<Self>, store: &Store, poll: Duration) {
        if !self.started.swap(true, Ordering::SeqCst) {
            tokio::spawn(tail(Arc::downgrade(self), store.clone(), poll));
        }
    }
}

/// Follows the table from its current end, broadcasting each new event once, until the hub is gone.
async fn tail(hub: Weak<LiveHub>, store: Store, poll: Duration) {
    let mut last = loop {
        match store.last_live_event_id().await {
            Ok(id) => break id,
            Err(e) => tracing::warn!(error = %e, "live events: cannot read where the table ends; trying again"),
        }
        tokio::time::sleep(poll).await;
    };
    match hub.upgrade() {
        Some(live) => live.ready.send_replace(true),
        None => return,
    };
    let mut listener = match store.live_event_listener().await {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "live events: cannot LISTEN; other nodes' events arrive by polling only");
            None
        }
    };
    loop {
        let Some(live) = hub.upgrade() else { return };
        let (wake, sender) = (live.wake.clone(), live.sender.clone());
        drop(live);
        loop {
            match store.live_events_after(last, 500).await {
                Ok(events) => {
                    let full = events.len() == 500;
                    for e in events {
                        last = e.id;
                        // No subscriber is not an error.
                        let _ = sender.send(Arc::new(LiveMessage::from_event(e)));
                    }
                    if !full {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "live events: reading new events failed");
                    break;
                }
            }
        }
        drop(sender);
        let notified = wake.notified();
        match listener.as_mut() {
            Some(l) => {
                tokio::select! {
                    () = notified => {},
                    r = l.recv() => if let Err(e) = r {
                        // sqlx reconnects on the next recv; events meanwhile are found by the next read.
                        tracing::warn!(error = %e, "live events: the LISTEN connection failed");
                        tokio::time::sleep(poll).await;
                    },
                    () = tokio::time::sleep(poll) => {},
                }
            }
            None => tokio::select! {
                () = notified => {},
                () = tokio::time::sleep(poll) => {},
            },
        }
    }
}

fn subtree(forest: &[UnitNode], root: i64, out: &mut HashSet<i64>) {
    fn all(node: &UnitNode, out: &mut HashSet<i64>) {
        out.insert(node.unit.id);
        node.children.iter().for_each(|c| all(c, out));
    }
    for node in forest {
        if node.unit.id == root {
            all(node, out);
        } else {
            subtree(&node.children, root, out);
        }
    }
}

impl Core {
    /// Appends live events as the last write of `tx`, and wakes this node's tail once it commits.
    pub(crate) async fn publish(&self, tx: &mut Tx, events: &[NewLiveEvent]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        binhyen_store::live::append(tx, events).await?;
        let wake = self.live.wake.clone();
        tx.after_commit(move || wake.notify_one());
        Ok(())
    }

    /// What `actor` may see live. Officers only (`WorkTips` on their own unit).
    pub async fn live_scope(&self, actor: &Actor) -> Result<LiveScope> {
        self.authorize(actor, binhyen_domain::Action::WorkTips, actor.unit_id).await?;
        let forest = self.units().directory_snapshot().await?.forest;
        let mut units = HashSet::new();
        subtree(&forest, actor.unit_id, &mut units);
        let mut urgent_units = HashSet::new();
        for (watcher, scope) in self.store.urgent_watchers().await? {
            if watcher == actor.unit_id {
                subtree(&forest, scope, &mut urgent_units);
            }
        }
        Ok(LiveScope { units: Arc::new(units), urgent_units: Arc::new(urgent_units) })
    }

    /// Starts following the live-event table (the server does at start; a subscription would otherwise).
    pub fn start_live(&self) {
        self.live.start(&self.store, self.live_settings.poll);
    }

    /// Subscribes `actor` to live events, replaying those after `last_event_id` that are still kept.
    pub async fn subscribe_live(&self, actor: &Actor, last_event_id: Option<i64>) -> Result<LiveSubscription> {
        let scope = self.live_scope(actor).await?;
        self.start_live();
        // Until the tail knows where the table ends, an event committing now could fall before its start.
        let mut ready = self.live.ready.subscribe();
        if tokio::time::timeout(Duration::from_secs(10), ready.wait_for(|ready| *ready)).await.is_err() {
            return Err(crate::CoreError::Internal("live events: the table cannot be read".into()));
        }
        // Subscribe before reading the table, so nothing falls between the replay and the feed.
        let receiver = self.live.sender.subscribe();
        // Without a Last-Event-ID, everything broadcast from now on is new to this subscriber.
        let (mut replay, mut resync, mut after) = (Vec::new(), false, 0);
        match last_event_id {
            None => {}
            Some(last) => {
                after = last;
                let first = self.store.first_live_event_id().await?;
                resync = first.is_some_and(|first| first > last + 1);
                let events = self.store.live_events_after(last, MAX_REPLAY + 1).await?;
                if events.len() as i64 > MAX_REPLAY {
                    resync = true;
                }
                for e in events.into_iter().take(MAX_REPLAY as usize) {
                    after = e.id;
                    let m = Arc::new(LiveMessage::from_event(e));
                    if scope.admits(&m) {
                        replay.push(m);
                    }
                }
            }
        }
        let closing = self.live.closing.subscribe();
        Ok(LiveSubscription { scope, replay, resync, receiver, after, closing })
    }

    /// Ends every live stream of this node (at shutdown: an open stream would keep the server waiting).
    pub fn close_live_streams(&self) {
        self.live.closing.send_replace(true);
        self.groups.close_live();
    }

    /// Forgets live events older than the replay window. Run periodically by the job worker.
    pub async fn prune_live_events(&self) -> Result<u64> {
        let before = self.now_ms() - self.live_settings.replay_window.whole_milliseconds() as i64;
        Ok(self.store.prune_live_events(before).await?)
    }
}
