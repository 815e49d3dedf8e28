//! `fork()` while the library is in use, from a C host: in each child every
//! call fails at once with `MESH_ERROR_FORKED`, and the parent, using its
//! session all along, is unaffected. Several rounds, since a child that
//! touched the shared connection state could break the parent only some of
//! the time.

use std::time::Duration;

use crate::common::{build, emulator, run, stdout};

#[test]
fn children_fail_fast_and_the_parent_carries_on() {
    let emu = emulator(Duration::from_secs(300));
    let exe = build("tests/c/fork.c");
    let out = run(&exe, &[&emu.addr().to_string(), "6"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("6 rounds, 0 failures"), "{text}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The parent's sessions (one kept, one a round) were all closed.
    assert_eq!(emu.open_sessions(), 0);
    assert_eq!(emu.calls("StartSession"), 7);
}
