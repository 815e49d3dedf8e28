//! Whether the library can be built with Kerberos here. On Unix the
//! `kerberos` feature binds the system's GSSAPI with bindgen, which needs
//! the GSSAPI headers (`krb5-config`; Debian: libkrb5-dev) and libclang
//! with its own headers (Debian: libclang-dev). A fresh machine has
//! neither, so the test command and the installer turn the feature on only
//! where both are; `MESH_KERBEROS=1` insists (and fails the build without
//! them), `MESH_KERBEROS=0` leaves it off. Windows builds always have
//! Kerberos (SSPI), without the feature.

use std::path::Path;
use std::process::{Command, Stdio};

/// Overrides the detection: `1` on, `0` off.
pub const OVERRIDE: &str = "MESH_KERBEROS";

/// `Ok(())` when the `kerberos` feature can be built, else what is missing.
pub fn buildable() -> Result<(), String> {
    let mut missing = Vec::new();
    let krb5_config = Command::new("krb5-config")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !krb5_config {
        missing.push("the GSSAPI headers (krb5-config; Debian: libkrb5-dev)");
    }
    if !has_libclang() {
        missing.push("libclang and its headers (Debian: libclang-dev)");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing.join(" and "))
    }
}

/// Whether bindgen will find libclang and clang's own headers (such as
/// `stddef.h`) where Debian and most distributions put them, or where
/// `LIBCLANG_PATH` says.
fn has_libclang() -> bool {
    let mut lib_dirs: Vec<std::path::PathBuf> = Vec::new();
    if let Some(dir) = std::env::var_os("LIBCLANG_PATH") {
        lib_dirs.push(dir.into());
    }
    let llvm_dirs = children(Path::new("/usr/lib"), |name| name.starts_with("llvm"));
    lib_dirs.extend(llvm_dirs.iter().map(|d| d.join("lib")));
    lib_dirs.extend(
        [
            "/usr/lib/x86_64-linux-gnu",
            "/usr/lib/aarch64-linux-gnu",
            "/usr/lib64",
            "/usr/lib",
        ]
        .map(std::path::PathBuf::from),
    );
    let library = lib_dirs.iter().any(|dir| {
        !children(dir, |name| {
            name.starts_with("libclang") && name.contains(".so")
        })
        .is_empty()
    });
    let headers = lib_dirs
        .iter()
        .flat_map(|dir| children(&dir.join("clang"), |_| true))
        .any(|version| version.join("include/stddef.h").exists());
    library && headers
}

fn children(dir: &Path, keep: impl Fn(&str) -> bool) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| keep(&e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether to build with the `kerberos` feature, and why.
pub fn decide() -> Result<(bool, String), String> {
    match std::env::var(OVERRIDE).as_deref() {
        Ok("0") => Ok((false, format!("{OVERRIDE}=0"))),
        Ok("1") => match buildable() {
            Ok(()) => Ok((true, format!("{OVERRIDE}=1"))),
            Err(missing) => Err(format!("{OVERRIDE}=1 but {missing} not found")),
        },
        Ok(other) if !other.is_empty() => Err(format!("{OVERRIDE} is {other:?}: use 1 or 0")),
        _ => Ok(match buildable() {
            Ok(()) => (true, "the GSSAPI headers and libclang are here".into()),
            Err(missing) => (false, format!("{missing} not found")),
        }),
    }
}
