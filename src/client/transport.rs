//! The connections under a channel: hyper's TCP connector, the library's
//! TLS layer (see `tls`) when the address is `https`, and streams that
//! write without raising SIGPIPE and count the HTTP/2 pings they carry.
//!
//! Writing to a connection the server has closed raises SIGPIPE in the
//! writing thread on Unix, and its default action ends the process: a C host
//! that has not ignored SIGPIPE (Rust, Python and .NET programs do; C
//! programs usually do not) would die when a server restarts. The library's
//! writes happen on the host's threads too (a C call that is alone drives
//! the runtime on its own thread, see `driver`), and tokio writes with
//! `writev`, which cannot be told not to signal. So the sockets here write
//! with `send`/`sendmsg` and `MSG_NOSIGNAL`: a write to a closed connection
//! fails with EPIPE instead, without touching any thread's signal mask.
//! TLS writes through them too.

use std::future::Future;
use std::io::IoSlice;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::Uri;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use super::stats::Stats;
use super::tls::Tls;

/// Makes the connections of one channel (a reconnect included), and
/// counts those made (statistics: every one after the first is a
/// reconnect).
#[derive(Clone)]
pub(crate) struct Connector {
    http: HttpConnector,
    tls: Option<Arc<Tls>>,
    stats: Arc<Stats>,
    connected_before: Arc<AtomicBool>,
}

impl Connector {
    /// TCP to the URI's host and port, with Nagle's algorithm off, each
    /// attempt bounded by `timeout`, then `tls` if given (tonic's connect
    /// timeout bounds the handshake too); counts into `stats`.
    pub(crate) fn new(timeout: Duration, tls: Option<Tls>, stats: Arc<Stats>) -> Connector {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(timeout));
        Connector {
            http,
            tls: tls.map(Arc::new),
            stats,
            connected_before: Arc::new(AtomicBool::new(false)),
        }
    }
}

type Connecting = Pin<
    Box<dyn Future<Output = Result<TokioIo<Io>, Box<dyn std::error::Error + Send + Sync>>> + Send>,
>;

impl tower_service::Service<Uri> for Connector {
    type Response = TokioIo<Io>;
    type Error = Box<dyn std::error::Error + Send + Sync>;
    type Future = Connecting;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.http.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Connecting {
        let target = uri
            .authority()
            .map_or_else(String::new, ToString::to_string);
        let connecting = self.http.call(uri);
        let this = self.clone();
        Box::pin(async move {
            let tcp = match connecting.await {
                Ok(tcp) => tcp.into_inner(),
                Err(e) => {
                    if this.connected_before.load(Ordering::Relaxed) {
                        tracing::warn!("reconnecting to {target} failed: {e}");
                    }
                    return Err(e.into());
                }
            };
            let socket = Socket(tcp);
            let layer = match &this.tls {
                None => Layer::Plain(socket),
                Some(tls) => match tls.connect(socket).await {
                    Ok(tls) => Layer::Tls(Box::new(tls)),
                    Err(e) => {
                        if this.connected_before.load(Ordering::Relaxed) {
                            tracing::warn!(
                                "reconnecting to {target} failed in the TLS handshake: {e}"
                            );
                        }
                        return Err(e.into());
                    }
                },
            };
            this.stats.connected();
            if this.connected_before.swap(true, Ordering::Relaxed) {
                tracing::info!(
                    "connected to {target} again: the connection before was closed, or given up for dead"
                );
            }
            Ok(TokioIo::new(Io::new(layer, &this.stats)))
        })
    }
}

/// Bytes both ways, as the layers under HTTP/2 carry them.
trait Duplex: AsyncRead + AsyncWrite + Unpin + Send {}

impl<T: AsyncRead + AsyncWrite + Unpin + Send> Duplex for T {}

/// What HTTP/2 reads and writes: the socket, or TLS over it.
enum Layer {
    Plain(Socket),
    Tls(Box<TlsStream<Socket>>),
}

impl Layer {
    fn get(&self) -> &dyn Duplex {
        match self {
            Layer::Plain(socket) => socket,
            Layer::Tls(tls) => tls.as_ref(),
        }
    }

