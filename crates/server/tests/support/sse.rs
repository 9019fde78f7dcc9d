//! A Server-Sent Events client for tests: reads frames off a streaming response.

#![allow(dead_code)]

use std::time::Duration;

use serde_json::Value;

#[derive(Debug, Clone)]
pub struct SseEvent {
    pub id: Option<i64>,
    pub event: String,
    pub data: Value,
}

pub struct SseClient {
    response: reqwest::Response,
    buffer: String,
}

impl SseClient {
    /// Opens `url` with a bearer token and, when given, `Last-Event-ID`. Panics unless the answer is 200.
    pub async fn open(url: &str, token: &str, last_event_id: Option<i64>) -> SseClient {
        let mut req = reqwest::Client::new().get(url).bearer_auth(token).header("accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id.to_string());
        }
        let response = req.send().await.expect("SSE request");
        assert_eq!(response.status(), 200, "SSE answer");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        SseClient { response, buffer: String::new() }
    }

    /// The next event (comments and keep-alives skipped), or None if none comes within `wait` or the stream
    /// ends.
    pub async fn next(&mut self, wait: Duration) -> Option<SseEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let frame: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse(&frame) {
                    return Some(event);
                }
                continue;
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await.ok()?.ok()??;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next event of `kind` about tip `tip_id`, skipping others; panics if none within `wait`.
    pub async fn expect(&mut self, kind: &str, tip_id: i64, wait: Duration) -> SseEvent {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let event = self.next(left).await.unwrap_or_else(|| panic!("no {kind} event for tip {tip_id}"));
            if event.event == kind && event.data["tip_id"] == tip_id {
                return event;
            }
        }
    }
}

fn parse(frame: &str) -> Option<SseEvent> {
    let (mut id, mut event, mut data) = (None, "message".to_owned(), String::new());
    let mut any = false;
    for line in frame.lines() {
        let (field, value) =
            line.split_once(':').map(|(f, v)| (f, v.strip_prefix(' ').unwrap_or(v))).unwrap_or((line, ""));
        match field {
            "id" => id = value.parse().ok(),
            "event" => event = value.to_owned(),
            "data" => {
                data.push_str(value);
                any = true;
            }
            _ => {}
        }
    }
    any.then(|| SseEvent { id, event, data: serde_json::from_str(&data).unwrap_or(Value::String(data)) })
}
