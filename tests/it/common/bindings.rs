//! What the host bindings' test programs (C++, .NET) run against: an
//! emulator with the default demo catalog and two series of their own, and
//! a TLS one that takes tokens; and the pointer to `bindings/README.md` that
//! their failures print.

use std::collections::HashMap;
use std::path::PathBuf;

use mesh_emulator::{Config, Emulator, SeriesSpec};

/// Where a failing binding test sends the reader.
pub const HOW_TO: &str = "bindings/README.md says how a C function reaches every binding";

/// Key and path of the hourly series the programs write, and a daily one.
pub const SERIES: &str = "4242 Resource/Tilløp/Serie STAIRCASE HOUR m3/s\n\
                          4243 Resource/Tilløp/Døgn STAIRCASE DAY m3/s";

/// The emulator's default catalog (demo series 101 to 103 with points, 1
/// empty) and `SERIES`.
pub fn catalog() -> Vec<SeriesSpec> {
    let mut catalog = mesh_emulator::default_catalog();
    catalog.extend(mesh_emulator::parse_catalog(SERIES).expect("the bindings' catalog"));
    catalog
}

/// A plain emulator with `catalog()`.
pub fn emulator() -> Emulator {
    Emulator::start_local(Config {
        catalog: catalog(),
        ..Default::default()
    })
    .expect("start the emulator")
}

/// An emulator over TLS for `mesh.example` that takes `tokens` (each naming
/// `display_name`), and the file its root certificate is written to.
pub fn tls_emulator(tokens: &[&str], display_name: &str, root_file: &str) -> (Emulator, PathBuf) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = ca_params.self_signed(&ca_key).unwrap().pem();
    let ca = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["mesh.example".to_string()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    let emu = Emulator::start_local(Config {
        tls: Some(mesh_emulator::TlsIdentity {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }),
        tokens: Some(
            tokens
                .iter()
                .map(|t| (t.to_string(), mesh_emulator::Identity::named(display_name)))
                .collect::<HashMap<_, _>>(),
        ),
        ..Default::default()
    })
    .expect("start the TLS emulator");
    let root_pem = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(root_file);
    std::fs::write(&root_pem, ca_pem).unwrap();
    (emu, root_pem)
}
