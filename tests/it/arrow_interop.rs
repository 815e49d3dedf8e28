//! Arrow interoperability: the golden streams pyarrow writes (nullable
//! fields, as the official client's) decode exactly; pyarrow reads the
//! library's streams; the Arrow C Data Interface export imports in pyarrow
//! (where installed) and arrow-rs, with Mesh's schema.

use std::mem::MaybeUninit;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::ptr;

use crate::common::points::*;
use crate::common::tools;
use crate::common::*;
use arrow_array::ffi::{FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::{Array, Float64Array, StructArray, TimestampMillisecondArray, UInt32Array};
use mesh_capi::client::{points_schema, ErrorKind, Points};
use mesh_status::*;

/// The golden streams written by pyarrow (`tests/vectors/README.md` says
/// what each holds).
fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[test]
fn golden_vectors_decode_exactly() {
    let dir = vectors_dir();
    let decode = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let p = Points::from_arrow_stream(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        Cols::new(
            p.timestamps().to_vec(),
            p.flags().to_vec(),
            p.values().to_vec(),
        )
    };
    let three = decode("points_3.arrows");
    assert_eq!(
        three.t,
        [1_735_689_600_000, 1_735_693_200_000, 1_735_696_800_000]
    );
    assert_eq!(three.f, [0, MISSING, SUSPECT]);
    let v = three.values();
    assert_eq!(v[0].to_bits(), 1.5f64.to_bits());
    assert!(v[1].is_nan());
    assert_eq!(v[2].to_bits(), (-2.25f64).to_bits());

    let four = decode("points_2_batches.arrows");
    assert_eq!(four.t[..3], three.t[..]);
    assert_eq!(four.f[..3], three.f[..]);
    assert_eq!(four.v[..3], three.v[..]);
    assert_eq!(four.t[3], 1_735_700_400_000);
    assert_eq!(four.f[3], NOT_OK);
    assert_eq!(four.v[3], 1e300f64.to_bits());
    assert_eq!(four.len(), 4);

    assert_eq!(decode("points_empty.arrows"), Cols::default());
    // As the official client writes a delete: no bytes at all.
    assert_eq!(
        Points::from_arrow_stream(&[]).unwrap(),
        Points::default(),
        "zero bytes"
    );
    assert_eq!(decode("points_empty_batch.arrows"), Cols::default());

    // Each vector cut short is an error, never a panic.
    for name in ["points_3.arrows", "points_2_batches.arrows"] {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        for cut in (1..bytes.len()).step_by(13) {
            if let Err(e) = Points::from_arrow_stream(&bytes[..cut]) {
                assert_eq!(e.kind(), ErrorKind::Server);
            }
        }
    }
}

/// `python3` with pyarrow, or why not.
fn pyarrow() -> Result<(), String> {
    match Command::new("python3")
        .args(["-c", "import pyarrow"])
        .output()
    {
        Err(e) => Err(format!("python3 not runnable: {e}")),
        Ok(out) if !out.status.success() => Err("pyarrow not installed".to_string()),
        Ok(_) => Ok(()),
    }
}

fn run_python(script: &str, args: &[&str]) -> String {
    let dir = std::env::temp_dir().join(format!("mesh-capi-ts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("script-{}.py", args.len()));
    std::fs::write(&path, script).unwrap();
    let out = Command::new("python3")
        .arg(&path)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sample() -> Cols {
    Cols::new(
        vec![T0, T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR],
        vec![0, MISSING, SUSPECT, NOT_OK],
        vec![1.5, f64::from_bits(0x7ff8_0000_0000_0bad), -2.25, 1e300],
    )
}

/// What the Python scripts print for a table: types, then columns with the
/// values as 16 hex digits of their bits.
fn expected_python_lines(cols: &Cols) -> String {
    let t: Vec<String> = cols.t.iter().map(|x| x.to_string()).collect();
    let f: Vec<String> = cols.f.iter().map(|x| x.to_string()).collect();
    let v: Vec<String> = cols.v.iter().map(|x| format!("{x:016x}")).collect();
    format!(
        "utc_time timestamp[ms] flags uint32 value double\n{}\n{}\n{}\n",
        t.join(" "),
        f.join(" "),
        v.join(" ")
    )
}

const PY_PRINT: &str = r#"
import struct
def show(utc_time, flags, value):
    print("utc_time", utc_time.type, "flags", flags.type, "value", value.type)
    print(" ".join(str(x) for x in utc_time.cast("int64").to_pylist()))
    print(" ".join(str(x) for x in flags.to_pylist()))
    raw = value.buffers()[1].to_pybytes()[value.offset * 8:(value.offset + len(value)) * 8]
    print(" ".join("%016x" % struct.unpack("<Q", raw[i:i + 8])[0] for i in range(0, len(raw), 8)))
"#;

#[test]
fn pyarrow_reads_the_library_arrow_stream() {
    if let Err(why) = pyarrow() {
        return tools::skip(&format!(
            "{why}: the library's Arrow stream was not checked with pyarrow"
        ));
    }
    let cols = sample();
    let points = Points::new(cols.t.clone(), cols.f.clone(), cols.values()).unwrap();
    let dir = std::env::temp_dir().join(format!("mesh-capi-ts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("points.arrows");
    std::fs::write(&file, points.to_arrow_stream().unwrap()).unwrap();
    let script = format!(
        "{PY_PRINT}
import sys
import pyarrow as pa
table = pa.ipc.open_stream(open(sys.argv[1], 'rb').read()).read_all().combine_chunks()
assert table.schema == pa.schema([pa.field('utc_time', pa.timestamp('ms')), pa.field('flags', pa.uint32()), pa.field('value', pa.float64())]), table.schema
assert all(f.nullable for f in table.schema), table.schema
show(*[table.column(i).chunk(0) for i in range(3)])
"
    );
    let out = run_python(&script, &[file.to_str().unwrap()]);
    assert_eq!(out, expected_python_lines(&cols));
}

#[test]
fn pyarrow_imports_the_c_data_interface_export() {
    if let Err(why) = pyarrow() {
        return tools::skip(&format!(
            "{why}: the Arrow C Data Interface export was not checked with pyarrow"
        ));
    }
    let lib = lib_dir().join("libmesh_capi.so");
    let emu = ts_emulator(MINUTES_5);
    // Python loads the library, writes and reads through the C API, exports
    // through the C Data Interface into structs it allocated, frees the
    // points, and imports the export with pyarrow.
    let script = format!(
        "{PY_PRINT}
import ctypes, sys
import pyarrow as pa
lib = ctypes.CDLL(sys.argv[1])
P = ctypes.c_void_p
lib.mesh_connection_open.argtypes = [ctypes.c_char_p, P, ctypes.POINTER(P)]
lib.mesh_session_open.argtypes = [P, ctypes.POINTER(P)]
lib.mesh_timeseries_write_by_key.argtypes = [P, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, P, P, P, ctypes.c_size_t]
lib.mesh_timeseries_read_by_key.argtypes = [P, ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, ctypes.POINTER(P)]
lib.mesh_point_list_export_arrow.argtypes = [P, P, P]
lib.mesh_point_list_free.argtypes = [P]
lib.mesh_session_close.argtypes = [P]
lib.mesh_connection_close.argtypes = [P]
lib.mesh_last_error_message.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
def ok(status, what):
    if status != 0:
        buf = ctypes.create_string_buffer(1024)
        lib.mesh_last_error_message(buf, 1024)
        sys.exit('%s: status %d: %s' % (what, status, buf.value.decode()))
conn, session, points = P(), P(), P()
ok(lib.mesh_connection_open(sys.argv[2].encode(), None, ctypes.byref(conn)), 'connect')
ok(lib.mesh_session_open(conn, ctypes.byref(session)), 'open')
key, start, end = {KEY}, {T0}, {T0} + 4 * {HOUR}
t = (ctypes.c_int64 * 4)(*[int(x) for x in sys.argv[3].split(',')])
f = (ctypes.c_uint32 * 4)(*[int(x) for x in sys.argv[4].split(',')])
v = (ctypes.c_uint64 * 4)(*[int(x, 16) for x in sys.argv[5].split(',')])
ok(lib.mesh_timeseries_write_by_key(session, key, start, end, ctypes.addressof(t), ctypes.addressof(f), ctypes.addressof(v), 4), 'write')
ok(lib.mesh_timeseries_read_by_key(session, key, start, end, ctypes.byref(points)), 'read')
schema = (ctypes.c_int64 * 16)()
array = (ctypes.c_int64 * 16)()
ok(lib.mesh_point_list_export_arrow(points, ctypes.addressof(schema), ctypes.addressof(array)), 'export')
# The export keeps the points alive by itself.
ok(lib.mesh_point_list_free(points), 'free')
imported = pa.Array._import_from_c(ctypes.addressof(array), ctypes.addressof(schema))
# Mesh's schema, as the official client declares it: every field nullable.
assert imported.type == pa.struct([pa.field('utc_time', pa.timestamp('ms')), pa.field('flags', pa.uint32()), pa.field('value', pa.float64())]), imported.type
assert all(imported.type.field(i).nullable for i in range(3)), imported.type
show(imported.field('utc_time'), imported.field('flags'), imported.field('value'))
del imported
ok(lib.mesh_session_close(session), 'close')
ok(lib.mesh_connection_close(conn), 'connection close')
ok(lib.mesh_library_shutdown(), 'shutdown')
"
    );
    let cols = sample();
    let join = |items: Vec<String>| items.join(",");
    let out = run_python(
        &script,
        &[
            lib.to_str().unwrap(),
            &emu.addr().to_string(),
            &join(cols.t.iter().map(|x| x.to_string()).collect()),
            &join(cols.f.iter().map(|x| x.to_string()).collect()),
            &join(cols.v.iter().map(|x| format!("{x:x}")).collect()),
        ],
    );
    assert_eq!(out, expected_python_lines(&cols));
}

#[test]
fn the_c_data_interface_export_imports_in_arrow_rs() {
    // The same export checked without Python, by arrow-rs's importer.
    let emu = ts_emulator(MINUTES_5);
    let conn = connect(&emu.addr().to_string());
    let session = open(conn);
    let cols = sample();
    write_ok(session, KEY, T0, T0 + 4 * HOUR, &cols);
    let mut points = ptr::null_mut();
    check(
        unsafe { mesh_timeseries_read_by_key(session, KEY, T0, T0 + 4 * HOUR, &mut points) },
        MESH_OK,
    );
    let mut schema = MaybeUninit::<FFI_ArrowSchema>::uninit();
    let mut array = MaybeUninit::<FFI_ArrowArray>::uninit();
    check(
        unsafe { mesh_point_list_export_arrow(points, ptr::null_mut(), array.as_mut_ptr()) },
        MESH_ERROR_INVALID_ARGUMENT,
    );
    check(
        unsafe { mesh_point_list_export_arrow(points, schema.as_mut_ptr(), array.as_mut_ptr()) },
        MESH_OK,
    );
    check(mesh_point_list_free(points), MESH_OK);
    let (schema, array) = unsafe { (schema.assume_init(), array.assume_init()) };
    let data = unsafe { arrow_array::ffi::from_ffi(array, &schema) }.unwrap();
    let imported = StructArray::from(data);
    assert_eq!(imported.len(), 4);
    let column = |name: &str| imported.column_by_name(name).unwrap().clone();
    let t = column("utc_time");
    let t = t
        .as_any()
        .downcast_ref::<TimestampMillisecondArray>()
        .unwrap();
    let f = column("flags");
    let f = f.as_any().downcast_ref::<UInt32Array>().unwrap();
    let v = column("value");
    let v = v.as_any().downcast_ref::<Float64Array>().unwrap();
    let got = Cols::new(
        t.values().to_vec(),
        f.values().to_vec(),
        v.values().to_vec(),
    );
    assert_eq!(got, cols);
    check(mesh_session_close(session), MESH_OK);
    check(mesh_connection_close(conn), MESH_OK);
}

#[test]
fn the_golden_vectors_have_meshs_nullable_schema() {
    // pyarrow declares fields nullable unless told otherwise, and so do
    // Mesh and its official client; the library decodes and writes that
    // schema (the non-null form decodes too, see the unit tests).
    for name in [
        "points_3.arrows",
        "points_2_batches.arrows",
        "points_empty.arrows",
        "points_empty_batch.arrows",
    ] {
        let bytes = std::fs::read(vectors_dir().join(name)).unwrap();
        let reader =
            arrow_ipc::reader::StreamReader::try_new(std::io::Cursor::new(bytes), None).unwrap();
        assert_eq!(reader.schema(), points_schema(), "{name}");
    }
}
