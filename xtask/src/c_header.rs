//! Reads `include/mesh_capi.h` as cbindgen writes it: function prototypes,
//! callback typedefs, enums, structs and macros. The host bindings are
//! generated from it (`xtask`) and checked against it
//! (`tests/it/bindings_*.rs`, `tests/it/windows.rs`), so the header stays their
//! one source and a new C function reaches every binding mechanically.
#![allow(dead_code)]

use std::path::Path;

/// A C type as the header spells it: `const struct mesh_options *` is base
/// `mesh_options`, const, one pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CType {
    pub base: String,
    pub is_const: bool,
    pub pointers: usize,
    /// Spelled with `struct` (`struct mesh_session *`).
    pub is_struct: bool,
}

impl CType {
    fn parse(text: &str) -> CType {
        let spaced = text.replace('*', " * ");
        let mut ty = CType {
            base: String::new(),
            is_const: false,
            pointers: 0,
            is_struct: false,
        };
        for token in spaced.split_whitespace() {
            match token {
                "const" => ty.is_const = true,
                "struct" => ty.is_struct = true,
                "enum" => {}
                "*" => ty.pointers += 1,
                name => ty.base = name.to_string(),
            }
        }
        ty
    }

    pub fn is_void(&self) -> bool {
        self.base == "void" && self.pointers == 0
    }

    /// How C writes it, normalised (`const struct mesh_point_list *`).
    pub fn spelled(&self) -> String {
        let mut s = String::new();
        if self.is_const {
            s.push_str("const ");
        }
        if self.is_struct {
            s.push_str("struct ");
        }
        s.push_str(&self.base);
        if self.pointers > 0 {
            s.push(' ');
            s.push_str(&"*".repeat(self.pointers));
        }
        s
    }
}

#[derive(Clone, Debug)]
pub struct Param {
    pub ty: CType,
    pub name: String,
}

impl Param {
    /// An out-parameter by the header's naming convention (`out`,
    /// `out_count`, `len_out`, `expires_in_ms_out`): a pointer the function
    /// writes one value through.
    pub fn is_out(&self) -> bool {
        self.ty.pointers > 0
            && (self.name == "out" || self.name.starts_with("out_") || self.name.ends_with("_out"))
    }
}

#[derive(Clone, Debug)]
pub struct Function {
    pub name: String,
    pub ret: CType,
    pub params: Vec<Param>,
    /// The `//` comment lines above it, without the slashes.
    pub doc: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    pub constants: Vec<(String, i64)>,
    pub doc: Vec<String>,
}

/// The value of a `MESH_*` constant macro.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstValue {
    Int(i64),
    Text(String),
}

/// A `#define MESH_...` with a value: an integer (`65536`, `-1`, `(4 * 1024)`
/// is not one, `INT64_MIN` is) or a string literal.
#[derive(Clone, Debug)]
pub struct Constant {
    pub name: String,
    pub value: ConstValue,
    /// The `//` comment lines above it, without the slashes.
    pub doc: Vec<String>,
}

