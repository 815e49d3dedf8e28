//! A TCP fault proxy: sits between the library and the emulator and, on
//! command, does to the connections what networks and servers do to them
//! (see [`Fault`]). It runs on its own tokio runtime, so synchronous tests
//! drive it from any thread.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does to connections, from the moment it is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything (connections held by `Stall` or `Freeze` go on
    /// where they stopped; ones closed or half-open stay so).
    Pass,
    /// Close every open connection (FIN to both sides), and each new one at
    /// once: a server process gone, or a proxy restarting.
    Drop,
    /// Reset every open connection (RST to both sides), and each new one at
    /// once: a crashed peer, a firewall rejecting.
    Reset,
    /// Open connections go on; new ones are accepted but get nothing
    /// forwarded until the fault changes: a server that accepts but never
    /// answers (a black hole once connected).
    Stall,
    /// Forward each piece of data after this delay, both ways.
    Slow(Duration),
    /// Nothing moves on any connection, open or new, until the fault
    /// changes; nothing is lost: a paused server host or VM.
    Freeze,
    /// Every open connection dies silently and for good: what arrives is
    /// dropped, nothing is sent, nothing is closed, as when a NAT or firewall
    /// forgets the connection. New connections work: a fresh connection is
    /// the cure.
    HalfOpen,
}

struct Shared {
    upstream: SocketAddr,
    fault: watch::Sender<Fault>,
    /// Bumped when `HalfOpen` is set: connections born before it are dead.
    half_open_epoch: AtomicU64,
    accepted: AtomicUsize,
}

/// A proxy on 127.0.0.1 forwarding to `upstream`, passing until told
/// otherwise.
pub struct FaultProxy {
    runtime: Option<tokio::runtime::Runtime>,
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl FaultProxy {
    pub fn start(upstream: SocketAddr) -> FaultProxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("fault-proxy")
            .enable_all()
            .build()
            .expect("proxy runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("proxy listens");
        let addr = listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            upstream,
            fault: watch::Sender::new(Fault::Pass),
            half_open_epoch: AtomicU64::new(0),
            accepted: AtomicUsize::new(0),
        });
        let accepting = shared.clone();
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                accepting.accepted.fetch_add(1, Ordering::SeqCst);
                let _ = client.set_nodelay(true);
                tokio::spawn(serve(client, accepting.clone()));
            }
        });
        FaultProxy {
            runtime: Some(runtime),
            addr,
            shared,
        }
    }

    /// The address to connect to, `127.0.0.1:PORT`.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Applies `fault` from now on.
    pub fn set(&self, fault: Fault) {
        if fault == Fault::HalfOpen {
            self.shared.half_open_epoch.fetch_add(1, Ordering::SeqCst);
        }
        self.shared.fault.send_replace(fault);
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
}

fn reset_halves(read: OwnedReadHalf, write: OwnedWriteHalf) {
    if let Ok(stream) = read.reunite(write) {
        reset(stream);
    }
}

async fn serve(client: TcpStream, shared: Arc<Shared>) {
    let born = shared.half_open_epoch.load(Ordering::SeqCst);
    let mut fault = shared.fault.subscribe();
    // A new connection meets the fault of the moment.
    loop {
        let now = *fault.borrow_and_update();
        match now {
            Fault::Drop => return,
            Fault::Reset => return reset(client),
            Fault::Stall | Fault::Freeze => {
                if fault.changed().await.is_err() {
                    return;
                }
            }
            Fault::Pass | Fault::Slow(_) | Fault::HalfOpen => break,
        }
    }
    let upstream = match TcpStream::connect(shared.upstream).await {
        Ok(upstream) => upstream,
        // The server is down: to the client, the connection is refused.
        Err(_) => return reset(client),
    };
    let _ = upstream.set_nodelay(true);
    pump(client, upstream, born, shared, fault).await;
}

/// Forwards both ways until both sides have closed, applying the fault of
/// the moment.
async fn pump(
    client: TcpStream,
    upstream: TcpStream,
    born: u64,
    shared: Arc<Shared>,
    mut fault: watch::Receiver<Fault>,
) {
    let (mut client_in, mut client_out) = client.into_split();
    let (mut server_in, mut server_out) = upstream.into_split();
    let mut up = vec![0u8; 64 * 1024];
    let mut down = vec![0u8; 64 * 1024];
    let (mut client_open, mut server_open) = (true, true);
    while client_open || server_open {
        if shared.half_open_epoch.load(Ordering::SeqCst) > born {
            return swallow(client_in, client_out, server_in, server_out).await;
        }
        let now = *fault.borrow_and_update();
        let delay = match now {
            Fault::Drop => return,
            Fault::Reset => {
                reset_halves(client_in, client_out);
                reset_halves(server_in, server_out);
                return;
            }
            Fault::Freeze => {
                if fault.changed().await.is_err() {
                    return;
                }
                continue;
            }
            Fault::Slow(delay) => Some(delay),
            Fault::Pass | Fault::Stall | Fault::HalfOpen => None,
        };
        tokio::select! {
            changed = fault.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            read = client_in.read(&mut up), if client_open => match read {
                Ok(0) | Err(_) => {
                    client_open = false;
                    let _ = server_out.shutdown().await;
                }
                Ok(n) => {
                    if let Some(delay) = delay {
                        tokio::time::sleep(delay).await;
                    }
                    if server_out.write_all(&up[..n]).await.is_err() {
                        client_open = false;
                    }
                }
            },
            read = server_in.read(&mut down), if server_open => match read {
                Ok(0) | Err(_) => {
                    server_open = false;
                    let _ = client_out.shutdown().await;
                }
                Ok(n) => {
                    if let Some(delay) = delay {
                        tokio::time::sleep(delay).await;
                    }
                    if client_out.write_all(&down[..n]).await.is_err() {
                        server_open = false;
                    }
                }
            },
        }
    }
}

/// A dead path: reads and drops whatever arrives from either side, sends
/// nothing and closes nothing, until the proxy goes.
async fn swallow(
    mut client_in: OwnedReadHalf,
    _client_out: OwnedWriteHalf,
    mut server_in: OwnedReadHalf,
    _server_out: OwnedWriteHalf,
) {
    let mut sink = vec![0u8; 64 * 1024];
    let mut other = vec![0u8; 64 * 1024];
    let (mut client_open, mut server_open) = (true, true);
    loop {
        tokio::select! {
            read = client_in.read(&mut sink), if client_open => {
                if matches!(read, Ok(0) | Err(_)) {
                    client_open = false;
                }
            }
            read = server_in.read(&mut other), if server_open => {
                if matches!(read, Ok(0) | Err(_)) {
                    server_open = false;
                }
            }
            _ = std::future::pending::<()>(), if !client_open && !server_open => {}
        }
    }
}
