//! Session ids: the text forms users write, and Mesh's wire form (`Guid` with
//! the bytes in Microsoft order, where sending RFC 4122 order is the classic
//! interop bug).

use uuid::Uuid;

use super::error::{Error, Result};
use crate::proto::types::Guid;

/// Parses a session id in canonical form (`123e4567-e89b-12d3-a456-556642440000`,
/// any case) or braced as Windows, .NET and Excel write it (`{...}`).
pub fn parse_session_id(text: &str) -> Result<Uuid> {
    parse_id(text, "session id")
}

/// Parses any Mesh id (a session, time series, unit ...) in the forms
/// [`parse_session_id`] takes; `what` names it in the error.
pub fn parse_id(text: &str, what: &str) -> Result<Uuid> {
    let inner = match text.strip_prefix('{') {
        Some(rest) => rest.strip_suffix('}').unwrap_or(text),
        None => text,
    };
    // Uuid::try_parse also takes the 32-digit and urn forms; Mesh ids are
    // written hyphenated, so anything else is more likely a mistake.
    if inner.len() != 36 {
        return Err(malformed(text, what));
    }
    Uuid::try_parse(inner).map_err(|_| malformed(text, what))
}

fn malformed(text: &str, what: &str) -> Error {
    let shown: String = text.chars().take(64).collect();
    Error::invalid_argument(format!(
        "malformed {what} {shown:?}: expected 8-4-4-4-12 hex digits, optionally in braces"
    ))
}

/// The wire form of an id.
pub(crate) fn to_guid(id: Uuid) -> Guid {
    Guid {
        bytes_le: id.to_bytes_le().to_vec(),
    }
}

/// An id from its wire form.
pub(crate) fn from_guid(guid: &Guid) -> Result<Uuid> {
    let bytes: [u8; 16] = guid.bytes_le.as_slice().try_into().map_err(|_| {
        Error::new(
            super::ErrorKind::Server,
            format!(
                "server sent a Guid of {} bytes, not 16",
                guid.bytes_le.len()
            ),
        )
    })?;
    Ok(Uuid::from_bytes_le(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guid_bytes_follow_protocol_vectors() {
        let vectors: [(&str, [u8; 16]); 2] = [
            (
                "123e4567-e89b-12d3-a456-556642440000",
                [
                    0x67, 0x45, 0x3e, 0x12, 0x9b, 0xe8, 0xd3, 0x12, 0xa4, 0x56, 0x55, 0x66, 0x42,
                    0x44, 0x00, 0x00,
                ],
            ),
            (
                "00112233-4455-6677-8899-aabbccddeeff",
                [
                    0x33, 0x22, 0x11, 0x00, 0x55, 0x44, 0x77, 0x66, 0x88, 0x99, 0xaa, 0xbb, 0xcc,
                    0xdd, 0xee, 0xff,
                ],
            ),
        ];
        for (text, wire) in vectors {
            let id = parse_session_id(text).unwrap();
            assert_eq!(to_guid(id).bytes_le, wire, "{text}");
            assert_eq!(
                from_guid(&Guid {
                    bytes_le: wire.to_vec()
                })
                .unwrap(),
                id
            );
        }
    }

    #[test]
    fn accepted_and_rejected_forms() {
        let canonical = "123e4567-e89b-12d3-a456-556642440000";
        for ok in [
            canonical,
            "123E4567-E89B-12D3-A456-556642440000",
            "{123e4567-e89b-12d3-a456-556642440000}",
            "{123E4567-E89B-12D3-A456-556642440000}",
        ] {
            assert_eq!(parse_session_id(ok).unwrap().to_string(), canonical, "{ok}");
        }
        for bad in [
            "",
            "{}",
            "123e4567e89b12d3a456556642440000",
            "urn:uuid:123e4567-e89b-12d3-a456-556642440000",
            "{123e4567-e89b-12d3-a456-556642440000",
            "123e4567-e89b-12d3-a456-556642440000}",
            "123e4567-e89b-12d3-a456-55664244000g",
            " 123e4567-e89b-12d3-a456-556642440000",
            "123e4567-e89b-12d3-a456-5566424400000",
        ] {
            let e = parse_session_id(bad).unwrap_err();
            assert_eq!(e.kind(), super::super::ErrorKind::InvalidArgument, "{bad}");
        }
    }

    #[test]
    fn short_guid_from_server_is_an_error() {
        assert!(from_guid(&Guid {
            bytes_le: vec![1, 2, 3]
        })
        .is_err());
    }
}
