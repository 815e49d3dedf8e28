//! Packaging as a C user expects it: every name in the header carries the
//! library's prefix, the version macros agree with the library, and
//! `packaging/install.sh` lays out a prefix (versioned file names, SONAME,
//! debug info split off) that pkg-config and CMake's `find_package` builds
//! use, shared and static, and the glibc the library needs is the one the
//! README states.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::tools::{have, skip};
use crate::common::{emulator, lib_dir, link_args, root};
use xtask::c_header::Header;

/// Names a header may carry without the prefix: the Arrow C Data Interface
/// structs and macros, which the Arrow project names.
const ARROW_NAMES: &[&str] = &[
    "ArrowSchema",
    "ArrowArray",
    "ARROW_C_DATA_INTERFACE",
    "ARROW_FLAG_DICTIONARY_ORDERED",
    "ARROW_FLAG_NULLABLE",
    "ARROW_FLAG_MAP_KEYS_SORTED",
];

/// Every name the header declares that lacks the `mesh_`/`MESH_` prefix.
fn unprefixed(header: &Header) -> Vec<String> {
    let names = header
        .functions
        .iter()
        .chain(&header.callbacks)
        .map(|f| f.name.clone())
        .chain(header.structs.iter().cloned())
        .chain(header.typedefs.iter().cloned())
        .chain(header.macros.iter().map(|(n, _)| n.clone()))
        .chain(header.enums.iter().map(|e| e.name.clone()))
        .chain(
            header
                .enums
                .iter()
                .flat_map(|e| e.constants.iter().map(|(n, _)| n.clone())),
        );
    names
        .filter(|n| !n.starts_with("mesh_") && !n.starts_with("MESH_"))
        .filter(|n| !ARROW_NAMES.contains(&n.as_str()))
        .collect()
}

#[test]
fn every_name_in_the_header_carries_the_prefix() {
    let header = Header::committed();
    assert!(header.functions.len() > 10 && !header.macros.is_empty());
    assert_eq!(unprefixed(&header), Vec::<String>::new());
    // The check finds what leaked before it existed.
    let leaky = Header::parse(
        "#define WRITE_CHUNK_POINTS 150000\n\
         typedef struct points points;\n\
         enum mesh_status mesh_ok(void);\n\
         int helper(int x);\n",
    );
    assert_eq!(
        unprefixed(&leaky),
        ["helper", "points", "WRITE_CHUNK_POINTS"]
    );
}

