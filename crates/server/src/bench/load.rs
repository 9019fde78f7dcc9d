//! A closed-loop HTTP load generator: N connections, each sending its next request when the previous answer
//! has been read in full, until the deadline. Latencies are kept whole and sorted for exact percentiles.
//!
//! What is sent is a list of `Request`s (a GET, or a POST of a JSON body, with or without a bearer token);
//! connection `c` sends its n-th request from position `(c + n) % len`, so every connection cycles through the
//! whole mix and a list of alternating kinds is sent half and half.
//!
//! The client is a minimal HTTP/1.1 one over keep-alive connections, like wrk: each request's bytes are built
//! once, and an answer is read as far as its status and body length. It runs in the benchmarked process, on
//! the same two cores, so it has to cost little: a general-purpose client (reqwest) took about a third of the
//! CPU here, and the benchmark measured the client as much as the server.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Answers that counted as successes.
    pub requests: u64,
    pub errors: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

impl std::fmt::Display for LoadReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} requests ({} errors), {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
            self.requests, self.errors, self.rps, self.p50_ms, self.p99_ms
        )
    }
}

/// One request of the mix.
#[derive(Debug, Clone)]
pub struct Request {
    method: &'static str,
    url: String,
    json: Option<String>,
    bearer: Option<String>,
    /// The only status that counts as a success; `None`: any 2xx.
    expect: Option<u16>,
}

impl Request {
    pub fn get(url: impl Into<String>) -> Self {
        Self { method: "GET", url: url.into(), json: None, bearer: None, expect: None }
    }

    /// A POST of `body` as `application/json`.
    pub fn post_json(url: impl Into<String>, body: &serde_json::Value) -> Self {
        Self { method: "POST", url: url.into(), json: Some(body.to_string()), bearer: None, expect: None }
    }

    /// Sent with `Authorization: Bearer <token>`.
    pub fn bearer(mut self, token: impl Into<String>) -> Self {
        self.bearer = Some(token.into());
        self
    }

    /// Only this status counts as a success (e.g. 201 for a creation; a 200 would mean something else).
    pub fn expect(mut self, status: u16) -> Self {
        self.expect = Some(status);
        self
    }

    fn succeeded(&self, status: u16) -> bool {
        match self.expect {
            Some(expected) => status == expected,
            None => (200..300).contains(&status),
        }
    }
}

/// `http://host:port/path?query` → ("host:port", "/path?query").
fn split_url(url: &str) -> anyhow::Result<(&str, &str)> {
    let rest = url.strip_prefix("http://").with_context(|| format!("the load generator speaks http:// only: {url}"))?;
    Ok(match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    })
}

/// A request as sent, built once.
pub(super) struct Wire {
    pub(super) address: String,
    pub(super) bytes: Vec<u8>,
}

