//! An SMTP server that keeps what it is sent: enough of RFC 5321 for a real client (lettre) without TLS or AUTH.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::sync::Notify;

use super::{wait_until, Server};

/// One message the sink accepted: the envelope and the DATA as sent (CRLF line ends, dots unstuffed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

impl ReceivedMail {
    fn split(&self) -> (&str, &str) {
        self.data.split_once("\r\n\r\n").unwrap_or((&self.data, ""))
    }

    /// The first header called `name` (any case), unfolded, as it is on the wire (still RFC 2047 encoded).
    pub fn header(&self, name: &str) -> Option<String> {
        let (head, _) = self.split();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }

    /// The Subject header decoded from its RFC 2047 encoded words (UTF-8 ones).
    pub fn subject(&self) -> Option<String> {
        self.header("Subject").map(|s| decode_encoded_words(&s))
    }

    /// The body decoded from its Content-Transfer-Encoding (base64, quoted-printable or none), with LF line ends.
    pub fn body(&self) -> String {
        let (_, body) = self.split();
        let encoding = self.header("Content-Transfer-Encoding").unwrap_or_default().to_ascii_lowercase();
        let bytes = match encoding.as_str() {
            "base64" => {
                let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
                base64::engine::general_purpose::STANDARD.decode(compact).expect("a base64 body")
            }
            "quoted-printable" => decode_quoted_printable(body),
            _ => body.as_bytes().to_vec(),
        };
        String::from_utf8_lossy(&bytes).replace("\r\n", "\n")
    }
}

/// Where in the conversation [`SmtpSink`] refuses (with `451 4.3.0 try again later`, or `550` when rejecting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpStage {
    /// Each `RCPT TO`.
    Rcpt,
    /// The end of the message data (after the lone dot), the message being thrown away.
    Data,
}

#[derive(Default)]
struct SinkState {
    mails: Mutex<Vec<ReceivedMail>>,
    fault: Mutex<Option<Fault>>,
    arrived: Notify,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

const TRY_LATER: &str = "451 4.3.0 try again later\r\n";
const REJECTED: &str = "550 5.7.1 rejected\r\n";

/// Refuse at `stage` with `reply`, `remaining` more times (`None`: always).
#[derive(Clone, Copy)]
struct Fault {
    stage: SmtpStage,
    remaining: Option<u32>,
    reply: &'static str,
}

impl SinkState {
    /// The refusal to give at `stage`, if one is due (counting it).
    fn refusal(&self, stage: SmtpStage) -> Option<&'static str> {
        let mut slot = lock(&self.fault);
        let fault = (*slot).filter(|f| f.stage == stage)?;
        match fault.remaining {
            None => {}
            Some(n) if n > 1 => *slot = Some(Fault { remaining: Some(n - 1), ..fault }),
            Some(_) => *slot = None,
        }
        Some(fault.reply)
    }
}

/// An SMTP server on 127.0.0.1 that accepts everything (unless told to refuse) and keeps it.
pub struct SmtpSink {
    server: Server,
    state: Arc<SinkState>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let state = Arc::new(SinkState::default());
        let for_connections = state.clone();
        let server = Server::start(move |stream| {
            let state = for_connections.clone();
            async move {
                // A client that hangs up mid-conversation is none of the sink's business.
                let _ = session(stream, &state).await;
            }
        })
        .await;
        SmtpSink { server, state }
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr
    }

    pub fn port(&self) -> u16 {
        self.server.addr.port()
    }

    /// Every message accepted so far, in order.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        lock(&self.state.mails).clone()
    }

    /// Waits until `n` messages have been accepted and returns them all; panics after `timeout`.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<ReceivedMail> {
        wait_until(&self.state.arrived, timeout, "SmtpSink messages", n, || lock(&self.state.mails).len()).await;
        self.messages()
    }

    /// Answers `451 4.3.0 try again later` at `stage` the next `times` times, then accepts again.
    pub fn fail_next(&self, stage: SmtpStage, times: u32) {
        *lock(&self.state.fault) = (times > 0).then_some(Fault { stage, remaining: Some(times), reply: TRY_LATER });
    }

    /// Answers `451 4.3.0 try again later` at `stage` until [`SmtpSink::heal`].
    pub fn fail_always(&self, stage: SmtpStage) {
        *lock(&self.state.fault) = Some(Fault { stage, remaining: None, reply: TRY_LATER });
    }

    /// Answers `550 5.7.1 rejected` (a permanent refusal) at `stage` until [`SmtpSink::heal`].
    pub fn reject_always(&self, stage: SmtpStage) {
        *lock(&self.state.fault) = Some(Fault { stage, remaining: None, reply: REJECTED });
    }

    pub fn heal(&self) {
        *lock(&self.state.fault) = None;
    }

    /// Closes the port and every connection: the server is down from now on.
    pub async fn stop(&self) {
        self.server.stop().await;
    }
}

