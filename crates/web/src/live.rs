//! Server-Sent Events: an officer's live feed, for the API (`GET /api/v1/events`, bearer) and the pages
//! (`GET /events`, session cookie). Each event carries its id; a client that reconnects with `Last-Event-ID`
//! gets what it missed (`Core::subscribe_live`). A client too slow to keep up is sent `resync` and dropped: it
//! reloads what it shows and reconnects, and nobody else waits for it.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use binhyen_core::live::{LiveMessage, LiveSubscription};
use binhyen_domain::Actor;
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast::error::RecvError;

use crate::error::ApiError;
use crate::AppState;

/// Counts an open stream in the `live_streams` gauge for as long as it lives.
struct OpenStream(prometheus_client::metrics::gauge::Gauge);

impl OpenStream {
    fn new(gauge: &prometheus_client::metrics::gauge::Gauge) -> Self {
        gauge.inc();
        Self(gauge.clone())
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// How long a browser waits before reconnecting after a drop.
const RETRY: Duration = Duration::from_secs(2);

/// The id the client last saw, from `Last-Event-ID`. Anything but a non-negative integer is refused.
pub(crate) fn last_event_id(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get("last-event-id") else { return Ok(None) };
    let text = value.to_str().map(str::trim).unwrap_or("x");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(id) if id >= 0 => Ok(Some(id)),
        _ => Err(ApiError::new(StatusCode::BAD_REQUEST, "invalid_last_event_id").field("Last-Event-ID")),
    }
}

fn event(m: &LiveMessage) -> Event {
    Event::default().id(m.id.to_string()).event(&m.kind).data(&m.json)
}

fn resync() -> Event {
    Event::default().event("resync").data("{}")
}

enum Phase {
    Start(LiveSubscription),
    Replay(std::vec::IntoIter<Arc<LiveMessage>>, LiveSubscription),
    Live(LiveSubscription),
    Done,
}

/// The feed as a stream of SSE events: a `resync` first if the client missed more than is kept, then the
/// replay, then live events in the subscriber's scope; a `resync` and the end if it falls behind.
fn feed(sub: LiveSubscription) -> impl Stream<Item = Result<Event, std::convert::Infallible>> {
    stream::unfold(Phase::Start(sub), |phase| async move {
        match phase {
            Phase::Start(mut sub) => {
                let replay = std::mem::take(&mut sub.replay).into_iter();
                let first = Event::default().retry(RETRY).comment("binhyen");
                let first = if sub.resync { resync().retry(RETRY) } else { first };
                Some((Ok(first), Phase::Replay(replay, sub)))
            }
            Phase::Replay(mut replay, sub) => match replay.next() {
                Some(m) => Some((Ok(event(&m)), Phase::Replay(replay, sub))),
                None => next_live(sub).await,
            },
            Phase::Live(sub) => next_live(sub).await,
            Phase::Done => None,
        }
    })
}

async fn next_live(mut sub: LiveSubscription) -> Option<(Result<Event, std::convert::Infallible>, Phase)> {
    loop {
        if *sub.closing.borrow() {
            return None;
        }
        let received = tokio::select! {
            r = sub.receiver.recv() => r,
            // The node is shutting down: end the stream (the client reconnects elsewhere, or later).
            _ = sub.closing.changed() => return None,
        };
        match received {
            Ok(m) if m.id > sub.after && sub.scope.admits(&m) => return Some((Ok(event(&m)), Phase::Live(sub))),
            Ok(_) => continue,
            Err(RecvError::Lagged(_)) => return Some((Ok(resync()), Phase::Done)),
            Err(RecvError::Closed) => return None,
        }
    }
}

/// The SSE response for `actor`.
pub(crate) async fn respond(state: &AppState, actor: &Actor, headers: &HeaderMap) -> Result<Response, ApiError> {
    let last = last_event_id(headers)?;
    let sub = state.core.subscribe_live(actor, last).await?;
    let open = OpenStream::new(&state.metrics.live_streams);
    // The stream owns the count's guard: the gauge goes down when the connection drops it.
    let counted = feed(sub).map(move |event| {
        let _ = &open;
        event
    });
    let mut response = Sse::new(counted).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Proxies such as nginx must pass each event on at once.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use binhyen_core::live::LiveScope;
    use tokio::sync::broadcast;

    use super::*;

    fn message(id: i64, unit: i64) -> Arc<LiveMessage> {
        Arc::new(LiveMessage {
            id,
            kind: "tip.submitted".into(),
            unit_id: Some(unit),
            urgent: false,
            json: format!(r#"{{"id":{id},"tip_id":{id}}}"#),
        })
    }

    async fn body(sub: LiveSubscription) -> String {
        let response = Sse::new(feed(sub)).into_response();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    /// A subscription to `receiver`, and the node's shutdown switch (kept, or the stream ends at once).
    fn subscription(
        receiver: broadcast::Receiver<Arc<LiveMessage>>,
        replay: Vec<Arc<LiveMessage>>,
    ) -> (LiveSubscription, tokio::sync::watch::Sender<bool>) {
        let scope = LiveScope::new(HashSet::from([7]), HashSet::new());
        let (shutdown, closing) = tokio::sync::watch::channel(false);
        (LiveSubscription { scope, replay, resync: false, receiver, after: 2, closing }, shutdown)
    }

    #[tokio::test]
    async fn a_subscriber_that_falls_behind_is_told_to_resync_and_dropped() {
        let (sender, receiver) = broadcast::channel(4);
        // Ten events while this subscriber reads nothing: more than the buffer holds.
        for id in 3..13 {
            sender.send(message(id, 7)).unwrap();
        }
        let (sub, _shutdown) = subscription(receiver, vec![message(2, 7)]);
        let text = body(sub).await;
        assert!(text.starts_with("retry: 2000\n: binhyen\n\n"), "{text}");
        assert!(text.contains("id: 2\nevent: tip.submitted\n"), "the replay comes first: {text}");
        assert!(text.ends_with("event: resync\ndata: {}\n\n"), "then resync, and the stream ends: {text}");
        assert!(!text.contains("id: 3\n"), "nothing from the overwritten part of the buffer");
    }

    #[tokio::test]
    async fn only_events_in_scope_and_after_the_replay_are_sent() {
        let (sender, receiver) = broadcast::channel(16);
        // Id 2 was replayed; unit 8 is outside the scope; the sender goes away after id 4, ending the stream.
        for m in [message(2, 7), message(3, 8), message(4, 7)] {
            sender.send(m).unwrap();
        }
        drop(sender);
        let (sub, _shutdown) = subscription(receiver, Vec::new());
        let text = body(sub).await;
        let ids: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("id: ")).collect();
        assert_eq!(ids, ["4"], "{text}");
    }

    #[tokio::test]
    async fn a_stream_ends_when_the_node_shuts_down() {
        let (_sender, receiver) = broadcast::channel(4);
        let (sub, shutdown) = subscription(receiver, Vec::new());
        let reading = tokio::spawn(body(sub));
        tokio::time::sleep(Duration::from_millis(50)).await;
        shutdown.send_replace(true);
        let text = tokio::time::timeout(Duration::from_secs(5), reading).await.expect("the stream ends").unwrap();
        assert!(!text.contains("event:"), "{text}");
    }

    #[test]
    fn last_event_id_must_be_an_event_id() {
        let mut headers = HeaderMap::new();
        assert_eq!(last_event_id(&headers).unwrap(), None);
        headers.insert("last-event-id", HeaderValue::from_static(" 42 "));
        assert_eq!(last_event_id(&headers).unwrap(), Some(42));
        for bad in ["x", "-3", "1e3"] {
            headers.insert("last-event-id", HeaderValue::from_static(bad));
            assert!(last_event_id(&headers).is_err(), "{bad}");
        }
    }
}
