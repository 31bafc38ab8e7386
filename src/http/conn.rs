//! Connections: how many may be open at once, and how long a client may take to send a
//! request's headers or keep an idle connection.
//!
//! Without these a client that sends half a request line and then nothing held its connection
//! for a minute and more, and a few hundred such clients held the server. The request timeout
//! does not help: it starts when the request has been read. poem does not expose hyper's
//! header-read timer, so the bound lives here, on the byte stream:
//! - a new request's headers (from its first byte, or from the accept for a new connection)
//!   must end — a blank line — within `header_timeout`;
//! - after a response, the connection may sit idle for `idle_timeout` before the next request;
//! - while a request is being handled nothing here times out: the handler bounds the body's
//!   reading itself, and the request timeout bounds the work.
//!
//! At most `max_connections` are open; past that the listener stops accepting, so the next
//! clients wait in the kernel's queue (costing this process nothing) until one closes.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use poem::http::uri::Scheme;
use poem::listener::Acceptor;
use poem::web::{LocalAddr, RemoteAddr};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// The bounds on connections.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    pub max_connections: usize,
    pub header_timeout: Duration,
    pub idle_timeout: Duration,
}

/// An acceptor that holds a slot per open connection and guards each connection's reads.
pub struct GuardedAcceptor<A> {
    inner: A,
    slots: Arc<Semaphore>,
    limits: ConnLimits,
}

impl<A> GuardedAcceptor<A> {
    pub fn new(inner: A, limits: ConnLimits) -> Self {
        GuardedAcceptor {
            inner,
            slots: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            limits,
        }
    }
}

impl<A: Acceptor> Acceptor for GuardedAcceptor<A> {
    type Io = GuardedIo<A::Io>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        // A slot first: while every slot is taken, connections wait in the kernel's backlog.
        let slot = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| io::Error::other("the connection slots are closed"))?;
        let (io, local, remote, scheme) = self.inner.accept().await?;
        Ok((GuardedIo::new(io, slot, self.limits), local, remote, scheme))
    }
}

/// Where a connection stands, as seen from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for (the rest of) a request's headers; counts the line breaks in a row seen so
    /// far (a blank line ends the headers; `\r` is not counted, so both CRLF and bare LF do).
    Head(u8),
    /// Headers read: the handler has the request.
    Busy,
    /// A response was written; waiting for the next request.
    Idle,
    /// HTTP/2 with prior knowledge: frames, not lines, so only its own flow control applies.
    Http2,
}

/// A connection's stream with the deadlines of its phase.
pub struct GuardedIo<T> {
    inner: T,
    _slot: OwnedSemaphorePermit,
    limits: ConnLimits,
    phase: Phase,
    first_bytes: bool,
    timer: Pin<Box<Sleep>>,
}

impl<T> GuardedIo<T> {
    fn new(inner: T, slot: OwnedSemaphorePermit, limits: ConnLimits) -> Self {
        GuardedIo {
            inner,
            _slot: slot,
            limits,
            phase: Phase::Head(0),
            first_bytes: true,
            timer: Box::pin(tokio::time::sleep(limits.header_timeout)),
        }
    }

    fn enter(&mut self, phase: Phase) {
        let timeout = match phase {
            Phase::Head(_) => self.limits.header_timeout,
            Phase::Idle => self.limits.idle_timeout,
            Phase::Busy | Phase::Http2 => {
                self.phase = phase;
                return;
            }
        };
        self.phase = phase;
        self.timer.as_mut().reset(Instant::now() + timeout);
    }

    /// Follows the bytes just read through the phases.
    fn saw(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if std::mem::take(&mut self.first_bytes) && bytes.starts_with(b"PRI * HTTP/2") {
            self.enter(Phase::Http2);
            return;
        }
        if self.phase == Phase::Idle {
            self.enter(Phase::Head(0));
        }
        if let Phase::Head(mut breaks) = self.phase {
            for b in bytes {
                match b {
                    b'\n' => breaks += 1,
                    b'\r' => {}
                    _ => breaks = 0,
                }
                if breaks == 2 {
                    // A body may follow in the same read; either way the handler has the
                    // request now.
                    self.enter(Phase::Busy);
                    return;
                }
            }
            self.phase = Phase::Head(breaks);
        }
    }

    /// Whether writing `buf` means the request was answered: any write but an interim
    /// `100 Continue` (sent before the body of a request that asked for it, which is still
    /// being read) on HTTP/1.
    fn ends_a_request(&self, buf: &[u8]) -> bool {
        self.phase != Phase::Http2 && !buf.starts_with(b"HTTP/1.1 100 ")
    }

    fn deadline_passed(&mut self, cx: &mut Context<'_>) -> bool {
        matches!(self.phase, Phase::Head(_) | Phase::Idle)
            && self.timer.as_mut().poll(cx).is_ready()
    }
}

fn timed_out(phase: Phase) -> io::Error {
    let what = match phase {
        Phase::Idle => "the connection sat idle past the idle timeout",
        _ => "the request's headers did not arrive within the header timeout",
    };
    io::Error::new(io::ErrorKind::TimedOut, what)
}

impl<T: AsyncRead + Unpin> AsyncRead for GuardedIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.saw(&buf.filled()[before..]);
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending if this.deadline_passed(cx) => Poll::Ready(Err(timed_out(this.phase))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for GuardedIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) && this.ends_a_request(buf) {
            this.enter(Phase::Idle);
        }
        written
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn io() -> GuardedIo<tokio::io::Empty> {
        let slot = Arc::new(Semaphore::new(1)).try_acquire_owned().unwrap();
        let limits = ConnLimits {
            max_connections: 1,
            header_timeout: Duration::from_secs(1),
            idle_timeout: Duration::from_secs(1),
        };
        GuardedIo::new(tokio::io::empty(), slot, limits)
    }

    #[tokio::test]
    async fn headers_end_at_a_blank_line_even_when_split_across_reads() {
        let mut c = io();
        c.saw(b"POST /graphql HTTP/1.1\r\nHost: x\r");
        assert_eq!(c.phase, Phase::Head(0));
        c.saw(b"\n\r");
        assert_eq!(c.phase, Phase::Head(1));
        c.saw(b"\nbody");
        assert_eq!(c.phase, Phase::Busy);
        let mut c = io();
        c.saw(b"GET / HTTP/1.1\nHost: x\n\n");
        assert_eq!(c.phase, Phase::Busy);
    }

    #[tokio::test]
    async fn the_next_request_after_a_response_starts_its_header_clock() {
        let mut c = io();
        c.saw(b"GET / HTTP/1.1\r\n\r\n");
        assert_eq!(c.phase, Phase::Busy);
        c.enter(Phase::Idle);
        c.saw(b"GET /healthz");
        assert_eq!(c.phase, Phase::Head(0));
    }

    #[tokio::test]
    async fn an_interim_100_continue_does_not_end_the_request() {
        let c = io();
        assert!(!c.ends_a_request(b"HTTP/1.1 100 Continue\r\n\r\n"));
        assert!(c.ends_a_request(b"HTTP/1.1 200 OK\r\n"));
    }

    #[tokio::test]
    async fn http2_with_prior_knowledge_is_left_to_its_own_flow_control() {
        let mut c = io();
        c.saw(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assert_eq!(c.phase, Phase::Http2);
    }
}