const EHLO_REPLY: &str = "250-binhyen-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760\r\n";

async fn session(stream: TcpStream, state: &SinkState) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    write.write_all(b"220 binhyen-sink ESMTP ready\r\n").await?;
    let mut from: Option<String> = None;
    let mut to: Vec<String> = Vec::new();
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if read.read_until(b'\n', &mut raw).await? == 0 {
            return Ok(());
        }
        let line = String::from_utf8_lossy(&raw);
        let line = line.trim_end_matches(['\r', '\n']);
        let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        let reply: String = match verb.as_str() {
            "EHLO" => EHLO_REPLY.into(),
            "HELO" => "250 binhyen-sink\r\n".into(),
            "MAIL" => match path_after(line, "MAIL FROM:") {
                Some(path) => {
                    from = Some(path);
                    to.clear();
                    "250 2.1.0 Ok\r\n".into()
                }
                None => "501 5.5.4 Syntax: MAIL FROM:<address>\r\n".into(),
            },
            "RCPT" => match (&from, path_after(line, "RCPT TO:")) {
                (None, _) => "503 5.5.1 MAIL first\r\n".into(),
                (_, None) => "501 5.5.4 Syntax: RCPT TO:<address>\r\n".into(),
                (Some(_), Some(path)) => match state.refusal(SmtpStage::Rcpt) {
                    Some(refusal) => refusal.into(),
                    None => {
                        to.push(path);
                        "250 2.1.5 Ok\r\n".into()
                    }
                },
            },
            "DATA" if to.is_empty() => "503 5.5.1 RCPT first\r\n".into(),
            "DATA" => {
                write.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                let Some(data) = read_data(&mut read).await? else { return Ok(()) };
                let envelope = (from.take().unwrap_or_default(), std::mem::take(&mut to));
                if let Some(refusal) = state.refusal(SmtpStage::Data) {
                    refusal.into()
                } else {
                    let mut mails = lock(&state.mails);
                    mails.push(ReceivedMail { from: envelope.0, to: envelope.1, data });
                    let reply = format!("250 2.0.0 Ok: queued as {}\r\n", mails.len());
                    drop(mails);
                    state.arrived.notify_waiters();
                    reply
                }
            }
            "RSET" => {
                from = None;
                to.clear();
                "250 2.0.0 Ok\r\n".into()
            }
            "NOOP" => "250 2.0.0 Ok\r\n".into(),
            "QUIT" => {
                write.write_all(b"221 2.0.0 Bye\r\n").await?;
                return Ok(());
            }
            _ => "502 5.5.2 Command not recognised\r\n".into(),
        };
        write.write_all(reply.as_bytes()).await?;
    }
}

