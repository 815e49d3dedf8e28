//! `bindings/dotnet/MeshCapi.Native.g.cs`: the P/Invoke layer of the .NET
//! binding, one `DllImport` per header function, the enums, the callback
//! delegates and a `SafeHandle` per handle type that has a destructor.
//!
//! Rules, the same for every function so that a new one needs no thought:
//! statuses are `MeshStatus`; library-owned text (`const char *` returned) is
//! `IntPtr`, never `string` (the marshaler would free it); text in is
//! `byte[]` holding NUL-terminated UTF-8 (an array of strings is `IntPtr[]`
//! the wrapper fills) and text out a `byte[]` buffer, so no runtime's
//! default string encoding is ever involved; `size_t` is `UIntPtr`; handles are `SafeHandle`s, except in their destructors, which
//! `ReleaseHandle` calls with the raw value, and borrowed handles written
//! out (the doc says "a borrow"), which are `out IntPtr` for the wrapper to
//! put in a non-owning `SafeHandle`; out-parameters are `out`;
//! other pointers to numbers are arrays; everything is `Cdecl`. The
//! header's `MESH_*` constants become typed enums by the families listed in
//! `CONSTANT_GROUPS` (`MeshCurve`, `MeshResolution`, `[Flags] MeshFlags`),
//! and the other constants are members of `MeshConstants`.

use super::{constant_group, pascal_case, CONSTANT_GROUPS};
use crate::c_header::{CType, ConstValue, Constant, Function, Header, Param};

/// `mesh_connection` -> `ConnectionHandle`.
pub fn handle_class(opaque: &str) -> String {
    format!(
        "{}Handle",
        pascal_case(opaque.strip_prefix("mesh_").unwrap_or(opaque))
    )
}

/// `mesh_expired_callback` -> `MeshExpiredCallback`.
pub fn delegate_name(callback: &str) -> String {
    pascal_case(callback)
}

/// `mesh_status` -> `MeshStatus`.
pub fn enum_name(name: &str) -> String {
    pascal_case(name)
}

fn number(base: &str) -> Option<&'static str> {
    Some(match base {
        "int64_t" => "long",
        "uint64_t" => "ulong",
        "int32_t" => "int",
        "uint32_t" => "uint",
        "int16_t" => "short",
        "uint16_t" => "ushort",
        "int8_t" => "sbyte",
        "uint8_t" => "byte",
        "double" => "double",
        "float" => "float",
        "size_t" => "UIntPtr",
        _ => return None,
    })
}

fn value_type(header: &Header, ty: &CType) -> String {
    if let Some(n) = number(&ty.base) {
        return n.to_string();
    }
    if header.is_enum(ty) {
        return enum_name(&ty.base);
    }
    if header.is_callback(ty) {
        return delegate_name(&ty.base);
    }
    panic!("no .NET type for C type {}", ty.spelled());
}

fn has_handle(header: &Header, base: &str) -> bool {
    header.opaque_structs.iter().any(|s| s == base) && header.destructor(base).is_some()
}

fn param_type(header: &Header, f: &Function, p: &Param) -> String {
    let ty = &p.ty;
    if ty.pointers == 0 {
        return value_type(header, ty);
    }
    if ty.base == "char" && ty.pointers == 1 {
        return "byte[]".to_string();
    }
    if ty.base == "char" && ty.pointers == 2 && !p.is_out() {
        // An array of strings: pointers to NUL-terminated UTF-8 the wrapper
        // allocates (Marshal.AllocHGlobal) and frees after the call.
        return "IntPtr[]".to_string();
    }
    if ty.base == "void" && ty.pointers == 1 {
        return "IntPtr".to_string();
    }
    if has_handle(header, &ty.base) {
        return match ty.pointers {
            1 if header.is_destructor(f) => "IntPtr".to_string(),
            1 => handle_class(&ty.base),
            // A borrow (valid while its owner is) must never reach a
            // SafeHandle that frees it: the wrapper wraps it in a
            // non-owning handle (the class's IntPtr constructor).
            2 if p.is_out() && returns_borrow(f) => "out IntPtr".to_string(),
            2 if p.is_out() => format!("out {}", handle_class(&ty.base)),
            _ => panic!("no .NET type for {} {}", ty.spelled(), p.name),
        };
    }
    if header.structs.contains(&ty.base) {
        return "IntPtr".to_string();
    }
    if p.is_out() {
        return match ty.pointers {
            1 => format!(
                "out {}",
                value_type(
                    header,
                    &CType {
                        pointers: 0,
                        ..ty.clone()
                    }
                )
            ),
            // A pointer written out (`const int64_t **out`): read it with Marshal.
            _ => "out IntPtr".to_string(),
        };
    }
    match number(&ty.base) {
        Some(n) if ty.pointers == 1 => format!("{n}[]"),
        _ => panic!("no .NET type for {} {}", ty.spelled(), p.name),
    }
}