    fn get_mut(&mut self) -> Pin<&mut dyn Duplex> {
        match self {
            Layer::Plain(socket) => Pin::new(socket),
            Layer::Tls(tls) => Pin::new(tls.as_mut()),
        }
    }
}

/// One connection as HTTP/2 sees it: its bytes in the clear, the PING
/// frames among those written counted (see `frames`).
pub(crate) struct Io {
    layer: Layer,
    #[cfg(not(feature = "no-statistics"))]
    pings: (super::frames::Frames, Arc<Stats>),
}

impl Io {
    fn new(layer: Layer, _stats: &Arc<Stats>) -> Io {
        Io {
            layer,
            #[cfg(not(feature = "no-statistics"))]
            pings: (super::frames::Frames::new(), _stats.clone()),
        }
    }
}

impl AsyncRead for Io {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        self.layer.get_mut().poll_read(cx, buf)
    }
}

impl AsyncWrite for Io {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        let written = this.layer.get_mut().poll_write(cx, buf);
        #[cfg(not(feature = "no-statistics"))]
        if let Poll::Ready(Ok(n)) = written {
            let (frames, stats) = &mut this.pings;
            stats.pings(frames.pings_in(&buf[..n]));
        }
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let this = &mut *self;
        let written = this.layer.get_mut().poll_write_vectored(cx, bufs);
        #[cfg(not(feature = "no-statistics"))]
        if let Poll::Ready(Ok(n)) = written {
            let (frames, stats) = &mut this.pings;
            stats.pings(frames.pings_in_vectored(bufs, n));
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.layer.get().is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.layer.get_mut().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.layer.get_mut().poll_shutdown(cx)
    }
}

/// One TCP connection: reads as tokio does, writes without SIGPIPE.
pub(crate) struct Socket(TcpStream);

impl AsyncRead for Socket {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_read(cx, buf)
    }
}

#[cfg(unix)]
impl Socket {
    /// Runs `send` (one non-blocking write of the socket, by file
    /// descriptor) once the socket is writable, until it neither finds it
    /// full nor is interrupted.
    fn poll_send(
        &self,
        cx: &mut Context<'_>,
        send: impl Fn(std::os::fd::RawFd) -> isize,
    ) -> Poll<std::io::Result<usize>> {
        use std::os::fd::AsRawFd;
        let tcp = &self.0;
        loop {
            std::task::ready!(tcp.poll_write_ready(cx))?;
            let sent = tcp.try_io(tokio::io::Interest::WRITABLE, || {
                match send(tcp.as_raw_fd()) {
                    n if n < 0 => Err(std::io::Error::last_os_error()),
                    n => Ok(n as usize),
                }
            });
            match sent {
                // Full (readiness is cleared: the next round waits), or
                // interrupted by a signal before anything was sent.
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::Interrupted
                    ) =>
                {
                    continue
                }
                other => return Poll::Ready(other),
            }
        }
    }
}

#[cfg(unix)]
impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.poll_send(cx, |fd| {
            // SAFETY: `buf` is valid for reads of its length; the socket is
            // non-blocking.
            unsafe { libc::send(fd, buf.as_ptr().cast(), buf.len(), libc::MSG_NOSIGNAL) }
        })
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        // At most IOV_MAX (1024 on Linux) buffers a call; the rest go in
        // the next write, as with `writev`.
        let count = bufs.len().min(1024);
        self.poll_send(cx, |fd| {
            // SAFETY: an all-zero msghdr is valid (no address, no control
            // data); IoSlice is ABI-compatible with iovec on Unix, and the
            // slices outlive the call, which only reads them.
            unsafe {
                let mut msg: libc::msghdr = std::mem::zeroed();
                msg.msg_iov = bufs.as_ptr() as *mut libc::iovec;
                msg.msg_iovlen = count as _;
                libc::sendmsg(fd, &msg, libc::MSG_NOSIGNAL)
            }
        })
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}

/// No SIGPIPE elsewhere: tokio's own writes.
#[cfg(not(unix))]
impl AsyncWrite for Socket {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.0).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.0.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx)
    }
}