pub(super) fn wire(request: &Request) -> anyhow::Result<Wire> {
    let (address, path) = split_url(&request.url)?;
    let mut head = format!("{} {path} HTTP/1.1\r\nHost: {address}\r\nAccept: */*\r\n", request.method);
    if let Some(token) = &request.bearer {
        head.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    let body = request.json.as_deref().unwrap_or("");
    if request.json.is_some() {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    let mut bytes = head.into_bytes();
    bytes.extend_from_slice(body.as_bytes());
    Ok(Wire { address: address.to_owned(), bytes })
}

/// One keep-alive connection.
pub(super) struct Connection {
    stream: BufReader<TcpStream>,
    line: String,
}

impl Connection {
    pub(super) async fn open(address: &str) -> std::io::Result<Self> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Self { stream: BufReader::new(stream), line: String::new() })
    }

    /// Sends the request and reads the whole answer; returns its status and whether the connection may be
    /// used again.
    async fn exchange(&mut self, request: &[u8]) -> std::io::Result<(u16, bool)> {
        self.exchange_into(request, None).await
    }

    /// `exchange`, appending the answer's body to `body` when given (otherwise it is read and dropped).
    pub(super) async fn exchange_into(
        &mut self,
        request: &[u8],
        mut body: Option<&mut Vec<u8>>,
    ) -> std::io::Result<(u16, bool)> {
        self.stream.get_mut().write_all(request).await?;
        let status = match self.read_line().await?.split(' ').nth(1).and_then(|s| s.parse::<u16>().ok()) {
            Some(status) => status,
            None => return Err(invalid("no status line")),
        };
        let (mut length, mut chunked, mut keep_alive) = (0usize, false, true);
        loop {
            let line = self.read_line().await?;
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else { continue };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = value.parse().map_err(|_| invalid("bad content-length"))?;
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                keep_alive = !value.eq_ignore_ascii_case("close");
            }
        }
        if chunked {
            loop {
                let size = usize::from_str_radix(self.read_line().await?.split(';').next().unwrap_or(""), 16)
                    .map_err(|_| invalid("bad chunk size"))?;
                if size == 0 {
                    // No trailers are sent: the last chunk's CRLF ends the answer.
                    self.skip(2, None).await?;
                    break;
                }
                self.skip(size, body.as_deref_mut()).await?;
                self.skip(2, None).await?;
            }
        } else {
            self.skip(length, body).await?;
        }
        Ok((status, keep_alive))
    }

    /// The next line without its CRLF.
    async fn read_line(&mut self) -> std::io::Result<&str> {
        self.line.clear();
        if self.stream.read_line(&mut self.line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(self.line.trim_end_matches(['\r', '\n']))
    }

    /// Reads `n` bytes, into `keep` when given.
    async fn skip(&mut self, n: usize, keep: Option<&mut Vec<u8>>) -> std::io::Result<()> {
        let mut source = (&mut self.stream).take(n as u64);
        let copied = match keep {
            Some(keep) => source.read_to_end(keep).await? as u64,
            None => tokio::io::copy(&mut source, &mut tokio::io::sink()).await?,
        };
        if copied < n as u64 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }
}

/// One request on a new connection: the answer's status and body. For set-up steps (signing in, looking up).
pub(super) async fn fetch(request: &Request) -> anyhow::Result<(u16, Vec<u8>)> {
    let wire = wire(request)?;
    let mut connection =
        Connection::open(&wire.address).await.with_context(|| format!("connecting to {}", wire.address))?;
    let mut body = Vec::new();
    let (status, _) = connection
        .exchange_into(&wire.bytes, Some(&mut body))
        .await
        .with_context(|| format!("{} {}", request.method, request.url))?;
    Ok((status, body))
}

/// `fetch`, expecting `status` and a JSON body.
pub(super) async fn fetch_json(request: &Request, status: u16) -> anyhow::Result<serde_json::Value> {
    let (got, body) = fetch(request).await?;
    let text = String::from_utf8_lossy(&body);
    anyhow::ensure!(got == status, "{} {}: status {got}, expected {status}: {text}", request.method, request.url);
    serde_json::from_slice(&body).with_context(|| format!("{} {}: not JSON: {text}", request.method, request.url))
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_owned())
}

/// GETs `url` from `connections` connections for `duration`.
pub async fn drive(url: &str, duration: Duration, connections: usize) -> anyhow::Result<LoadReport> {
    drive_mix(vec![Request::get(url)], duration, connections).await
}

/// Sends the `mix` from `connections` connections for `duration` (see the module's comment for the order).
pub async fn drive_mix(mix: Vec<Request>, duration: Duration, connections: usize) -> anyhow::Result<LoadReport> {
    drive_in_order(mix, duration, connections, false).await
}

/// Like `drive_mix`, but connection `c` sends positions `c`, `c + connections`, `c + 2 × connections`, …: each
/// request of the mix is sent once before any is sent again (for requests that may not repeat quickly, such
/// as a member's messages under a per-member limit).
pub async fn drive_spread(mix: Vec<Request>, duration: Duration, connections: usize) -> anyhow::Result<LoadReport> {
    drive_in_order(mix, duration, connections, true).await
}

