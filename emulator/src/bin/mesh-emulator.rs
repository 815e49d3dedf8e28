//! `mesh-emulator --listen 127.0.0.1:0 --session-timeout 2s [--catalog FILE] [--time-zone ZONE]
//! [--kerberos-keytab FILE]`: serves until killed; `--help` says what each option does.
//! The first line on stdout is `mesh-emulator listening on ADDRESS`.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use std::path::PathBuf;
use std::time::Duration;

use mesh_emulator::{
    parse_catalog, parse_duration, Config, Emulator, Identity, KerberosConfig, TlsIdentity,
};

const USAGE: &str = "usage: mesh-emulator [OPTIONS]
  --listen ADDR               address to bind (default 127.0.0.1:50051; port 0 picks a free port)
  --session-timeout DURATION  inactivity timeout of sessions, e.g. 2s, 500ms, 5m (default 5m)
  --server-version VERSION    what GetVersion reports (default 2.21.0+1)
  --catalog FILE              the demo series to start with, one a line:
                                KEY PATH CURVE RESOLUTION UNIT [demo]
                              e.g. `4 Resource/Plant/Level STAIRCASE HOUR m demo`
                              (`demo` seeds a week of hourly points from 2025-01-01).
                              They replace the default demo series (key 1
                              Resource/Demo/Readings, a breakpoint series; keys 101-103
                              Resource/Demo/{Inflow,Price,Production}, hourly, with demo
                              points). The official tests' model and its series
                              (Resource/SimpleThermalTestResourceCatalog/..., keys 2, 3,
                              4, 9, 50) are always there; the file must not reuse them.
  --time-zone ZONE            the server's IANA time zone, which calculations call LOCAL
                              (with daylight saving) and STANDARD (without); default
                              Europe/Oslo
  --tls-cert FILE             serve TLS with this PEM certificate chain (needs --tls-key)
  --tls-key FILE              the PEM private key of --tls-cert
  --token TOKEN[=NAME]        accept this access token, for the user NAME; repeatable.
                              With any --token, calls without a valid token are refused
                              (except AuthenticateKerberos, where a client gets one).
  --kerberos-keytab FILE      accept Kerberos in AuthenticateKerberos with the service keys
                              of this keytab, through MIT Kerberos (libgssapi_krb5.so.2,
                              Debian package libgssapi-krb5-2; KRB5_CONFIG and
                              KRB5RCACHEDIR apply). It hands out bearer tokens; every
                              other call then needs one of them (or a --token one).
                              Without it, AuthenticateKerberos answers UNIMPLEMENTED.
  --kerberos-principal NAME   accept only tickets for this service principal, e.g.
                              HTTP/localhost (default: any principal of the keytab)
  --kerberos-token-lifetime SECONDS
                              how long those tokens are valid, fractions allowed
                              (default 3600, Mesh's hour)";

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn main() -> ExitCode {
    let mut listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 50051));
    let mut config = Config::default();
    let (mut cert, mut key) = (None, None);
    let mut keytab: Option<PathBuf> = None;
    let mut principal: Option<String> = None;
    let mut lifetime: Option<Duration> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        let parsed: Result<(), String> = match arg.as_str() {
            "--listen" => value("--listen").and_then(|v| {
                v.parse()
                    .map(|a| listen = a)
                    .map_err(|e| format!("--listen {v}: {e}"))
            }),
            "--session-timeout" => value("--session-timeout").and_then(|v| {
                parse_duration(&v)
                    .filter(|d| !d.is_zero())
                    .map(|d| config.session_timeout = d)
                    .ok_or_else(|| format!("--session-timeout {v}: not a duration"))
            }),
            "--server-version" => value("--server-version").map(|v| config.version = v),
            "--time-zone" => value("--time-zone").and_then(|v| {
                v.parse()
                    .map(|zone| config.time_zone = zone)
                    .map_err(|_| format!("--time-zone {v}: not an IANA time zone name"))
            }),
            "--tls-cert" => value("--tls-cert").and_then(|v| read(&v).map(|pem| cert = Some(pem))),
            "--tls-key" => value("--tls-key").and_then(|v| read(&v).map(|pem| key = Some(pem))),
            "--token" => value("--token").map(|v| {
                let (token, name) = v
                    .split_once('=')
                    .unwrap_or((v.as_str(), "Mesh Emulator User"));
                config
                    .tokens
                    .get_or_insert_with(Default::default)
                    .insert(token.to_string(), Identity::named(name));
            }),
            "--kerberos-keytab" => value("--kerberos-keytab").map(|v| keytab = Some(v.into())),
            "--kerberos-principal" => value("--kerberos-principal").map(|v| principal = Some(v)),
            "--kerberos-token-lifetime" => value("--kerberos-token-lifetime").and_then(|v| {
                v.parse::<f64>()
                    .ok()
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .filter(|d| !d.is_zero())
                    .map(|d| lifetime = Some(d))
                    .ok_or_else(|| {
                        format!("--kerberos-token-lifetime {v}: not a number of seconds above 0")
                    })
            }),
            "--catalog" => value("--catalog").and_then(|file| {
                let text =
                    std::fs::read_to_string(&file).map_err(|e| format!("--catalog {file}: {e}"))?;
                parse_catalog(&text)
                    .map(|specs| config.catalog = specs)
                    .map_err(|e| format!("--catalog {file}: {e}"))
            }),
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => Err(format!("unknown argument {other}")),
        };
        if let Err(e) = parsed {
            eprintln!("mesh-emulator: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    match (cert, key) {
        (Some(cert_pem), Some(key_pem)) => config.tls = Some(TlsIdentity { cert_pem, key_pem }),
        (None, None) => {}
        _ => {
            eprintln!("mesh-emulator: --tls-cert and --tls-key go together\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    match (keytab, principal, lifetime) {
        (Some(keytab), service_principal, lifetime) => {
            config.kerberos = Some(KerberosConfig {
                service_principal,
                token_lifetime: lifetime.unwrap_or(mesh_emulator::DEFAULT_TOKEN_LIFETIME),
                ..KerberosConfig::new(keytab)
            })
        }
        (None, None, None) => {}
        _ => {
            eprintln!(
                "mesh-emulator: --kerberos-principal and --kerberos-token-lifetime need \
                 --kerberos-keytab\n{USAGE}"
            );
            return ExitCode::from(2);
        }
    }
    let emulator = match Emulator::start(listen, config) {
        Ok(e) => e,
        // The data, the TLS or the Kerberos setup, not the address.
        Err(e) if e.kind() == std::io::ErrorKind::InvalidInput => {
            eprintln!("mesh-emulator: {e}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("mesh-emulator: cannot listen on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("mesh-emulator listening on {}", emulator.addr());
    let _ = std::io::stdout().flush();
    emulator.wait();
    ExitCode::SUCCESS
}
