//! A minimal Server-Sent Events client for the alerting scenarios: one HTTP/1.1 GET with a bearer token, then
//! the body read incrementally (de-chunked) and cut into events. Thousands of them run at once in the
//! benchmarking process, so each holds a socket, a 1 KB read buffer and the line being read, nothing more.

use std::collections::VecDeque;

use anyhow::Context;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One event as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SseEvent {
    /// The `id:` field, when it was an integer.
    pub id: Option<i64>,
    /// The `event:` field (`message` when absent).
    pub kind: String,
    /// The `data:` lines, joined by newlines.
    pub data: String,
}

/// The `data` of a tip's live event, as far as the scenarios read it.
#[derive(Debug, serde::Deserialize)]
pub(super) struct TipEventData {
    pub tip_id: i64,
}

impl SseEvent {
    /// The tip of a `tip.submitted` event.
    pub fn submitted_tip(&self) -> Option<i64> {
        if self.kind != "tip.submitted" {
            return None;
        }
        serde_json::from_str::<TipEventData>(&self.data).ok().map(|d| d.tip_id)
    }
}

/// An open event stream.
pub(super) struct SseClient {
    stream: TcpStream,
    parser: Parser,
    buf: [u8; 1024],
}

/// Longest response head or line accepted: far more than the server sends.
const MAX_LINE: usize = 64 * 1024;

impl SseClient {
    /// Connects to `address`, GETs `path` with the bearer `token` (and `Last-Event-ID` when given), and reads
    /// the response head. Anything but a 200 is an error, with the status.
    pub async fn connect(address: &str, path: &str, token: &str, last_event_id: Option<i64>) -> anyhow::Result<Self> {
        let mut stream = TcpStream::connect(address).await.with_context(|| format!("connecting to {address}"))?;
        stream.set_nodelay(true)?;
        let mut request = format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\nAuthorization: Bearer {token}\r\n"
        );
        if let Some(id) = last_event_id {
            request.push_str(&format!("Last-Event-ID: {id}\r\n"));
        }
        request.push_str("\r\n");
        stream.write_all(request.as_bytes()).await?;

        // The head, read until its blank line; what follows it is the start of the body.
        let mut head = Vec::with_capacity(1024);
        let end = loop {
            if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            anyhow::ensure!(head.len() < MAX_LINE, "response head too long");
            let mut chunk = [0u8; 1024];
            let n = stream.read(&mut chunk).await?;
            anyhow::ensure!(n > 0, "the server closed the connection before answering");
            head.extend_from_slice(&chunk[..n]);
        };
        let text = std::str::from_utf8(&head[..end]).context("response head not UTF-8")?;
        let mut lines = text.split("\r\n");
        let status: u16 = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
        anyhow::ensure!(status == 200, "GET {path}: status {status}");
        let chunked = lines.filter_map(|l| l.split_once(':')).any(|(name, value)| {
            name.trim().eq_ignore_ascii_case("transfer-encoding") && value.trim().eq_ignore_ascii_case("chunked")
        });
        let mut parser = Parser::new(chunked);
        parser.feed(&head[end + 4..]).map_err(anyhow::Error::msg)?;
        Ok(Self { stream, parser, buf: [0u8; 1024] })
    }

    /// The next event; `None` once the server ended the stream.
    pub async fn next(&mut self) -> std::io::Result<Option<SseEvent>> {
        loop {
            if let Some(event) = self.parser.ready.pop_front() {
                return Ok(Some(event));
            }
            if self.parser.ended {
                return Ok(None);
            }
            let n = self.stream.read(&mut self.buf).await?;
            if n == 0 {
                return Ok(None);
            }
            self.parser.feed(&self.buf[..n]).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        }
    }
}

/// Where the de-chunker is in the body.
#[derive(Debug, Clone, Copy)]
enum Chunk {
    /// Reading a chunk's size line: the size so far, and whether an extension (`;…`) began.
    Size(usize, bool),
    /// The size line's CR was read.
    SizeLf(usize),
    /// Bytes of the chunk still to come.
    Data(usize),
    /// The CR, then the LF, after a chunk's bytes.
    DataCr,
    DataLf,
    /// The last (empty) chunk was read.
    End,
}

/// De-chunks the body (when chunked) and cuts it into events, as bytes arrive.
struct Parser {
    chunk: Option<Chunk>,
    line: Vec<u8>,
    id: Option<i64>,
    kind: String,
    data: String,
    has_data: bool,
    ready: VecDeque<SseEvent>,
    ended: bool,
}

impl Parser {
    fn new(chunked: bool) -> Self {
        Self {
            chunk: chunked.then_some(Chunk::Size(0, false)),
            line: Vec::new(),
            id: None,
            kind: String::new(),
            data: String::new(),
            has_data: false,
            ready: VecDeque::new(),
            ended: false,
        }
    }