async fn drive_in_order(
    mix: Vec<Request>,
    duration: Duration,
    connections: usize,
    spread: bool,
) -> anyhow::Result<LoadReport> {
    anyhow::ensure!(!mix.is_empty(), "nothing to send");
    let wires: Vec<Wire> = mix.iter().map(wire).collect::<anyhow::Result<_>>()?;
    let mix: Arc<[(Request, Wire)]> = mix.into_iter().zip(wires).collect::<Vec<_>>().into();
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::with_capacity(connections);
    for connection in 0..connections {
        let mix = mix.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies_us: Vec<u32> = Vec::with_capacity(16_384);
            let mut errors = 0u64;
            let mut open: Option<Connection> = None;
            let mut next = connection;
            while Instant::now() < deadline {
                let (request, wire) = &mix[next % mix.len()];
                next += if spread { connections } else { 1 };
                let sent = Instant::now();
                let answer = match open.take() {
                    Some(c) => Ok(c),
                    None => Connection::open(&wire.address).await,
                };
                let outcome = match answer {
                    Ok(mut c) => c.exchange(&wire.bytes).await.map(|(status, keep)| {
                        if keep {
                            open = Some(c);
                        }
                        status
                    }),
                    Err(e) => Err(e),
                };
                match outcome {
                    Ok(status) if request.succeeded(status) => {
                        latencies_us.push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
                    }
                    Ok(_) => errors += 1,
                    Err(_) => {
                        errors += 1;
                        // A refused or broken connection: do not spin on it.
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                }
            }
            (latencies_us, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (lat, err) = t.await?;
        all.extend(lat);
        errors += err;
    }
    let elapsed = started.elapsed().as_secs_f64();
    Ok(report(all, errors, elapsed))
}

/// Requests/s and exact percentiles from whole latency lists (microseconds), over `elapsed_secs`.
pub fn report(mut latencies_us: Vec<u32>, errors: u64, elapsed_secs: f64) -> LoadReport {
    latencies_us.sort_unstable();
    let pct = |p: f64| -> f64 {
        if latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((latencies_us.len() as f64 * p).ceil() as usize).clamp(1, latencies_us.len()) - 1;
        latencies_us[i] as f64 / 1000.0
    };
    LoadReport {
        requests: latencies_us.len() as u64,
        errors,
        rps: latencies_us.len() as f64 / elapsed_secs,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_built_once_as_sent() {
        let post = Request::post_json("http://127.0.0.1:8080/api/v1/tips", &serde_json::json!({"a": 1})).bearer("t");
        let w = wire(&post).unwrap();
        assert_eq!(w.address, "127.0.0.1:8080");
        let text = String::from_utf8(w.bytes).unwrap();
        assert!(text.starts_with("POST /api/v1/tips HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"), "{text}");
        assert!(text.contains("Authorization: Bearer t\r\n") && text.contains("Content-Length: 7\r\n"));
        assert!(text.ends_with("\r\n\r\n{\"a\":1}"));
        let get = String::from_utf8(wire(&Request::get("http://h:1")).unwrap().bytes).unwrap();
        assert_eq!(get, "GET / HTTP/1.1\r\nHost: h:1\r\nAccept: */*\r\n\r\n");
        assert!(split_url("https://h/x").is_err());
        assert!(Request::get("x").expect(201).succeeded(201) && !Request::get("x").expect(201).succeeded(200));
    }

    /// Against a real server: status, content-length and chunked bodies, keep-alive, and one connection
    /// serving several requests in turn.
    #[tokio::test]
    async fn reads_whole_answers_over_one_connection() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let (socket, _) = listener.accept().await.unwrap();
            let mut socket = BufReader::new(socket);
            let answers: [&[u8]; 2] = [
                b"HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\nhello",
                b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
            ];
            for answer in answers {
                let mut line = String::new();
                loop {
                    line.clear();
                    socket.read_line(&mut line).await.unwrap();
                    if line == "\r\n" {
                        break;
                    }
                }
                socket.get_mut().write_all(answer).await.unwrap();
            }
        });
        let mut c = Connection::open(&address).await.unwrap();
        let get = wire(&Request::get(format!("http://{address}/"))).unwrap();
        let mut body = Vec::new();
        assert_eq!(c.exchange_into(&get.bytes, Some(&mut body)).await.unwrap(), (201, true));
        assert_eq!(body, b"hello");
        body.clear();
        assert_eq!(c.exchange_into(&get.bytes, Some(&mut body)).await.unwrap(), (200, true));
        assert_eq!(body, b"abcde", "chunks joined, sizes and CRLFs left out");
        assert!(c.exchange(&get.bytes).await.is_err(), "the server closed the connection");
    }
}
