//! An HTTP/1.1 server (hyper) that records every request and answers from a script.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::sync::Notify;

use super::{wait_until, Server};

/// A request as the fake received it. Header names are lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// The path and, if any, `?` and the query.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RecordedRequest {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as JSON; panics if it is not.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{} {}: body is not JSON ({e}): {}", self.method, self.path, self.text()))
    }

    /// The body as `application/x-www-form-urlencoded` pairs, decoded.
    pub fn form(&self) -> Vec<(String, String)> {
        self.text()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (form_decode(k), form_decode(v))
            })
            .collect()
    }

    /// The value of form field `name`.
    pub fn form_field(&self, name: &str) -> Option<String> {
        self.form().into_iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                if let Some(b) =
                    bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
                {
                    out.push(b);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An answer the fake gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    pub body: String,
    /// How long to wait before answering (to make a client time out, or two requests overlap).
    pub delay: Option<Duration>,
}

impl Reply {
    pub fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply { status, content_type: "application/json".into(), body: body.to_string(), delay: None }
    }

    pub fn text(status: u16, body: &str) -> Reply {
        Reply { status, content_type: "text/plain; charset=utf-8".into(), body: body.into(), delay: None }
    }

    pub fn after(mut self, delay: Duration) -> Reply {
        self.delay = Some(delay);
        self
    }
}

type Responder = Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;

struct Script {
    /// One-off answers, first come first used: `(Some(path), _)` only for that path (query aside).
    queue: Vec<(Option<String>, Reply)>,
    responder: Option<Responder>,
    default: Reply,
}

struct FakeState {
    requests: Mutex<Vec<RecordedRequest>>,
    script: Mutex<Script>,
    arrived: Notify,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl FakeState {
    /// A queued answer for this path, else the responder's, else the default.
    fn reply_to(&self, request: &RecordedRequest) -> Reply {
        let path = request.path.split('?').next().unwrap_or("");
        let responder = {
            let mut script = lock(&self.script);
            if let Some(i) = script.queue.iter().position(|(p, _)| p.as_deref().is_none_or(|p| p == path)) {
                return script.queue.remove(i).1;
            }
            match &script.responder {
                Some(r) => r.clone(),
                None => return script.default.clone(),
            }
        };
        // Called without the lock, so a responder may use the fake (e.g. count its requests).
        responder(request)
    }
}

/// A scriptable HTTP/1.1 server on 127.0.0.1. Answers, in order of precedence: one-off replies queued with
/// [`HttpFake::push`]/[`HttpFake::push_for`], a responder set with [`HttpFake::respond_fn`], the default set with
/// [`HttpFake::respond_with`] (at first `200 {}`).
pub struct HttpFake {
    server: Server,
    state: Arc<FakeState>,
}

impl HttpFake {
    pub async fn start() -> HttpFake {
        let state = Arc::new(FakeState {
            requests: Mutex::new(Vec::new()),
            script: Mutex::new(Script {
                queue: Vec::new(),
                responder: None,
                default: Reply::json(200, serde_json::json!({})),
            }),
            arrived: Notify::new(),
        });
        let for_connections = state.clone();
        let server = Server::start(move |stream| {
            let state = for_connections.clone();
            async move {
                let service = service_fn(move |request| handle(state.clone(), request));
                // A client that hangs up is none of the fake's business.
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            }
        })
        .await;
        HttpFake { server, state }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// The default answer from now on.
    pub fn respond_with(&self, status: u16, body: serde_json::Value) {
        self.set_default(Reply::json(status, body));
    }

    pub fn set_default(&self, reply: Reply) {
        lock(&self.state.script).default = reply;
    }

    /// Answers the next request (any path) with `reply`, once.
    pub fn push(&self, reply: Reply) {
        lock(&self.state.script).queue.push((None, reply));
    }

    /// Answers the next request to `path` with `reply`, once.
    pub fn push_for(&self, path: &str, reply: Reply) {
        lock(&self.state.script).queue.push((Some(path.to_owned()), reply));
    }

    /// Answers every request that no queued reply took by calling `f`.
    pub fn respond_fn(&self, f: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static) {
        lock(&self.state.script).responder = Some(Arc::new(f));
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.state.requests).clone()
    }

    /// The requests to `path` (query aside).
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.requests().into_iter().filter(|r| r.path.split('?').next() == Some(path)).collect()
    }

    /// Waits until `n` requests have arrived and returns them all; panics after `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<RecordedRequest> {
        wait_until(&self.state.arrived, timeout, "HttpFake requests", n, || lock(&self.state.requests).len()).await;
        self.requests()
    }

    /// Closes the port and every connection: the provider is down from now on.
    pub async fn stop(&self) {
        self.server.stop().await;
    }
}

async fn handle(state: Arc<FakeState>, request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default();
    let recorded = RecordedRequest {
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_else(|| parts.uri.path().to_owned()),
        headers: parts
            .headers
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body,
    };
    let reply = state.reply_to(&recorded);
    lock(&state.requests).push(recorded);
    state.arrived.notify_waiters();
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        hyper::StatusCode::from_u16(reply.status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(value) = hyper::header::HeaderValue::from_str(&reply.content_type) {
        response.headers_mut().insert(hyper::header::CONTENT_TYPE, value);
    }
    Ok(response)
}