/// The function hands out a borrowed handle: its doc says "a borrow".
fn returns_borrow(f: &Function) -> bool {
    f.doc
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .contains("a borrow")
}

fn return_type(header: &Header, ty: &CType) -> String {
    if ty.is_void() {
        "void".to_string()
    } else if ty.pointers > 0 {
        "IntPtr".to_string()
    } else {
        value_type(header, ty)
    }
}

/// C# keywords a C parameter name may hit.
fn identifier(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "out",
        "ref",
        "in",
        "params",
        "object",
        "string",
        "base",
        "event",
        "fixed",
        "lock",
        "operator",
        "checked",
        "default",
        "delegate",
        "internal",
        "namespace",
        "readonly",
    ];
    if KEYWORDS.contains(&name) {
        format!("@{name}")
    } else {
        name.to_string()
    }
}

fn comment(doc: &[String], indent: &str) -> String {
    doc.iter()
        .map(|line| format!("{indent}// {line}").trim_end().to_string() + "\n")
        .collect()
}

pub fn generate(header: &Header) -> String {
    let mut out = String::from(
        "// The P/Invoke layer of the .NET binding of mesh_capi: every C function,\n\
         // enum and callback type of include/mesh_capi.h, and a SafeHandle per\n\
         // handle type. The classes in MeshCapi.cs build on it.\n\
         //\n\
         // Generated by xtask from include/mesh_capi.h; do not edit.\n\
         // Regenerate: cargo xtask generate\n\
         \n\
         using System;\n\
         using System.Runtime.InteropServices;\n\
         using Microsoft.Win32.SafeHandles;\n\
         \n\
         namespace MeshCapi\n{\n",
    );
    for e in &header.enums {
        let prefix = common_prefix(e.constants.iter().map(|(n, _)| n.as_str()));
        out.push_str(&comment(&e.doc, "    "));
        out.push_str(&format!("    public enum {}\n    {{\n", enum_name(&e.name)));
        for (constant, value) in &e.constants {
            out.push_str(&format!(
                "        {} = {value},\n",
                pascal_case(&constant[prefix..])
            ));
        }
        out.push_str("    }\n\n");
    }
    out.push_str(&constants(header));
    for c in &header.callbacks {
        let params: Vec<String> = c
            .params
            .iter()
            .map(|p| {
                let ty = if p.ty.pointers > 0 {
                    "IntPtr".to_string()
                } else {
                    value_type(header, &p.ty)
                };
                format!("{ty} {}", identifier(&p.name))
            })
            .collect();
        out.push_str(&comment(&c.doc, "    "));
        out.push_str(&format!(
            "    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]\n    \
             public delegate {} {}({});\n\n",
            return_type(header, &c.ret),
            delegate_name(&c.name),
            params.join(", ")
        ));
    }
    for s in &header.opaque_structs {
        let Some(destructor) = header.destructor(s) else {
            continue;
        };
        out.push_str(&format!(
            "    // A {s} handle, released with {d}.\n    \
             public sealed class {class} : SafeHandleZeroOrMinusOneIsInvalid\n    {{\n        \
             public {class}() : base(true) {{ }}\n\n        \
             // A borrowed handle, never freed here: its owner frees it.\n        \
             internal {class}(IntPtr borrowed) : base(false) {{ SetHandle(borrowed); }}\n\n        \
             // The handle is gone whatever the status (a handle made invalid by\n        \
             // mesh_library_shutdown gives MESH_ERROR_INVALID_HANDLE): nothing to retry.\n        \
             protected override bool ReleaseHandle()\n        {{\n            \
             Native.{d}(handle);\n            \
             return true;\n        }}\n    }}\n\n",
            class = handle_class(s),
            d = destructor.name,
        ));
    }
    out.push_str(
        "    internal static partial class Native\n    {\n        \
         // \"mesh_capi\" finds mesh_capi.dll on Windows and libmesh_capi.so on\n        \
         // Linux (LD_LIBRARY_PATH, or a <dllmap> on Mono).\n        \
         internal const string Library = \"mesh_capi\";\n",
    );
    for f in &header.functions {
        let params: Vec<String> = f
            .params
            .iter()
            .map(|p| format!("{} {}", param_type(header, f, p), identifier(&p.name)))
            .collect();
        out.push('\n');
        out.push_str(&comment(&f.doc, "        "));
        out.push_str(&format!(
            "        [DllImport(Library, CallingConvention = CallingConvention.Cdecl, ExactSpelling = true)]\n        \
             internal static extern {} {}({});\n",
            return_type(header, &f.ret),
            f.name,
            params.join(", ")
        ));
    }
    out.push_str("    }\n}\n");
    out
}

