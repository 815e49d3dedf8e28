//! The Mesh model through a session: list models, get and search objects
//! and attributes, follow relations, change values, create, rename, move and
//! delete objects, and read and write XY sets and rating curves. Every call
//! goes through the session (`Session::call`), so it counts as activity for
//! keep-alive, and every change is private to the session until commit.
//!
//! Things are named by a [`Target`]: an id or a path. Answers are decoded
//! into the owned types of [`types`](self) with ids as `Uuid` and times as
//! milliseconds since the Unix epoch, UTC.

mod curves;
mod decode;
mod read;
mod types;
mod update;

pub use read::{AttributeFilter, View};
pub use types::*;
pub use update::SimpleValue;

use uuid::Uuid;

use super::auth::MeshChannel;
use super::error::{Error, ErrorKind, Result};
use super::id::{parse_session_id, to_guid};
use super::session::Session;
use crate::proto::model::model_service_client::ModelServiceClient;
use crate::proto::types::MeshId;

/// What a model call is about: an object, an attribute or a definition, by
/// id or by path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// By id.
    Id(Uuid),
    /// By path, e.g. `Model/M/Component.Ref/Plant` or the short form
    /// `Model/M/Component/Plant`, `Model/M/Component/Plant.Attribute`,
    /// `Repository/<definition>/...`, `Resource/...`.
    Path(String),
}

impl Target {
    /// A target from text: an id (canonical form in any case, or braced), or
    /// a path (anything with a `/`). Anything else is `InvalidArgument`.
    pub fn parse(text: &str) -> Result<Target> {
        if text.contains('/') {
            return Ok(Target::Path(text.to_string()));
        }
        parse_session_id(text).map(Target::Id).map_err(|_| {
            let shown: String = text.chars().take(64).collect();
            Error::invalid_argument(format!(
                "{shown:?} is neither an id (8-4-4-4-12 hex digits, optionally in braces) nor a path (such as Model/<model>/<object>)"
            ))
        })
    }

    pub(crate) fn to_proto(&self) -> MeshId {
        match self {
            Target::Id(id) => MeshId {
                id: Some(to_guid(*id)),
                ..MeshId::default()
            },
            Target::Path(path) => MeshId {
                path: Some(path.clone()),
                ..MeshId::default()
            },
        }
    }
}

impl From<Uuid> for Target {
    fn from(id: Uuid) -> Target {
        Target::Id(id)
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Id(id) => write!(f, "{id}"),
            Target::Path(path) => f.write_str(path),
        }
    }
}

/// Mesh answers "not found" and "invalid type" for unknown or mistyped
/// targets under various gRPC codes; clients go by the text. Those become
/// `NotFound` and `InvalidArgument`; everything else stays as it was.
/// Availability calls name their objects the same way and use it too.
pub(crate) fn classify(e: Error) -> Error {
    if e.grpc_code().is_none()
        || !matches!(e.kind(), ErrorKind::Server | ErrorKind::InvalidArgument)
    {
        return e;
    }
    let text = e.message();
    if text.contains("not found") {
        e.with_kind(ErrorKind::NotFound)
    } else if text.contains("invalid type") || text.contains("Invalid type") {
        e.with_kind(ErrorKind::InvalidArgument)
    } else {
        e
    }
}

impl Session {
    fn model_client(&self, channel: MeshChannel) -> ModelServiceClient<MeshChannel> {
        ModelServiceClient::new(channel)
            .max_decoding_message_size(self.shared().options().max_receive_message_bytes)
            .max_encoding_message_size(usize::MAX)
    }
}

/// Reads a server stream to its end, decoding each message as it arrives
/// (so a large answer is never held twice, raw and decoded). A message
/// that does not decode ends the stream early; the error comes back in
/// the inner result, since it is not a gRPC status.
async fn collect<T, U>(
    response: std::result::Result<tonic::Response<tonic::Streaming<T>>, tonic::Status>,
    mut decode: impl FnMut(T) -> Result<U>,
) -> std::result::Result<tonic::Response<Result<Vec<U>>>, tonic::Status> {
    let mut stream = response?.into_inner();
    let mut items = Vec::new();
    while let Some(item) = stream.message().await? {
        match decode(item) {
            Ok(decoded) => items.push(decoded),
            Err(e) => return Ok(tonic::Response::new(Err(e))),
        }
    }
    Ok(tonic::Response::new(Ok(items)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_texts_classify() {
        let status = |code, text: &str| {
            Error::from_status("GetObject", &tonic::Status::new(code, text.to_string()))
        };
        let rows = [
            (
                tonic::Code::Internal,
                "object not found: X",
                ErrorKind::NotFound,
            ),
            (
                tonic::Code::InvalidArgument,
                "attribute not found",
                ErrorKind::NotFound,
            ),
            (
                tonic::Code::Unknown,
                "invalid type",
                ErrorKind::InvalidArgument,
            ),
            (
                tonic::Code::Internal,
                "has child objects",
                ErrorKind::Server,
            ),
            (
                tonic::Code::Unavailable,
                "not found",
                ErrorKind::Unavailable,
            ),
        ];
        for (code, text, kind) in rows {
            assert_eq!(classify(status(code, text)).kind(), kind, "{text}");
        }
        let local = Error::invalid_argument("attribute not found locally");
        assert_eq!(classify(local).kind(), ErrorKind::InvalidArgument);
    }
}
