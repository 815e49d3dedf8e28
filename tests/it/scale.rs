//! A session costs no thread: 10,000 sessions open in one process, kept
//! alive by the runtime's fixed few threads, each idle session sending one
//! ExtendSession per interval.

use std::time::{Duration, Instant};

use crate::common::*;
use mesh_status::*;

const SESSIONS: usize = 10_000;

fn library_threads() -> usize {
    threads_named("mesh-rt") + threads_named("mesh-callbacks")
}

#[test]
fn ten_thousand_sessions_keep_a_fixed_thread_count() {
    crate::common::process::own_process!(ten_thousand_sessions_keep_a_fixed_thread_count);
    // 10 s timeout: keep-alive every 5 s; 10,000 extensions per 5 s is easy
    // for the emulator even in a debug build on two cores, and the margin
    // holds while other work shares those cores (opening took 18 s once on
    // a machine loaded sevenfold, which a 4 s timeout did not survive).
    let emu = emulator(Duration::from_secs(10));
    let conn = connect(&emu.addr().to_string());
    let before = library_threads();
    let started = Instant::now();
    let conn_addr = conn as usize;
    let openers: Vec<_> = (0..4)
        .map(|_| {
            std::thread::spawn(move || {
                (0..SESSIONS / 4)
                    .map(|_| open(conn_addr as *mut mesh_connection) as usize)
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let sessions: Vec<usize> = openers
        .into_iter()
        .flat_map(|t| t.join().unwrap())
        .collect();
    let open_time = started.elapsed();
    assert_eq!(emu.open_sessions(), SESSIONS);
    let threads = library_threads();
    eprintln!(
        "{SESSIONS} sessions opened (4 threads) in {:.2} s; library threads {before} before, {threads} with them open; process threads {}",
        open_time.as_secs_f64(),
        thread_count()
    );
    // The runtime thread, at most two blocking threads, one callback thread.
    assert!(threads <= 5, "{threads} library threads");

    // Idle through three intervals: about one extension per session per
    // interval. Count in a window that starts after opening (opening itself
    // calls ExtendSession once per session to learn the timeout).
    let window_start = emu.calls("ExtendSession");
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(15));
    let window = t0.elapsed().as_secs_f64();
    let extends = emu.calls("ExtendSession") - window_start;
    let per_session_per_interval = extends as f64 / SESSIONS as f64 / (window / 5.0);
    eprintln!("{extends} extensions in {window:.2} s: {per_session_per_interval:.2} per session per interval");
    assert!(
        (0.8..=1.2).contains(&per_session_per_interval),
        "{per_session_per_interval:.2} extensions per session per interval"
    );
    assert_eq!(emu.open_sessions(), SESSIONS, "no session expired");
    assert_eq!(library_threads(), threads);

    let closers: Vec<_> = sessions
        .chunks(SESSIONS / 4)
        .map(|chunk| chunk.to_vec())
        .map(|chunk| {
            std::thread::spawn(move || {
                chunk
                    .into_iter()
                    .for_each(|s| check(mesh_session_close(s as *mut mesh_session), MESH_OK))
            })
        })
        .collect();
    closers.into_iter().for_each(|t| t.join().unwrap());
    assert_eq!(emu.open_sessions(), 0);
    check(mesh_connection_close(conn), MESH_OK);
}
