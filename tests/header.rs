//! The committed `include/mesh_capi.h` must be what cbindgen makes of the
//! code now. Regenerate with `MESH_UPDATE_HEADER=1 cargo test --test header`.

use std::path::Path;

#[test]
fn committed_header_is_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read the crate")
        .write(&mut generated);
    let path = root.join("include/mesh_capi.h");
    if std::env::var_os("MESH_UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write header");
        return;
    }
    let committed = std::fs::read(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/mesh_capi.h is stale: run `MESH_UPDATE_HEADER=1 cargo test --test header` and commit it"
    );
}
