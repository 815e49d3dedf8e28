//! Makes `include/mesh_capi.h`: cbindgen reads the crate, and its output is
//! rearranged into sections in the order a user meets things (see
//! [`crate::names::SECTIONS`]), each declaration placed by its name's noun or
//! family. cbindgen alone writes all constants, then all types, then all
//! functions, which reads as a reference of kinds rather than of topics.

use std::path::Path;

use crate::names::{family_of, noun_of, parse, NOUNS, SECTIONS};

/// The version macros, from the library's Cargo.toml, so that bumping the
/// version makes the committed header stale until regenerated.
fn version_macros(root: &Path) -> String {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("read Cargo.toml");
    let version = manifest
        .split("[package]")
        .nth(1)
        .and_then(|package| {
            package.lines().find_map(|line| {
                let value = line
                    .trim()
                    .strip_prefix("version")?
                    .trim()
                    .strip_prefix('=')?;
                Some(value.trim().trim_matches('"').to_string())
            })
        })
        .expect("a version in Cargo.toml's [package]");
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse().expect("a numeric version"))
        .collect();
    let (major, minor, patch) = (parts[0], parts[1], parts[2]);
    format!(
        "\n/// The major version of this header (mesh_library_version gives the\n\
         /// library's; mesh_library_check_version compares the two at run time).\n\
         #define MESH_CAPI_VERSION_MAJOR {major}\n\
         /// The minor version of this header.\n\
         #define MESH_CAPI_VERSION_MINOR {minor}\n\
         /// The patch version of this header.\n\
         #define MESH_CAPI_VERSION_PATCH {patch}\n\
         /// The version of this header as text.\n\
         #define MESH_CAPI_VERSION_STRING \"{version}\"\n\
         /// MAJOR * 1000000 + MINOR * 1000 + PATCH, for comparisons in `#if`.\n\
         #define MESH_CAPI_VERSION_NUMBER {}\n\
         /// MESH_OK when the library loaded can serve a program compiled with\n\
         /// this header; see mesh_library_check_version.\n\
         #define MESH_LIBRARY_CHECK_VERSION() mesh_library_check_version(MESH_CAPI_VERSION_NUMBER)\n",
        major * 1_000_000 + minor * 1000 + patch
    )
}

fn cbindgen_output(root: &Path) -> String {
    let mut config =
        cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("read cbindgen.toml");
    config.after_includes =
        Some(version_macros(root) + config.after_includes.as_deref().unwrap_or(""));
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read the crate")
        .write(&mut generated);
    String::from_utf8(generated).expect("the header is UTF-8")
}

/// The name an item of cbindgen's output declares.
fn declared_name(item: &str) -> Option<String> {
    let code: Vec<&str> = item
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    let first = code.first()?.trim();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    if let Some(rest) = first.strip_prefix("#define ") {
        return Some(ident(rest));
    }
    if let Some(rest) = first.strip_prefix("typedef struct ") {
        return Some(ident(rest));
    }
    if first.starts_with("typedef enum ") {
        let last = code.last()?.trim();
        return Some(ident(last.trim_start_matches('}').trim()));
    }
    if first.starts_with("typedef ") {
        // A function pointer: typedef R (*name)(...);
        let start = first.find("(*")? + 2;
        return Some(ident(&first[start..]));
    }
    // A prototype: the identifier before the first '('.
    let joined = code.join(" ");
    let before = &joined[..joined.find('(')?];
    let name = before
        .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .next()?;
    Some(name.to_string())
}

/// The section an item goes in, by what it declares.
fn section_of(item: &str) -> usize {
    let name = declared_name(item).unwrap_or_else(|| panic!("cannot read the item:\n{item}"));
    let is_handle = item
        .lines()
        .any(|l| l.starts_with("typedef struct ") && l.ends_with(';'));
    if is_handle {
        return 1;
    }
    if name.starts_with("MESH_") {
        return family_of(&name)
            .unwrap_or_else(|| panic!("{name}: no family in xtask/src/names.rs FAMILIES"))
            .1;
    }
    noun_of(&name)
        .unwrap_or_else(|| panic!("{name}: no noun in xtask/src/names.rs NOUNS"))
        .1
}

/// Where a function goes in its section: its noun's place in NOUNS, then
/// opening (0), the rest (1), ending (2).
fn function_rank(name: &str) -> (usize, u8) {
    let noun = noun_of(name).map_or("", |(noun, _)| noun);
    let noun_rank = NOUNS
        .iter()
        .position(|(n, _)| *n == noun)
        .unwrap_or(usize::MAX);
    let verb = parse(name).map(|p| p.verb).unwrap_or("");
    let life = match verb {
        "open" | "new" => 0,
        "close" | "free" | "detach" | "shutdown" => 2,
        _ => 1,
    };
    (noun_rank, life)
}

/// Splits text into items: runs of lines separated by blank lines.
fn items(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|item| item.trim_matches('\n').to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// A section's opening: a banner for the reader of the header, and a
/// Doxygen group, so that the reference manual has the same sections.
fn banner(number: usize, title: &str, intro: &str) -> String {
    let mut out = format!(
        "/* ------------------------------------------------------------------------ */\n\
         /**\n * @defgroup section{number} {number}. {title}\n *\n"
    );
    let mut line = String::from(" *");
    for word in intro.split_whitespace() {
        if line.len() + 1 + word.len() > 76 {
            out.push_str(&line);
            out.push('\n');
            line = String::from(" *");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push_str("\n * @{\n */\n");
    out
}

/// The header, in sections.
pub fn generate(root: &Path) -> String {
    let raw = cbindgen_output(root);
    // cbindgen's layout: preamble (up to the Arrow structs' guard), then
    // constants and types, then the functions inside the C++ guard.
    let preamble_end = raw
        .find("#endif  // ARROW_C_DATA_INTERFACE")
        .expect("the Arrow structs in the header")
        + "#endif  // ARROW_C_DATA_INTERFACE".len();
    let open = "#ifdef __cplusplus\nextern \"C\" {\n#endif // __cplusplus\n";
    let close = "#ifdef __cplusplus\n}  // extern \"C\"\n#endif  // __cplusplus\n";
    let functions_start = raw.find(open).expect("cbindgen's extern \"C\" block");
    let functions_end = raw.find(close).expect("the end of the extern \"C\" block");
    let preamble = &raw[..preamble_end];
    let declarations = &raw[preamble_end..functions_start];
    let functions = &raw[functions_start + open.len()..functions_end];
    let tail = &raw[functions_end + close.len()..];

    let mut sections: Vec<Vec<String>> = vec![Vec::new(); SECTIONS.len()];
    for item in items(declarations) {
        sections[section_of(&item)].push(item);
    }
    // Functions by noun (in the order of NOUNS), each noun's opening first
    // and its ending last, otherwise in source order.
    let mut functions = items(functions);
    functions.sort_by_key(|item| function_rank(&declared_name(item).unwrap_or_default()));
    for item in functions {
        sections[section_of(&item)].push(item);
    }
    let mut out = String::from(preamble);
    out.push_str("\n\n");
    out.push_str(open);
    for (i, (section, items)) in SECTIONS.iter().zip(&sections).enumerate() {
        out.push('\n');
        out.push_str(&banner(i + 1, section.title, section.intro));
        for item in items {
            out.push('\n');
            out.push_str(item);
            out.push('\n');
        }
        out.push_str("\n/** @} */\n");
    }
    out.push('\n');
    out.push_str(close);
    out.push_str(tail);
    out
}
