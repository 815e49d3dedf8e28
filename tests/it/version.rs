//! The run-time check a host makes that the header it was compiled with
//! fits the library it loaded (`mesh_library_check_version`,
//! `MESH_LIBRARY_CHECK_VERSION()`), as docs/compatibility.md promises.

use crate::common::*;
use mesh_status::*;

/// The version number the header of `major.minor.patch` has.
fn number(major: u32, minor: u32, patch: u32) -> u32 {
    major * 1_000_000 + minor * 1000 + patch
}

#[test]
fn the_committed_header_fits_the_library() {
    let header = xtask::c_header::Header::committed();
    let (_, value) = header
        .macros
        .iter()
        .find(|(name, _)| name == "MESH_CAPI_VERSION_NUMBER")
        .expect("MESH_CAPI_VERSION_NUMBER in the header");
    let value: u32 = value.parse().unwrap();
    check(mesh_library_check_version(value), MESH_OK);
    let library = env!("CARGO_PKG_VERSION");
    let parts: Vec<u32> = library.split('.').map(|p| p.parse().unwrap()).collect();
    assert_eq!(value, number(parts[0], parts[1], parts[2]));
}

#[test]
fn other_versions_are_told_apart_by_the_rule() {
    let parts: Vec<u32> = env!("CARGO_PKG_VERSION")
        .split('.')
        .map(|p| p.parse().unwrap())
        .collect();
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    // Another patch of the same minor version fits either way.
    check(
        mesh_library_check_version(number(major, minor, patch + 7)),
        MESH_OK,
    );
    // A newer minor version's header may use functions this library lacks.
    check(
        mesh_library_check_version(number(major, minor + 1, 0)),
        MESH_ERROR_VERSION_MISMATCH,
    );
    let message = last_error();
    assert!(
        message.contains(&format!("{major}.{}.0", minor + 1))
            && message.contains(env!("CARGO_PKG_VERSION")),
        "{message}"
    );
    // Another major version never fits.
    check(
        mesh_library_check_version(number(major + 1, minor, patch)),
        MESH_ERROR_VERSION_MISMATCH,
    );
    // Before 1.0, an older minor version's header does not fit either (0.x
    // may change between minor versions); from 1.0 on it does.
    if minor > 0 {
        let older = mesh_library_check_version(number(major, minor - 1, 0));
        let expected = if major == 0 {
            MESH_ERROR_VERSION_MISMATCH
        } else {
            MESH_OK
        };
        check(older, expected);
    }
    check(mesh_library_check_version(0), MESH_ERROR_VERSION_MISMATCH);
    check(
        mesh_library_check_version(u32::MAX),
        MESH_ERROR_VERSION_MISMATCH,
    );
}