impl Constant {
    /// `Some(value)` when it is an integer that fits in 32 bits.
    pub fn int32(&self) -> Option<i32> {
        match self.value {
            ConstValue::Int(v) => i32::try_from(v).ok(),
            ConstValue::Text(_) => None,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Header {
    pub functions: Vec<Function>,
    /// Function pointer typedefs (`mesh_expired_callback`), as functions.
    pub callbacks: Vec<Function>,
    pub enums: Vec<Enum>,
    /// Opaque typedef'd structs (`mesh_session`) and full ones (`ArrowSchema`).
    pub structs: Vec<String>,
    pub opaque_structs: Vec<String>,
    /// `#define` names with their replacement text.
    pub macros: Vec<(String, String)>,
    /// The `MESH_*` macros whose value is a number or a string, in order.
    pub constants: Vec<Constant>,
    /// Every other typedef name.
    pub typedefs: Vec<String>,
}

impl Header {
    pub fn read(path: &Path) -> Header {
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Header::parse(&text)
    }

    /// The committed header of this repository.
    pub fn committed() -> Header {
        Header::read(&crate::root().join("include/mesh_capi.h"))
    }

    pub fn parse(text: &str) -> Header {
        let mut header = Header::default();
        let mut doc: Vec<String> = Vec::new();
        let mut statement = String::new();
        let mut depth = 0i32;
        // Nesting of #if blocks, and whether each one is C++-only.
        let mut conditions: Vec<bool> = Vec::new();
        let mut in_block_comment = false;
        for raw in text.lines() {
            let line = raw.trim();
            if in_block_comment {
                if line.contains("*/") {
                    in_block_comment = false;
                }
                continue;
            }
            if line.starts_with("/*") {
                in_block_comment = !line.contains("*/");
                continue;
            }
            if let Some(directive) = line.strip_prefix('#') {
                let directive = directive.trim_start();
                if directive.starts_with("if") {
                    conditions.push(directive.contains("__cplusplus"));
                } else if directive.starts_with("endif") {
                    conditions.pop();
                } else if let Some(rest) = directive.strip_prefix("define") {
                    let rest = rest.trim();
                    let (name, value) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                    let value = value.trim();
                    let doc = std::mem::take(&mut doc);
                    if let Some(value) = name
                        .starts_with("MESH_")
                        .then(|| constant_value(value))
                        .flatten()
                    {
                        header.constants.push(Constant {
                            name: name.to_string(),
                            value,
                            doc,
                        });
                    }
                    header.macros.push((name.to_string(), value.to_string()));
                }
                continue;
            }
            if conditions.iter().any(|cpp| *cpp) {
                continue;
            }
            if let Some(comment) = line.strip_prefix("///").or_else(|| line.strip_prefix("//")) {
                if depth == 0 && statement.trim().is_empty() {
                    doc.push(comment.strip_prefix(' ').unwrap_or(comment).to_string());
                }
                continue;
            }
            // Comments after code inside struct bodies.
            let code = line.split("//").next().unwrap_or("");
            if code.is_empty() {
                if depth == 0 && statement.trim().is_empty() {
                    doc.clear();
                }
                continue;
            }
            for ch in code.chars() {
                match ch {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                if ch == ';' && depth == 0 {
                    header.statement(statement.trim(), std::mem::take(&mut doc));
                    statement.clear();
                } else {
                    statement.push(ch);
                }
            }
            statement.push(' ');
        }
        assert!(
            statement.trim().is_empty(),
            "unterminated declaration at the end of the header: {statement}"
        );
        header
    }

    fn statement(&mut self, text: &str, doc: Vec<String>) {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if let Some(rest) = text.strip_prefix("typedef enum ") {
            let open = rest.find('{').expect("enum body");
            let close = rest.rfind('}').expect("enum body end");
            let name = rest[close + 1..].trim().to_string();
            let mut constants = Vec::new();
            let mut next = 0i64;
            for item in rest[open + 1..close].split(',') {
                let item = item.trim();
                if item.is_empty() {
                    continue;
                }
                let (constant, value) = match item.split_once('=') {
                    Some((c, v)) => (c.trim(), parse_int(v.trim())),
                    None => (item, next),
                };
                constants.push((constant.to_string(), value));
                next = value + 1;
            }
            self.enums.push(Enum {
                name,
                constants,
                doc,
            });
        } else if let Some(rest) = text.strip_prefix("typedef struct ") {
            let name = rest.split_whitespace().last().unwrap_or("").to_string();
            self.opaque_structs.push(name.clone());
            self.structs.push(name);
        } else if let Some(rest) = text.strip_prefix("typedef ") {
            if let Some(star) = rest.find("(*") {
                let name_end = rest[star..].find(')').expect("typedef name") + star;
                let name = rest[star + 2..name_end].trim().to_string();
                let params = rest[name_end + 1..].trim();
                let params = params
                    .strip_prefix('(')
                    .and_then(|p| p.strip_suffix(')'))
                    .expect("callback parameters");
                self.callbacks.push(Function {
                    name: name.clone(),
                    ret: CType::parse(&rest[..star]),
                    params: parse_params(params),
                    doc,
                });
                self.typedefs.push(name);
            } else {
                let name = rest.split_whitespace().last().unwrap_or("").to_string();
                self.typedefs.push(name);
            }
        } else if let Some(rest) = text.strip_prefix("struct ") {
            let name = rest.split_whitespace().next().unwrap_or("").to_string();
            self.structs.push(name);
        } else {
            let open = text
                .find('(')
                .unwrap_or_else(|| panic!("not understood: {text}"));
            assert!(text.ends_with(')'), "not a prototype: {text}");
            let before = text[..open].trim();
            let name_at = before.rfind([' ', '*']).map_or(0, |i| i + 1);
            let params = &text[open + 1..text.len() - 1];
            assert!(
                !params.contains('('),
                "a function pointer parameter must use a typedef: {text}"
            );
            self.functions.push(Function {
                name: before[name_at..].to_string(),
                ret: CType::parse(&before[..name_at]),
                params: parse_params(params),
                doc,
            });
        }
    }

    pub fn function(&self, name: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.name == name)
    }

    pub fn is_callback(&self, ty: &CType) -> bool {
        ty.pointers == 0 && self.callbacks.iter().any(|c| c.name == ty.base)
    }

    pub fn is_enum(&self, ty: &CType) -> bool {
        ty.pointers == 0 && self.enums.iter().any(|e| e.name == ty.base)
    }

    /// The function that frees or closes a handle of opaque type `name`
    /// (`mesh_session_close`, `mesh_point_list_free`), if there is one.
    pub fn destructor(&self, name: &str) -> Option<&Function> {
        ["close", "free"].iter().find_map(|verb| {
            self.function(&format!("{name}_{verb}"))
                .filter(|f| f.params.len() == 1 && f.params[0].ty.base == name)
        })
    }

    /// Every function that ends a handle's life: its destructor and
    /// `mesh_session_detach`-like calls (`*_detach`).
    pub fn is_destructor(&self, f: &Function) -> bool {
        f.params.len() == 1
            && self.opaque_structs.contains(&f.params[0].ty.base)
            && ["_close", "_free", "_detach"]
                .iter()
                .any(|suffix| f.name == format!("{}{suffix}", f.params[0].ty.base))
    }
}

fn parse_params(text: &str) -> Vec<Param> {
    let text = text.trim();
    if text.is_empty() || text == "void" {
        return Vec::new();
    }
    text.split(',')
        .map(|p| {
            let p = p.trim();
            let name_at = p
                .rfind([' ', '*'])
                .map(|i| i + 1)
                .unwrap_or_else(|| panic!("unnamed parameter: {p}"));
            Param {
                ty: CType::parse(&p[..name_at]),
                name: p[name_at..].to_string(),
            }
        })
        .collect()
}

/// A macro's value as a constant: a decimal or hex integer, `INT64_MIN`,
/// `INT64_MAX`, or a string literal without escapes; None otherwise.
fn constant_value(text: &str) -> Option<ConstValue> {
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return (!inner.contains(['"', '\\'])).then(|| ConstValue::Text(inner.to_string()));
    }
    let text = text.trim_start_matches('(').trim_end_matches(')');
    let value = match text {
        "INT64_MIN" => i64::MIN,
        "INT64_MAX" => i64::MAX,
        _ => match text.strip_prefix("0x") {
            Some(hex) => i64::from_str_radix(hex, 16).ok()?,
            None => text.parse().ok()?,
        },
    };
    Some(ConstValue::Int(value))
}

fn parse_int(text: &str) -> i64 {
    let text = text.trim_start_matches('(').trim_end_matches(')');
    if let Some(hex) = text.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).expect("hex constant")
    } else {
        text.parse().unwrap_or_else(|_| panic!("enum value {text}"))
    }
}

/// Bytes an argument of this type takes on the 32-bit x86 stack, which is
/// what a stdcall function pops (`ret N`) and what 32-bit VBA pushes.
pub fn i686_stack_bytes(header: &Header, ty: &CType) -> usize {
    if ty.pointers > 0 || header.is_callback(ty) || header.is_enum(ty) {
        return 4;
    }
    match ty.base.as_str() {
        "int64_t" | "uint64_t" | "double" => 8,
        "int32_t" | "uint32_t" | "size_t" | "int" | "unsigned" | "float" | "int16_t"
        | "uint16_t" | "int8_t" | "uint8_t" | "char" => 4,
        other => panic!("no i686 stack size known for C type {other}"),
    }
}

pub fn i686_arg_bytes(header: &Header, f: &Function) -> usize {
    f.params
        .iter()
        .map(|p| i686_stack_bytes(header, &p.ty))
        .sum()
}

/// The name under which the 32-bit Windows DLL exports the stdcall twin of
/// `name` (see `src/ffi/stdcall.rs`).
pub fn stdcall_name(name: &str) -> String {
    format!("{name}_stdcall")
}