/// The address inside `<…>` after `prefix` (any case); parameters after it (`BODY=8BITMIME`) are ignored.
fn path_after(line: &str, prefix: &str) -> Option<String> {
    let head = line.get(..prefix.len())?;
    if !head.eq_ignore_ascii_case(prefix) {
        return None;
    }
    let rest = line[prefix.len()..].trim_start();
    let inner = rest.strip_prefix('<')?;
    let end = inner.find('>')?;
    Some(inner[..end].to_owned())
}

/// The message data up to the lone `.` line, dots unstuffed; `None` if the client hung up first.
async fn read_data<R: tokio::io::AsyncBufRead + Unpin>(read: &mut R) -> std::io::Result<Option<String>> {
    let mut data = Vec::new();
    let mut raw = Vec::new();
    loop {
        raw.clear();
        if read.read_until(b'\n', &mut raw).await? == 0 {
            return Ok(None);
        }
        if raw == b".\r\n" || raw == b".\n" {
            return Ok(Some(String::from_utf8_lossy(&data).into_owned()));
        }
        let line = if raw.starts_with(b"..") { &raw[1..] } else { &raw[..] };
        data.extend_from_slice(line);
    }
}

/// RFC 2047: `=?utf-8?B?…?=` and `=?utf-8?Q?…?=` words decoded, the blanks between two such words dropped.
fn decode_encoded_words(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    let mut after_word = false;
    while let Some(start) = rest.find("=?") {
        let (before, candidate) = rest.split_at(start);
        match decode_word(candidate) {
            Some((text, used)) => {
                if !(after_word && before.trim().is_empty()) {
                    out.push_str(before);
                }
                out.push_str(&text);
                rest = &candidate[used..];
                after_word = true;
            }
            None => {
                out.push_str(before);
                out.push_str("=?");
                rest = &candidate[2..];
                after_word = false;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One encoded word at the start of `s`: its text and how many bytes of `s` it took.
fn decode_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (charset, inner) = inner.split_once('?')?;
    let (encoding, inner) = inner.split_once('?')?;
    let end = inner.find("?=")?;
    let encoded = &inner[..end];
    let charset = charset.split('*').next().unwrap_or("").to_ascii_lowercase();
    if !matches!(charset.as_str(), "utf-8" | "us-ascii") || encoded.contains(char::is_whitespace) {
        return None;
    }
    let bytes = match encoding {
        "B" | "b" => base64::engine::general_purpose::STANDARD.decode(encoded).ok()?,
        "Q" | "q" => decode_quoted_printable(&encoded.replace('_', " ")),
        _ => return None,
    };
    let used = 2 + charset.len() + 1 + encoding.len() + 1 + end + 2;
    Some((String::from_utf8(bytes).ok()?, used))
}

/// Quoted-printable: `=XX` is a byte, `=` at a line end joins the lines.
fn decode_quoted_printable(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            if bytes[i + 1..].starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if bytes[i + 1..].starts_with(b"\n") {
                i += 2;
                continue;
            }
            if let Some(b) =
                bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_words() {
        assert_eq!(decode_encoded_words("=?utf-8?b?VGluIGLDoW8=?= =?utf-8?b?IGto4bqpbg==?="), "Tin báo khẩn");
        assert_eq!(decode_encoded_words("=?UTF-8?Q?Tin_b=C3=A1o?= x"), "Tin báo x");
        assert_eq!(decode_encoded_words("plain =? text"), "plain =? text");
    }

    #[test]
    fn quoted_printable() {
        assert_eq!(decode_quoted_printable("Tin b=C3=A1o =\r\nkh=E1=BA=A9n"), "Tin báo khẩn".as_bytes());
    }

    #[test]
    fn paths() {
        assert_eq!(path_after("MAIL FROM:<a@b.vn> BODY=8BITMIME", "MAIL FROM:").as_deref(), Some("a@b.vn"));
        assert_eq!(path_after("rcpt to: <c@d.vn>", "RCPT TO:").as_deref(), Some("c@d.vn"));
        assert_eq!(path_after("RCPT TO c@d.vn", "RCPT TO:"), None);
    }
}
