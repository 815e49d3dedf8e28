//! The C reference manual: Doxygen builds it from the committed header with
//! every warning an error (`docs/Doxyfile`: every parameter and return of
//! every function documented), and a real headless browser renders its
//! index and one function's entry.

use std::path::Path;
use std::process::Command;

use crate::common::root;
use crate::common::tools::{have, skip};

/// Builds the reference into `out`; Doxygen's complaints on failure.
fn build_reference(out: &Path) -> Result<(), String> {
    let config = std::fs::read_to_string(root().join("docs/Doxyfile")).unwrap();
    let config = format!("{config}\nOUTPUT_DIRECTORY = {}\n", out.display());
    let file = out.join("Doxyfile");
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(&file, config).unwrap();
    let run = Command::new("doxygen")
        .arg(&file)
        .current_dir(root())
        .output()
        .expect("run doxygen");
    let complaints = String::from_utf8_lossy(&run.stderr).into_owned();
    if run.status.success() && complaints.trim().is_empty() {
        Ok(())
    } else {
        Err(complaints)
    }
}

/// The page as a headless Chromium has it after rendering (its DOM).
fn rendered(page: &Path) -> String {
    let profile = tempdir("chromium-profile");
    let run = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    let _ = std::fs::remove_dir_all(&profile);
    assert!(
        run.status.success(),
        "chromium: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    String::from_utf8_lossy(&run.stdout).into_owned()
}

fn tempdir(what: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mesh-capi-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_reference_builds_without_a_warning_and_renders() {
    if !have("doxygen") {
        return skip("doxygen is not installed (apt-get install doxygen)");
    }
    let out = tempdir("reference");
    if let Err(complaints) = build_reference(&out) {
        let count = complaints.lines().count();
        let first: Vec<&str> = complaints.lines().take(30).collect();
        panic!(
            "doxygen: {count} warnings, the first:\n{}",
            first.join("\n")
        );
    }
    let html = out.join("html");
    let index = html.join("index.html");
    // The header's sections are Doxygen groups; time series is the 6th.
    let section = html.join("group__section6.html");
    assert!(
        index.exists() && section.exists(),
        "no HTML in {}",
        html.display()
    );
    if !have("chromium") {
        return skip("chromium is not installed (apt-get install chromium)");
    }
    let index_dom = rendered(&index);
    assert!(
        index_dom.contains("mesh-capi C reference"),
        "the index did not render:\n{index_dom}"
    );
    let page = rendered(&section);
    assert!(
        page.contains("6. Time series"),
        "the section's title did not render"
    );
    // One function's entry, with its parameters and return documented.
    let entry = page
        .find("mesh_timeseries_read_by_key()")
        .map(|at| &page[at..])
        .expect("mesh_timeseries_read_by_key on its section's page");
    for part in ["Parameters", "session", "start_ms", "Returns", "MESH_OK"] {
        assert!(entry.contains(part), "its entry lacks {part}");
    }
    let _ = std::fs::remove_dir_all(&out);
}
