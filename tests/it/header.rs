//! The committed `include/mesh_capi.h` must be what cbindgen (laid out by
//! `xtask`) makes of the code now, and the declarations generated from it
//! for the host bindings (stdcall twins, .NET P/Invoke, VBA `Declare`s, the
//! `.def` file) must be what the header makes of them now. Regenerate all
//! with `cargo xtask generate`.

use xtask::c_header::{ConstValue, Header};

use crate::common::root;

fn generate_header() -> String {
    xtask::header::generate(root())
}

#[test]
fn committed_header_and_generated_bindings_are_fresh() {
    let stale = xtask::stale(root());
    assert!(
        stale.is_empty(),
        "{stale:?} stale: run `cargo xtask generate` and commit them \
         (bindings/README.md lists what else a new function needs)"
    );
}

#[test]
fn every_constant_is_in_an_enum_group_or_listed_as_standalone() {
    let header = Header::parse(&generate_header());
    let unsorted: Vec<&str> = header
        .constants
        .iter()
        .map(|c| c.name.as_str())
        .filter(|name| {
            xtask::generate::constant_group(name).is_none() && !xtask::generate::is_standalone(name)
        })
        .collect();
    assert!(
        unsorted.is_empty(),
        "new constants {unsorted:?}: add their family to CONSTANT_GROUPS (a typed enum in .NET) \
         or them to STANDALONE_CONSTANTS in xtask/src/generate/mod.rs; see bindings/README.md"
    );
    for (prefix, name, _) in xtask::generate::CONSTANT_GROUPS {
        assert!(
            header.constants.iter().any(|c| c.name.starts_with(prefix)),
            "CONSTANT_GROUPS lists {prefix}* ({name}), which the header no longer has"
        );
    }
}

#[test]
fn the_header_parser_reads_the_shapes_cbindgen_writes() {
    let h = Header::parse(
        "/* intro\n * more */\n#ifndef G\n#define G\n#define MESH_X ((4 * 1024) * 1024)\n\
         struct ArrowSchema {\n  // doc\n  const char* format;\n  void (*release)(struct ArrowSchema*);\n};\n\
         // A status.\ntypedef enum mesh_status {\n  // ok\n  MESH_OK = 0,\n  MESH_B,\n} mesh_status;\n\
         typedef struct mesh_session mesh_session;\n\
         typedef void (*mesh_cb)(const char *session_id, void *user_data);\n\
         // Ten.\n#define MESH_TEN 10\n#define MESH_NAME \"x\"\n#define MESH_LEAST INT64_MIN\n\
         #ifdef __cplusplus\nextern \"C\" {\n#endif // __cplusplus\n\
         // Doc line.\nenum mesh_status mesh_f(const struct mesh_session *session,\n   const int64_t **out,\n   size_t cap);\n\
         const char *mesh_v(void);\n#ifdef __cplusplus\n}  // extern \"C\"\n#endif\n#endif\n",
    );
    assert_eq!(h.structs, ["ArrowSchema", "mesh_session"]);
    assert_eq!(
        h.enums[0].constants,
        [("MESH_OK".into(), 0), ("MESH_B".into(), 1)]
    );
    assert_eq!(h.callbacks[0].name, "mesh_cb");
    assert_eq!(h.functions.len(), 2);
    let f = &h.functions[0];
    assert_eq!(
        (f.name.as_str(), f.ret.base.as_str()),
        ("mesh_f", "mesh_status")
    );
    assert_eq!(f.doc, ["Doc line."]);
    assert_eq!(f.params[0].ty.spelled(), "const struct mesh_session *");
    assert_eq!(f.params[1].ty.spelled(), "const int64_t **");
    assert!(f.params[1].is_out());
    assert_eq!(h.functions[1].ret.spelled(), "const char *");
    assert!(h.functions[1].params.is_empty());
    assert!(h.macros.iter().any(|(n, _)| n == "MESH_X"));
    // Constants: numbers and strings, with their comments.
    let constants: Vec<_> = h
        .constants
        .iter()
        .map(|c| (c.name.as_str(), c.value.clone(), c.doc.clone()))
        .collect();
    assert_eq!(
        constants,
        [
            ("MESH_TEN", ConstValue::Int(10), vec!["Ten.".to_string()]),
            ("MESH_NAME", ConstValue::Text("x".into()), vec![]),
            ("MESH_LEAST", ConstValue::Int(i64::MIN), vec![]),
        ]
    );
}

#[test]
fn the_committed_header_is_read_whole() {
    let h = Header::committed();
    // Every prototype in the text was understood as one.
    let text = std::fs::read_to_string(root().join("include/mesh_capi.h")).unwrap();
    let prototypes = text
        .lines()
        .filter(|l| !l.starts_with(char::is_whitespace) && !l.starts_with("//"))
        .filter(|l| !l.starts_with('#') && !l.starts_with("typedef"))
        .filter(|l| l.contains("mesh_") && l.contains('('))
        .count();
    assert_eq!(h.functions.len(), prototypes);
    assert!(h.function("mesh_connection_open").is_some());
    assert!(h.opaque_structs.iter().any(|s| s == "mesh_session"));
}
