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
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use crate::error::ApiError;
use crate::AppState;

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
        match sub.receiver.recv().await {
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
    let mut response =
        Sse::new(feed(sub)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    let h = response.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Proxies such as nginx must pass each event on at once.
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(response)
}
