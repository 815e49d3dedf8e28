//! What the C examples in `examples-c/` print, checked alike where they run
//! natively (`c_programs.rs`) and under Wine (`windows.rs`).

use std::process::Output;

/// `model.c`: a walk, a search, an object's attributes and two sessions'
/// isolation, on the emulator's default model.
pub const MODEL_PRINTS: &[&str] = &[
    "2 models:",
    "  SimpleThermalTestModel (SimpleThermalTestRepository)",
    "      SomePowerPlant1 (PlantElementType)",
    "        SomePowerPlantChimney1 (ChimneyElementType)",
    "        SomePowerPlantChimney2 (ChimneyElementType)",
    "search *[.Type=ChimneyElementType] from Model/SimpleThermalTestModel/ThermalComponent: 2 objects",
    "SomePowerPlant1.PlantToChimneyRef/SomePowerPlantChimney2\n",
    "  DblAtt                           double = 1000\n",
    "  BoolArrayAtt                     bool collection = false, true, false, true, false\n",
    "  UtcDateTimeAtt                   UTC time = 2022-05-10T07:24:15Z\n",
    // A connected series by its path, whatever key Mesh reports for it.
    "  TsRawAtt                         time series -> Resource/SimpleThermalTestResourceCatalog/plantTimeSeriesRaw\n",
    "  VtsAtt                           time series -> Resource/SimpleThermalTestResourceCatalog/simpleVtsTimeseries (key 4)\n",
    "  TsAttWithoutResource             time series, no resource connected\n",
    "first session reads DblAtt = 1234.5\n",
    "second session before commit reads DblAtt = 1000\n",
    "second session after commit reads DblAtt = 1234.5\n",
];

/// `calculations.c`: daily sums two ways, a calculated attribute and an
/// expression, on the emulator's default data.
pub const CALCULATIONS_PRINTS: &[&str] = &[
    "daily sums of Resource/Demo/Inflow, calculated (@TRANSFORM): 7 days\n",
    "daily sums of Resource/Demo/Inflow, transformed read by key: 2 days\n",
    "  2025-01-01 00:00 ",
    "  2025-01-07 00:00 ",
    "SomePowerPlant1.TsCalcAtt (calculated when read):\n",
    "  2016-01-01 01:00    1001.000\n",
    "  2016-01-01 09:00    1009.000\n",
    "sum of SomePowerPlant1.TsRawAtt = 41\n",
    "running ## = @t('.TsRawAtt') * 2 + @d('.DblAtt')\n",
    "  2016-01-01 03:00    1006.000\n",
    "done\n",
];

/// `availability.c`: a plant's weekly outage created and committed, its
/// instances in October 2024 (weeks counted in UTC, as the emulator does:
/// 06:00 UTC also after the end of summer time on 27 October), the
/// revision found by a search and read by id, then deleted.
pub const AVAILABILITY_PRINTS: &[&str] = &[
    "created revision weekly-maintenance of Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1 (object 0000000a-0001-0000-0000-000000000000)\n",
    "added recurrence 0: 2024-10-07 06:00 to 2024-10-07 14:00 UTC, weekly until 2025-01-01 00:00\n",
    "committed\n",
    "out of service in October 2024: 4 times\n  2024-10-07 06:00 to 2024-10-07 14:00 UTC\n  2024-10-14 06:00 to 2024-10-14 14:00 UTC\n  2024-10-21 06:00 to 2024-10-21 14:00 UTC\n  2024-10-28 06:00 to 2024-10-28 14:00 UTC\n",
    "search: 1 revision of Model/SimpleThermalTestModel/ThermalComponent/SomePowerPlant1\n  revision weekly-maintenance (local id WO-4711): \"turbine inspection\", 1 recurrence\n    Planned, weekly every 1 until 2025-01-01 00:00, first 2024-10-07 06:00 to 2024-10-07 14:00 UTC\n",
    "read weekly-maintenance by id:\n  revision weekly-maintenance (local id WO-4711): \"turbine inspection\", 1 recurrence\n    Planned, weekly every 1 until 2025-01-01 00:00, first 2024-10-07 06:00 to 2024-10-07 14:00 UTC\n",
    "deleted weekly-maintenance and committed: 0 revisions left\n",
];

/// The token and the name `tls_token.c` is run with: the TLS emulator
/// (`bindings::tls_emulator`) is to accept this token for this user.
pub const TLS_TOKEN: &str = "demo-token";
pub const TLS_USER: &str = "Demo User";

/// Runs `tls_token.c` (through `run`, given its arguments) against a TLS
/// emulator at `address` (`https://...`) whose certificate names
/// mesh.example, trusting the root certificate file `root`: it connects
/// with the token, is refused with another, and fails the certificate check
/// without the server name override.
pub fn check_tls_token(run: impl Fn(&[&str]) -> Output, address: &str, root: &str) {
    let out = run(&[address, root, TLS_TOKEN, "mesh.example"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("connected over TLS as {TLS_USER}")),
        "{text}"
    );
    assert!(text.contains("closed"), "{text}");
    let out = run(&[address, root, "wrong-token", "mesh.example"]);
    assert_eq!(out.status.code(), Some(9), "MESH_ERROR_UNAUTHENTICATED");
    let out = run(&[address, root, TLS_TOKEN]);
    assert_eq!(out.status.code(), Some(12), "MESH_ERROR_TLS: name mismatch");
}

/// Asserts `text` (a program's stdout, line ends as on Linux) holds each of
/// `expected`.
#[track_caller]
pub fn assert_prints(text: &str, expected: &[&str]) {
    for line in expected {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
}