    fn feed(&mut self, mut bytes: &[u8]) -> Result<(), &'static str> {
        let Some(mut state) = self.chunk else { return self.body(bytes) };
        while !bytes.is_empty() && !self.ended {
            if let Chunk::Data(n) = state {
                let take = n.min(bytes.len());
                self.body(&bytes[..take])?;
                bytes = &bytes[take..];
                state = if take == n { Chunk::DataCr } else { Chunk::Data(n - take) };
                continue;
            }
            let b = bytes[0];
            bytes = &bytes[1..];
            state = match state {
                Chunk::Size(n, ext) => match (b, ext) {
                    (b'\r', _) => Chunk::SizeLf(n),
                    (b'\n', _) => Self::after_size(n),
                    (b';', _) | (_, true) => Chunk::Size(n, true),
                    (_, false) => {
                        let digit = (b as char).to_digit(16).ok_or("bad chunk size")? as usize;
                        Chunk::Size(
                            n.checked_mul(16).and_then(|n| n.checked_add(digit)).ok_or("chunk too large")?,
                            false,
                        )
                    }
                },
                Chunk::SizeLf(n) if b == b'\n' => Self::after_size(n),
                Chunk::DataCr if b == b'\r' => Chunk::DataLf,
                Chunk::DataLf if b == b'\n' => Chunk::Size(0, false),
                _ => return Err("malformed chunked body"),
            };
            // Trailers after the last chunk are not read: the stream is over.
            self.ended = matches!(state, Chunk::End);
        }
        self.chunk = Some(state);
        Ok(())
    }

    fn after_size(n: usize) -> Chunk {
        if n == 0 {
            Chunk::End
        } else {
            Chunk::Data(n)
        }
    }

    /// Body bytes, de-chunked: lines end with LF (a CR before it is dropped); a blank line ends an event.
    fn body(&mut self, mut bytes: &[u8]) -> Result<(), &'static str> {
        while !bytes.is_empty() {
            match bytes.iter().position(|&b| b == b'\n') {
                Some(i) => {
                    self.line.extend_from_slice(&bytes[..i]);
                    bytes = &bytes[i + 1..];
                    if self.line.last() == Some(&b'\r') {
                        self.line.pop();
                    }
                    let line = std::mem::take(&mut self.line);
                    self.field(&line);
                    // Keep the allocation for the next line.
                    self.line = line;
                    self.line.clear();
                }
                None => {
                    self.line.extend_from_slice(bytes);
                    if self.line.len() > MAX_LINE {
                        return Err("event line too long");
                    }
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    fn field(&mut self, line: &[u8]) {
        if line.is_empty() {
            if self.has_data {
                let kind = if self.kind.is_empty() { "message".to_owned() } else { std::mem::take(&mut self.kind) };
                self.ready.push_back(SseEvent { id: self.id, kind, data: std::mem::take(&mut self.data) });
            }
            (self.id, self.has_data) = (None, false);
            self.kind.clear();
            self.data.clear();
            return;
        }
        if line[0] == b':' {
            return; // a comment (the greeting, keep-alives)
        }
        let text = String::from_utf8_lossy(line);
        let (name, value) = match text.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (&*text, ""),
        };
        match name {
            "event" => value.clone_into(&mut self.kind),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "id" => self.id = value.trim().parse().ok(),
            _ => {} // retry, unknown fields
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(p: &mut Parser) -> Vec<SseEvent> {
        p.ready.drain(..).collect()
    }

    const STREAM: &str = ": binhyen\nretry: 2000\n\nid: 7\nevent: tip.submitted\ndata: {\"tip_id\":42,\"id\":7}\n\n\
        :\n\nevent: resync\r\ndata: {}\r\n\r\n";

    fn expected() -> Vec<SseEvent> {
        vec![
            SseEvent { id: Some(7), kind: "tip.submitted".into(), data: "{\"tip_id\":42,\"id\":7}".into() },
            SseEvent { id: None, kind: "resync".into(), data: "{}".into() },
        ]
    }

    #[test]
    fn events_are_cut_however_the_bytes_arrive() {
        for split in 1..STREAM.len() {
            let mut p = Parser::new(false);
            p.feed(&STREAM.as_bytes()[..split]).unwrap();
            p.feed(&STREAM.as_bytes()[split..]).unwrap();
            assert_eq!(events(&mut p), expected(), "split at {split}");
        }
        assert_eq!(expected()[0].submitted_tip(), Some(42));
        assert_eq!(expected()[1].submitted_tip(), None);
    }

    #[test]
    fn chunked_bodies_are_joined_byte_by_byte() {
        // The stream in chunks of 5 bytes (one with an extension), then the last chunk.
        let mut wire = Vec::new();
        for (i, piece) in STREAM.as_bytes().chunks(5).enumerate() {
            let ext = if i == 3 { ";x=1" } else { "" };
            wire.extend_from_slice(format!("{:X}{ext}\r\n", piece.len()).as_bytes());
            wire.extend_from_slice(piece);
            wire.extend_from_slice(b"\r\n");
        }
        wire.extend_from_slice(b"0\r\n\r\n");
        for step in [1, 2, 7, wire.len()] {
            let mut p = Parser::new(true);
            for part in wire.chunks(step) {
                p.feed(part).unwrap();
            }
            assert_eq!(events(&mut p), expected(), "fed {step} bytes at a time");
            assert!(p.ended);
        }
        assert!(Parser::new(true).feed(b"zz\r\n").is_err());
    }

    /// Against a real socket: the head is read, the first event may arrive with it.
    #[tokio::test]
    async fn reads_events_after_the_head() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let n = socket.read(&mut buf).await.unwrap();
            let request = String::from_utf8_lossy(&buf[..n]).into_owned();
            assert!(request.contains("Authorization: Bearer tok\r\n") && request.contains("Last-Event-ID: 5\r\n"));
            let body = "id: 6\nevent: tip.submitted\ndata: {\"tip_id\":1}\n\n";
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{body}\r\n",
                body.len()
            );
            socket.write_all(answer.as_bytes()).await.unwrap();
            socket.write_all(b"0\r\n\r\n").await.unwrap();
        });
        let mut c = SseClient::connect(&address, "/api/v1/events", "tok", Some(5)).await.unwrap();
        let e = c.next().await.unwrap().unwrap();
        assert_eq!((e.id, e.submitted_tip()), (Some(6), Some(1)));
        assert_eq!(c.next().await.unwrap(), None);
    }
}