/// Compiles a C program against the header and the library.
fn compile_c(name: &str, source: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("packaging");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.c"));
    std::fs::write(&path, source).unwrap();
    let exe = dir.join(name);
    let out = Command::new("cc")
        .args(["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg("-I")
        .arg(root().join("include"))
        .arg(&path)
        .arg("-o")
        .arg(&exe)
        .args(link_args())
        .output()
        .expect("cc");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

#[test]
fn the_version_macros_agree_with_the_library() {
    let exe = compile_c(
        "version",
        r#"#include <stdio.h>
#include <string.h>
#include "mesh_capi.h"
#if MESH_CAPI_VERSION_NUMBER != MESH_CAPI_VERSION_MAJOR * 1000000 + MESH_CAPI_VERSION_MINOR * 1000 + MESH_CAPI_VERSION_PATCH
#error "MESH_CAPI_VERSION_NUMBER"
#endif
int main(void) {
    char made[32];
    snprintf(made, sizeof made, "%d.%d.%d", MESH_CAPI_VERSION_MAJOR, MESH_CAPI_VERSION_MINOR, MESH_CAPI_VERSION_PATCH);
    printf("%s %s %s\n", MESH_CAPI_VERSION_STRING, made, mesh_library_version());
    return strcmp(MESH_CAPI_VERSION_STRING, mesh_library_version()) != 0 || strcmp(made, MESH_CAPI_VERSION_STRING) != 0;
}
"#,
    );
    let out = crate::common::run(&exe, &[]);
    assert_eq!(out.status.code(), Some(0));
    let v = env!("CARGO_PKG_VERSION");
    assert_eq!(crate::common::stdout(&out).trim(), format!("{v} {v} {v}"));
}

fn sh(command: &mut Command) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn readelf(args: &[&str], file: &Path) -> String {
    sh(Command::new("readelf").args(args).arg(file))
}

const HPP_EXAMPLE: &str = r#"#include <iostream>
#include "mesh_capi.hpp"
int main(int argc, char **argv) {
    if (argc < 2) return 2;
    auto connection = mesh::connection::connect(argv[1]);
    std::cout << "Mesh " << connection.server_version() << std::endl;
    connection.open_session().commit();
    return 0;
}
"#;

#[test]
fn install_lays_out_a_prefix_that_pkg_config_and_cmake_builds_use() {
    let work = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("install");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let prefix = work.join("prefix");
    sh(Command::new("bash")
        .arg(root().join("packaging/install.sh"))
        .arg("--prefix")
        .arg(&prefix)
        .arg("--from")
        .arg(lib_dir()));

    let v = env!("CARGO_PKG_VERSION");
    let soname = if env!("CARGO_PKG_VERSION_MAJOR") == "0" {
        format!("libmesh_capi.so.0.{}", env!("CARGO_PKG_VERSION_MINOR"))
    } else {
        format!("libmesh_capi.so.{}", env!("CARGO_PKG_VERSION_MAJOR"))
    };
    let lib = prefix.join("lib");
    let real = lib.join(format!("libmesh_capi.so.{v}"));
    assert!(real.is_file() && !real.is_symlink());
    assert_eq!(
        std::fs::read_link(lib.join(&soname)).unwrap(),
        PathBuf::from(format!("libmesh_capi.so.{v}"))
    );
    assert_eq!(
        std::fs::read_link(lib.join("libmesh_capi.so")).unwrap(),
        PathBuf::from(&soname)
    );
    for file in [
        "include/mesh_capi.h",
        "include/mesh_capi.hpp",
        "lib/libmesh_capi.a",
        "lib/pkgconfig/mesh_capi.pc",
        "lib/cmake/mesh_capi/mesh_capiConfig.cmake",
        "lib/cmake/mesh_capi/mesh_capiConfigVersion.cmake",
        "share/mesh_capi/dotnet/MeshCapi.cs",
        "share/mesh_capi/dotnet/MeshCapi.Catalog.cs",
        "share/mesh_capi/dotnet/MeshCapi.Native.g.cs",
        "share/mesh_capi/vba/MeshCapi.bas",
    ] {
        assert!(prefix.join(file).is_file(), "{file} not installed");
    }
    assert!(readelf(&["-d"], &real).contains(&format!("Library soname: [{soname}]")));
    // The debug info is split off and linked back by name.
    let debug = lib.join(format!(".debug/libmesh_capi.so.{v}.debug"));
    let sections = readelf(&["-S", "-W"], &real);
    assert!(!sections.contains(".debug_info"), "debug info left in");
    assert!(sections.contains(".gnu_debuglink"));
    assert!(readelf(&["-S", "-W"], &debug).contains(".debug_info"));
    assert!(
        readelf(&["-p", ".gnu_debuglink"], &real).contains(&format!("libmesh_capi.so.{v}.debug"))
    );

    let emu = emulator(Duration::from_secs(300));
    let address = emu.addr().to_string();
    let quickstart = root().join("examples-c/quickstart.c");

    // pkg-config
    if have("pkg-config") {
        let flags = sh(Command::new("pkg-config")
            .args(["--cflags", "--libs", "mesh_capi"])
            .env("PKG_CONFIG_PATH", lib.join("pkgconfig")));
        let exe = work.join("quickstart_pkg_config");
        sh(Command::new("cc")
            .arg(&quickstart)
            .args(flags.split_whitespace())
            .arg("-o")
            .arg(&exe));
        assert!(readelf(&["-d"], &exe).contains(&format!("Shared library: [{soname}]")));
        let out = Command::new(&exe)
            .arg(&address)
            .env("LD_LIBRARY_PATH", &lib)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("closed"));
    } else {
        skip("pkg-config not installed: the pkg-config build was not tried");
    }

    // CMake, from a moved copy of the prefix: the package is relocatable.
    if !have("cmake") {
        return skip("cmake not installed: find_package(mesh_capi) was not tried");
    }
    let moved = work.join("moved");
    std::fs::rename(&prefix, &moved).unwrap();
    let project = work.join("consumer");
    std::fs::create_dir_all(&project).unwrap();
    std::fs::copy(&quickstart, project.join("quickstart.c")).unwrap();
    std::fs::write(project.join("hpp_example.cpp"), HPP_EXAMPLE).unwrap();
    let cmake_lists = |version: &str| {
        format!(
            "cmake_minimum_required(VERSION 3.13)\n\
             project(consumer C CXX)\n\
             set(CMAKE_CXX_STANDARD 14)\n\
             find_package(mesh_capi {version} REQUIRED)\n\
             add_executable(quickstart quickstart.c)\n\
             target_link_libraries(quickstart PRIVATE mesh_capi::mesh_capi)\n\
             add_executable(quickstart_static quickstart.c)\n\
             target_link_libraries(quickstart_static PRIVATE mesh_capi::mesh_capi_static)\n\
             add_executable(hpp_example hpp_example.cpp)\n\
             target_link_libraries(hpp_example PRIVATE mesh_capi::mesh_capi)\n"
        )
    };
    let configure = |build: &Path| {
        Command::new("cmake")
            .arg("-S")
            .arg(&project)
            .arg("-B")
            .arg(build)
            .arg(format!("-DCMAKE_PREFIX_PATH={}", moved.display()))
            .output()
            .unwrap()
    };
    // A version this one is not compatible with is refused.
    std::fs::write(project.join("CMakeLists.txt"), cmake_lists("99.0")).unwrap();
    let refused = configure(&work.join("build-refused"));
    assert!(
        !refused.status.success(),
        "find_package(mesh_capi 99.0) succeeded"
    );

    std::fs::write(
        project.join("CMakeLists.txt"),
        cmake_lists(&format!(
            "{}.{}",
            env!("CARGO_PKG_VERSION_MAJOR"),
            env!("CARGO_PKG_VERSION_MINOR")
        )),
    )
    .unwrap();
    let build = work.join("build");
    let out = configure(&build);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    sh(Command::new("cmake").arg("--build").arg(&build));
    assert!(!readelf(&["-d"], &build.join("quickstart_static")).contains("libmesh_capi"));
    for program in ["quickstart", "quickstart_static", "hpp_example"] {
        // CMake puts the library's directory in the build's RUNPATH (and
        // cargo's LD_LIBRARY_PATH, which would take precedence, is removed).
        let out = Command::new(build.join(program))
            .env_remove("LD_LIBRARY_PATH")
            .arg(&address)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{program}: {out:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Mesh 2.21.0"));
    }
}

/// The newest glibc symbol version the library needs.
fn newest_glibc(library: &Path) -> (u32, u32) {
    let symbols = sh(Command::new("objdump").arg("-T").arg(library));
    symbols
        .split("GLIBC_")
        .skip(1)
        .filter_map(|rest| {
            let version: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let mut parts = version.split('.').map(|p| p.parse::<u32>().ok());
            Some((parts.next()??, parts.next().flatten().unwrap_or(0)))
        })
        .max()
        .expect("GLIBC symbols")
}

#[test]
fn the_glibc_baseline_is_what_the_readme_states() {
    let readme = std::fs::read_to_string(root().join("docs/packaging.md")).unwrap();
    let stated = readme
        .split("glibc ")
        .skip(1)
        .find_map(|rest| {
            let rest = rest.strip_prefix("≥ ")?;
            let v: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let (major, minor) = v.trim_end_matches('.').split_once('.')?;
            Some((major.parse::<u32>().ok()?, minor.parse::<u32>().ok()?))
        })
        .expect("the README states `glibc ≥ X.Y`");
    let needed = newest_glibc(&lib_dir().join("libmesh_capi.so"));
    assert!(
        needed <= stated,
        "the library needs glibc {needed:?}, the README says {stated:?}"
    );
}
