//! What the services share for one run of the server: the configuration,
//! the store, per-RPC call counts, the metadata calls carried, write payload
//! sizes, revoked tokens and injected failures. A restart makes a new one
//! around the same store (and the same Kerberos acceptor, whose tokens
//! outlive it).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use tonic::Status;
use uuid::Uuid;

use crate::kerberos::{Kerberos, TokenCheck};
use crate::store::{ActivityGuard, Store};
use crate::sync::lock;
use crate::{Config, Identity};

pub(crate) struct State {
    pub(crate) config: Config,
    pub(crate) store: Arc<Store>,
    /// The acceptor and the tokens it handed out, when `config.kerberos`.
    pub(crate) kerberos: Option<Arc<Kerberos>>,
    /// Calls in flight, and delays put on methods.
    pub(crate) in_flight: Arc<crate::in_flight::InFlight>,
    calls: Mutex<HashMap<&'static str, u64>>,
    /// Metadata key -> each value calls carried under it, with how many, in
    /// the order first seen. Tokens and gRPC's own entries are left out.
    metadata: Mutex<HashMap<String, Vec<(String, u64)>>>,
    /// The size of each `WriteTimeseries` payload (the Arrow bytes), in
    /// the order received.
    write_payloads: Mutex<Vec<usize>>,
    revoked: Mutex<HashSet<String>>,
    /// Injected failures: method -> (code, how many calls still to fail).
    faults: Mutex<HashMap<String, (tonic::Code, u64)>>,
}

impl State {
    pub(crate) fn new(config: Config, store: Arc<Store>, kerberos: Option<Arc<Kerberos>>) -> Self {
        State {
            config,
            store,
            kerberos,
            in_flight: Arc::default(),
            calls: Mutex::new(HashMap::new()),
            metadata: Mutex::new(HashMap::new()),
            write_payloads: Mutex::new(Vec::new()),
            revoked: Mutex::new(HashSet::new()),
            faults: Mutex::new(HashMap::new()),
        }
    }

    /// Checks the caller's token when tokens are required: static tokens
    /// (`config.tokens`) and, with Kerberos, the ones `AuthenticateKerberos`
    /// handed out until they expire. Messages never repeat the token.
    pub(crate) fn authorize(
        &self,
        metadata: &tonic::metadata::MetadataMap,
    ) -> Result<Option<Identity>, Status> {
        if self.config.tokens.is_none() && self.kerberos.is_none() {
            return Ok(None);
        }
        let header = metadata
            .get("authorization")
            .ok_or_else(|| Status::unauthenticated("missing access token"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .ok_or_else(|| Status::unauthenticated("authorization is not a Bearer token"))?;
        if lock(&self.revoked).contains(token) {
            return Err(Status::unauthenticated("access token has been revoked"));
        }
        if let Some(identity) = self.config.tokens.as_ref().and_then(|t| t.get(token)) {
            return Ok(Some(identity.clone()));
        }
        match self.kerberos.as_ref().map(|k| k.check(token)) {
            Some(TokenCheck::Valid(identity)) => Ok(Some(identity)),
            Some(TokenCheck::Expired) => Err(Status::unauthenticated("access token has expired")),
            Some(TokenCheck::Unknown) | None => {
                Err(Status::unauthenticated("access token is not valid"))
            }
        }
    }

    /// Refuses `token` from now on; one from Kerberos is forgotten too, so
    /// that it stays refused after a restart.
    pub(crate) fn revoke(&self, token: &str) {
        lock(&self.revoked).insert(token.to_string());
        if let Some(kerberos) = &self.kerberos {
            kerberos.revoke(token);
        }
    }

    pub(crate) fn count(&self, method: &'static str) {
        *lock(&self.calls).entry(method).or_insert(0) += 1;
    }

    pub(crate) fn calls(&self, method: &str) -> u64 {
        lock(&self.calls).get(method).copied().unwrap_or(0)
    }

    pub(crate) fn total_calls(&self) -> u64 {
        lock(&self.calls).values().sum()
    }

    /// Notes the metadata one call carried: every text entry but the token
    /// (`authorization`, a secret) and gRPC's own (`grpc-*`, whose timeout
    /// differs from call to call), so what is kept grows with the distinct
    /// values, not with the calls.
    pub(crate) fn note_metadata(&self, metadata: &tonic::metadata::MetadataMap) {
        let mut seen = lock(&self.metadata);
        for entry in metadata.iter() {
            let tonic::metadata::KeyAndValueRef::Ascii(key, value) = entry else {
                continue;
            };
            let key = key.as_str();
            if key == "authorization" || key.starts_with("grpc-") {
                continue;
            }
            let Ok(value) = value.to_str() else {
                continue;
            };
            // Allocates only for a key or value not seen before: this runs
            // on every call the emulator serves.
            let values = match seen.get_mut(key) {
                Some(values) => values,
                None => seen.entry(key.to_string()).or_default(),
            };
            match values.iter_mut().find(|(v, _)| v == value) {
                Some((_, count)) => *count += 1,
                None => values.push((value.to_string(), 1)),
            }
        }
    }

    pub(crate) fn metadata_seen(&self, key: &str) -> Vec<(String, u64)> {
        lock(&self.metadata)
            .get(&key.to_ascii_lowercase())
            .cloned()
            .unwrap_or_default()
    }

    pub(crate) fn note_write_payload(&self, bytes: usize) {
        lock(&self.write_payloads).push(bytes);
    }

    pub(crate) fn write_payloads(&self) -> Vec<usize> {
        lock(&self.write_payloads).clone()
    }

    pub(crate) fn inject(&self, method: &str, code: tonic::Code, count: u64) {
        lock(&self.faults).insert(method.to_string(), (code, count));
    }

    /// An injected failure for this call of `method`, if one is pending.
    pub(crate) fn injected_failure(&self, method: &str) -> Result<(), Status> {
        let mut faults = lock(&self.faults);
        match faults.get_mut(method) {
            Some((code, left)) if *left > 0 => {
                *left -= 1;
                Err(Status::new(*code, format!("injected failure of {method}")))
            }
            _ => Ok(()),
        }
    }

    /// Mesh's answer for a session id it does not know.
    pub(crate) fn not_found(&self, id: Uuid) -> Status {
        Status::new(
            self.config.session_not_found_code,
            format!("Session with id {} not found.", crate::wire::braced(id)),
        )
    }

    /// Marks session `id` in use until the returned guard drops.
    pub(crate) fn enter(&self, id: Uuid) -> Result<ActivityGuard, Status> {
        self.store.enter(id).ok_or_else(|| self.not_found(id))
    }
}
