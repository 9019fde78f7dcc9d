//! Stand-ins for the providers, speaking the real protocols over real sockets on 127.0.0.1 (port 0), so tests
//! exercise the adapters' own network code: [`SmtpSink`] for the SMTP server, [`HttpFake`] for the SMS gateway,
//! the webhook receiver and Zalo's API and OAuth endpoints (one fake can play both, by path).
//!
//! Test support: waits that run out panic with a message saying what was expected.

mod http;
mod smtp;

pub use http::{HttpFake, RecordedRequest, Reply};
pub use smtp::{ReceivedMail, SmtpSink, SmtpStage};

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::{JoinHandle, JoinSet};

/// A listener on 127.0.0.1 with a task per connection. Stopping (or dropping) it closes the port and every open
/// connection, which is how the fakes play a provider that is down.
struct Server {
    addr: SocketAddr,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Server {
    async fn start<F, Fut>(on_connection: F) -> Server
    where
        F: Fn(TcpStream) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address of the listener");
        let task = tokio::spawn(async move {
            // Owned by this task: aborting it drops the set, which aborts every connection with it.
            let mut connections = JoinSet::new();
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        if let Ok((stream, _)) = accepted {
                            connections.spawn(on_connection(stream));
                        }
                    }
                    Some(_) = connections.join_next(), if !connections.is_empty() => {}
                }
            }
        });
        Server { addr, task: Mutex::new(Some(task)) }
    }

    /// Closes the listener and the open connections; returns once the port refuses connections.
    async fn stop(&self) {
        let task = self.task.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
        if let Some(task) = task {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = self.task.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take() {
            task.abort();
        }
    }
}

/// A port on 127.0.0.1 where nothing listens (it was bound, then let go), for "the server is down" tests.
pub async fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
    listener.local_addr().expect("local address of the listener").port()
}

/// Waits until `count()` reaches `n`, woken by `notify`; panics after `timeout` naming `what`.
async fn wait_until(notify: &Notify, timeout: Duration, what: &str, n: usize, count: impl Fn() -> usize) {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        // Registered before counting, so a change between the count and the wait still wakes us.
        let notified = notify.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        let have = count();
        if have >= n {
            return;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            panic!("{what}: expected {n} within {timeout:?}, got {}", count());
        }
    }
}
