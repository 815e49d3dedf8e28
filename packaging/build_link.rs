//! How the shared library is linked, for build.rs: the ELF SONAME (and the
//! links that keep cargo's own output usable under it), and for Windows the
//! version resource and the export names of the 32-bit stdcall twins.

use std::env::var;
use std::path::{Path, PathBuf};
use std::process::Command;

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

pub fn configure() -> Result {
    println!("cargo:rerun-if-changed=packaging/build_link.rs");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-env-changed=WINDRES");
    let os = var("CARGO_CFG_TARGET_OS")?;
    let out_dir = PathBuf::from(var("OUT_DIR")?);
    match os.as_str() {
        "linux" | "freebsd" | "netbsd" | "openbsd" | "dragonfly" | "android" => soname(&out_dir),
        "windows" => {
            let arch = var("CARGO_CFG_TARGET_ARCH")?;
            let target_env = var("CARGO_CFG_TARGET_ENV")?;
            if arch == "x86" && target_env == "gnu" {
                // The stdcall twins (src/ffi/stdcall.rs) are listed undecorated
                // in rustc's export list while their symbols carry `@N`; GNU ld
                // matches them ("stdcall fixup") and, without this, warns.
                println!("cargo:rustc-cdylib-link-arg=-Wl,--enable-stdcall-fixup");
            }
            version_resource(&out_dir, &arch, &target_env)
        }
        _ => Ok(()),
    }
}

/// The SONAME: `libmesh_capi.so.MAJOR`, or `libmesh_capi.so.0.MINOR` while
/// the major version is 0 (where, as in Cargo, a minor release may break
/// compatibility). Installed as `libmesh_capi.so.X.Y.Z` with links to it.
pub fn soname_of(major: &str, minor: &str) -> String {
    if major == "0" {
        format!("libmesh_capi.so.0.{minor}")
    } else {
        format!("libmesh_capi.so.{major}")
    }
}

fn soname(out_dir: &Path) -> Result {
    let soname = soname_of(
        &var("CARGO_PKG_VERSION_MAJOR")?,
        &var("CARGO_PKG_VERSION_MINOR")?,
    );
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    // A program linked against target/<profile>/libmesh_capi.so asks for
    // its SONAME at run time, so put that name next to the library (and in
    // deps/, where test binaries find it) as a link to it. OUT_DIR is
    // target/<profile>/build/mesh-capi-<hash>/out.
    #[cfg(unix)]
    if let Some(profile_dir) = out_dir.ancestors().nth(3) {
        for dir in [profile_dir.to_path_buf(), profile_dir.join("deps")] {
            let link = dir.join(&soname);
            if dir.is_dir() && std::fs::symlink_metadata(&link).is_err() {
                if let Err(e) = std::os::unix::fs::symlink("libmesh_capi.so", &link) {
                    println!("cargo:warning=cannot link {}: {e}", link.display());
                }
            }
        }
    }
    #[cfg(not(unix))]
    let _ = out_dir;
    Ok(())
}

/// A VERSIONINFO resource, compiled with windres (GNU) or rc (MSVC) and
/// linked into the DLL, so Explorer, installers and support staff can tell
/// which build a host loaded.
fn version_resource(out_dir: &Path, arch: &str, target_env: &str) -> Result {
    let version = var("CARGO_PKG_VERSION")?;
    let numbers = format!(
        "{},{},{},0",
        var("CARGO_PKG_VERSION_MAJOR")?,
        var("CARGO_PKG_VERSION_MINOR")?,
        var("CARGO_PKG_VERSION_PATCH")?
    );
    let debug = if var("PROFILE")? == "debug" {
        "0x1"
    } else {
        "0x0"
    };
    let quoted = |s: String| s.replace('"', "\"\"");
    let description = quoted(var("CARGO_PKG_DESCRIPTION")?);
    let license = quoted(var("CARGO_PKG_LICENSE")?);
    // Numbers instead of winver.h names, so no SDK header is needed:
    // VOS_NT_WINDOWS32 = 0x40004, VFT_DLL = 2, VS_FF_DEBUG = 1.
    let rc = format!(
        "1 VERSIONINFO\n\
         FILEVERSION {numbers}\n\
         PRODUCTVERSION {numbers}\n\
         FILEFLAGSMASK 0x3f\n\
         FILEFLAGS {debug}\n\
         FILEOS 0x40004\n\
         FILETYPE 0x2\n\
         FILESUBTYPE 0x0\n\
         BEGIN\n  BLOCK \"StringFileInfo\"\n  BEGIN\n    BLOCK \"040904b0\"\n    BEGIN\n\
         \x20     VALUE \"FileDescription\", \"{description}\"\n\
         \x20     VALUE \"FileVersion\", \"{version}\"\n\
         \x20     VALUE \"InternalName\", \"mesh_capi\"\n\
         \x20     VALUE \"LegalCopyright\", \"Licensed under {license}\"\n\
         \x20     VALUE \"OriginalFilename\", \"mesh_capi.dll\"\n\
         \x20     VALUE \"ProductName\", \"mesh-capi\"\n\
         \x20     VALUE \"ProductVersion\", \"{version}\"\n\
         \x20   END\n  END\n  BLOCK \"VarFileInfo\"\n  BEGIN\n\
         \x20   VALUE \"Translation\", 0x409, 1200\n  END\nEND\n"
    );
    let rc_path = out_dir.join("mesh_capi.rc");
    std::fs::write(&rc_path, rc)?;
    let (tool, args, object): (String, Vec<String>, PathBuf) = if target_env == "msvc" {
        let res = out_dir.join("mesh_capi.res");
        let args = vec![
            "/nologo".into(),
            format!("/fo{}", res.display()),
            rc_path.display().to_string(),
        ];
        (var("RC").unwrap_or_else(|_| "rc.exe".into()), args, res)
    } else {
        let prefix = if arch == "x86" { "i686" } else { arch };
        let object = out_dir.join("mesh_capi_version.o");
        let args = vec![
            "--input".into(),
            rc_path.display().to_string(),
            "--output".into(),
            object.display().to_string(),
            "--output-format=coff".into(),
        ];
        let tool = var("WINDRES").unwrap_or_else(|_| format!("{prefix}-w64-mingw32-windres"));
        (tool, args, object)
    };
    match Command::new(&tool).args(&args).output() {
        Ok(out) if out.status.success() => {
            println!("cargo:rustc-cdylib-link-arg={}", object.display());
        }
        Ok(out) => println!(
            "cargo:warning=no version resource: {tool} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ),
        Err(e) => println!("cargo:warning=no version resource: cannot run {tool}: {e}"),
    }
    Ok(())
}
