//! TLS of a connection: the library's own layer between its TCP stream and
//! HTTP/2, so that the bytes HTTP/2 writes pass through the library in the
//! clear (the statistics count the PING frames among them, see `frames`)
//! and the encrypted ones go out through the stream that never raises
//! SIGPIPE (see `transport`).
//!
//! rustls with the *ring* provider; roots from the options (PEM, text or
//! file) or the system's store; the name checked is the one in the options
//! or else the address's host; HTTP/2 is offered by ALPN and assumed.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::client::TlsStream;

use super::connection::{ConnectOptions, RootCertificate};
use super::error::{Error, ErrorKind, Result};
use super::transport::Socket;

/// How the connections of one channel make TLS.
pub(crate) struct Tls {
    connector: tokio_rustls::TlsConnector,
    name: ServerName<'static>,
}

impl Tls {
    /// The TLS settings of `options` for the server at `host` (the host of
    /// the address, IPv6 in brackets or not).
    pub(crate) fn new(options: &ConnectOptions, host: &str) -> Result<Tls> {
        let roots = match &options.tls_root_certificate {
            Some(root) => given_roots(root)?,
            None => system_roots()?,
        };
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| setup(format!("no TLS version to offer: {e}")))?
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec()];
        let name = options
            .tls_server_name
            .as_deref()
            .unwrap_or(host.trim_start_matches('[').trim_end_matches(']'));
        let name = ServerName::try_from(name.to_string()).map_err(|e| {
            Error::invalid_argument(format!("{name:?} is not a server name to check: {e}"))
        })?;
        Ok(Tls {
            connector: tokio_rustls::TlsConnector::from(Arc::new(config)),
            name,
        })
    }

    /// The handshake over `socket`. Its errors carry rustls's, which
    /// `error::tls_problem` explains.
    pub(crate) async fn connect(&self, socket: Socket) -> std::io::Result<TlsStream<Socket>> {
        self.connector.connect(self.name.clone(), socket).await
    }
}

fn setup(text: String) -> Error {
    Error::new(ErrorKind::Tls, format!("TLS setup failed: {text}"))
}

/// The root certificates given in the options: every certificate in the
/// PEM text or file.
fn given_roots(root: &RootCertificate) -> Result<rustls::RootCertStore> {
    let (pem, whence) = match root {
        RootCertificate::Pem(pem) => (pem.clone().into_bytes(), "the root certificate".into()),
        RootCertificate::File(path) => (
            std::fs::read(path).map_err(|e| {
                Error::invalid_argument(format!(
                    "cannot read the root certificate file {}: {e}",
                    path.display()
                ))
            })?,
            format!("the root certificate file {}", path.display()),
        ),
    };
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(Error::invalid_argument(format!(
            "{whence} is not PEM: no -----BEGIN CERTIFICATE----- line"
        )));
    }
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::invalid_argument(format!("{whence} is not valid PEM: {e}")))?;
    let mut roots = rustls::RootCertStore::empty();
    for certificate in certificates {
        roots.add(certificate).map_err(|e| {
            Error::invalid_argument(format!("{whence} holds a certificate rustls refuses: {e}"))
        })?;
    }
    Ok(roots)
}

/// The system's trusted roots (those it cannot parse are skipped).
fn system_roots() -> Result<rustls::RootCertStore> {
    let found = rustls_native_certs::load_native_certs();
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(found.certs);
    if roots.is_empty() {
        let why = found
            .errors
            .first()
            .map_or_else(String::new, |e| format!(" ({e})"));
        return Err(setup(format!(
            "no trusted root certificate found in the system's store{why}: give the server's root certificate (PEM) in the options"
        )));
    }
    Ok(roots)
}