/// A C# literal of an integer constant.
fn literal(value: i64) -> String {
    match value {
        i64::MIN => "long.MinValue".to_string(),
        i64::MAX => "long.MaxValue".to_string(),
        v => v.to_string(),
    }
}

/// The enums of `CONSTANT_GROUPS` and the class `MeshConstants` holding the
/// other constants.
fn constants(header: &Header) -> String {
    let mut out = String::new();
    for (prefix, name, flags) in CONSTANT_GROUPS {
        let members: Vec<&Constant> = header
            .constants
            .iter()
            .filter(|c| constant_group(&c.name).is_some_and(|(p, _, _)| p == *prefix))
            .collect();
        if members.is_empty() {
            continue;
        }
        out.push_str(&format!("    // The {prefix}* constants of mesh_capi.h.\n"));
        if *flags {
            out.push_str("    [Flags]\n");
        }
        let base = if *flags { " : uint" } else { "" };
        out.push_str(&format!("    public enum {name}{base}\n    {{\n"));
        for c in members {
            let ConstValue::Int(value) = c.value else {
                panic!("{} is in an enum but is no number", c.name);
            };
            out.push_str(&comment(&c.doc, "        "));
            out.push_str(&format!(
                "        {} = {},\n",
                pascal_case(&c.name[prefix.len()..]),
                literal(value)
            ));
        }
        out.push_str("    }\n\n");
    }
    out.push_str(
        "    // The other MESH_* constants of mesh_capi.h (MESH_ACCESS_TOKEN_MAX_BYTES is\n    \
         // MeshConstants.MaxTokenBytes).\n    \
         public static class MeshConstants\n    {\n",
    );
    let mut first = true;
    for c in header
        .constants
        .iter()
        .filter(|c| constant_group(&c.name).is_none())
    {
        if !first && !c.doc.is_empty() {
            out.push('\n');
        }
        first = false;
        let (ty, value) = match &c.value {
            ConstValue::Int(v) if i32::try_from(*v).is_ok() => ("int", v.to_string()),
            ConstValue::Int(v) => ("long", literal(*v)),
            ConstValue::Text(t) => ("string", format!("\"{t}\"")),
        };
        out.push_str(&comment(&c.doc, "        "));
        out.push_str(&format!(
            "        public const {ty} {} = {value};\n",
            pascal_case(c.name.strip_prefix("MESH_").unwrap_or(&c.name))
        ));
    }
    out.push_str("    }\n\n");
    out
}

/// Length of the prefix all names share, up to an underscore.
fn common_prefix<'a>(mut names: impl Iterator<Item = &'a str>) -> usize {
    let Some(first) = names.next() else {
        return 0;
    };
    let mut len = first.len();
    for name in names {
        len = first
            .bytes()
            .zip(name.bytes())
            .take(len)
            .take_while(|(a, b)| a == b)
            .count();
    }
    first[..len].rfind('_').map_or(0, |i| i + 1)
}
