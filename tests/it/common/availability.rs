//! Helpers for the availability tests: the target the official SDK's tests
//! use, times written as UTC dates, thin wrappers that call the
//! availability functions as a C program would, and readers that copy an
//! event or an instance list out through every accessor (texts through the
//! two-call buffer protocol), so that a test compares plain Rust values
//! with the values it wrote out itself.

use std::ffi::{c_char, CString};
use std::ptr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::model::{text, utc_ms, COMPONENT, COMPONENT_ID};
use super::*;

/// The object the SDK's tests put their events on.
pub const TARGET: &str = COMPONENT;
/// Its id, as events name their owner.
pub const TARGET_ID: &str = COMPONENT_ID;

pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;
pub const WEEK: i64 = 7 * DAY;

/// Every RPC of the availability service, to count what reached the server.
pub const RPCS: [&str; 18] = [
    "CreateRevision",
    "CreateRestriction",
    "CreateAdvancedRestriction",
    "AddRevisionRecurrence",
    "SearchAvailabilityEvents",
    "GetAvailabilityEvent",
    "SearchInstances",
    "SearchAdvancedRestrictions",
    "GetAdvancedRestriction",
    "ListRevisionStatuses",
    "ListRestrictionStatuses",
    "ListAvailabilityCategories",
    "UpdateRevision",
    "UpdateRestriction",
    "DeleteRevisionRecurrence",
    "DeleteAvailabilityEventsById",
    "DeleteAvailabilityEvents",
    "DeleteAdvancedRestrictions",
];

/// Milliseconds since the Unix epoch of a UTC date and hour.
pub fn utc(y: i32, m: u32, d: u32, h: u32) -> i64 {
    utc_ms(y, m, d, h, 0, 0)
}

/// Milliseconds since the Unix epoch of a UTC date, hour and minute.
pub fn utc_hm(y: i32, m: u32, d: u32, h: u32, mi: u32) -> i64 {
    utc_ms(y, m, d, h, mi, 0)
}

/// This machine's clock in ms since the Unix epoch (the emulator runs in
/// this process, on the same clock).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

/// Calls of every availability RPC so far.
pub fn availability_calls(emu: &Emulator) -> u64 {
    RPCS.iter().map(|m| emu.calls(m)).sum()
}

/// An optional text as C passes it: NULL for `None`.
pub struct Opt(Option<CString>);

impl Opt {
    pub fn ptr(&self) -> *const c_char {
        self.0.as_ref().map_or(ptr::null(), |s| s.as_ptr())
    }
}

pub fn opt(s: Option<&str>) -> Opt {
    Opt(s.map(c))
}

/// An emulator with the test model, one connection and two sessions on
/// it, closed when dropped.
pub struct Fixture {
    pub emu: Emulator,
    pub conn: *mut mesh_connection,
    pub s: *mut mesh_session,
    pub other: *mut mesh_session,
}

impl Fixture {
    pub fn new() -> Fixture {
        let emu = emulator(Duration::from_secs(300));
        let conn = connect(&emu.addr().to_string());
        let s = open(conn);
        let other = open(conn);
        Fixture {
            emu,
            conn,
            s,
            other,
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        mesh_session_close(self.s);
        mesh_session_close(self.other);
        mesh_connection_close(self.conn);
    }
}

// Requests.

/// What `mesh_revision_create` takes after the target; `None` texts are
/// NULL, `created_at` may be `MESH_TIME_NONE`.
pub struct NewRevision<'a> {
    pub event_id: Option<&'a str>,
    pub local_id: Option<&'a str>,
    pub reason: Option<&'a str>,
    pub created_author: Option<&'a str>,
    pub created_at: i64,
    pub last_changed_author: Option<&'a str>,
}

impl<'a> NewRevision<'a> {
    /// A revision with the three texts the SDK always passes and nothing
    /// optional.
    pub fn plain(event_id: &'a str, local_id: &'a str, reason: &'a str) -> NewRevision<'a> {
        NewRevision {
            event_id: Some(event_id),
            local_id: Some(local_id),
            reason: Some(reason),
            created_author: None,
            created_at: MESH_TIME_NONE,
            last_changed_author: None,
        }
    }
}

pub fn try_create_revision(
    session: *mut mesh_session,
    target: &str,
    r: &NewRevision,
) -> Result<*mut mesh_availability_event, mesh_status> {
    let (event_id, local_id, reason) = (opt(r.event_id), opt(r.local_id), opt(r.reason));
    let (created_author, last_author) = (opt(r.created_author), opt(r.last_changed_author));
    let mut out = ptr::null_mut();
    let status = unsafe {
        mesh_revision_create(
            session,
            c(target).as_ptr(),
            event_id.ptr(),
            local_id.ptr(),
            reason.ptr(),
            created_author.ptr(),
            r.created_at,
            last_author.ptr(),
            &mut out,
        )
    };
    match status {
        MESH_OK => {
            assert!(!out.is_null());
            Ok(out)
        }
        status => Err(status),
    }
}

#[track_caller]
pub fn create_revision(
    session: *mut mesh_session,
    r: &NewRevision,
) -> *mut mesh_availability_event {
    try_create_revision(session, TARGET, r)
        .unwrap_or_else(|s| panic!("mesh_revision_create: {s:?}: {}", last_error()))
}

/// A recurrence as `mesh_revision_recurrence_create` and the restriction
/// builders take it.
#[derive(Clone, Copy, Debug)]
pub struct Pattern<'a> {
    pub status: &'a str,
    pub description: &'a str,
    pub kind: i32,
    pub every: u32,
    pub until: i64,
}

impl<'a> Pattern<'a> {
    /// A period once (`MESH_RECURRENCE_TYPE_NONE`, nothing else set).
    pub fn once(status: &'a str, description: &'a str) -> Pattern<'a> {
        Pattern {
            status,
            description,
            kind: MESH_RECURRENCE_TYPE_NONE,
            every: 0,
            until: MESH_TIME_NONE,
        }
    }

    pub fn repeating(
        status: &'a str,
        description: &'a str,
        kind: i32,
        every: u32,
        until: i64,
    ) -> Pattern<'a> {
        Pattern {
            status,
            description,
            kind,
            every,
            until,
        }
    }
}

/// `mesh_revision_recurrence_create` on the SDK's target; `author` NULL
/// when `None`.
pub fn try_add_recurrence(
    session: *mut mesh_session,
    event_id: &str,
    p: Pattern,
    period: (i64, i64),
    author: Option<&str>,
) -> Result<u32, mesh_status> {
    let author = opt(author);
    let mut id = u32::MAX;
    let status = unsafe {
        mesh_revision_recurrence_create(
            session,
            c(TARGET).as_ptr(),
            c(event_id).as_ptr(),
            c(p.status).as_ptr(),
            c(p.description).as_ptr(),
            p.kind,
            p.every,
            p.until,
            period.0,
            period.1,
            author.ptr(),
            &mut id,
        )
    };
    match status {
        MESH_OK => Ok(id),
        status => Err(status),
    }
}

#[track_caller]
pub fn add_recurrence(
    session: *mut mesh_session,
    event_id: &str,
    p: Pattern,
    period: (i64, i64),
    author: Option<&str>,
) -> u32 {
    try_add_recurrence(session, event_id, p, period, author)
        .unwrap_or_else(|s| panic!("mesh_revision_recurrence_create: {s:?}: {}", last_error()))
}

#[track_caller]
pub fn delete_recurrence(
    session: *mut mesh_session,
    event_id: &str,
    id: u32,
    author: Option<&str>,
) {
    let author = opt(author);
    check(
        unsafe {
            mesh_revision_recurrence_delete(
                session,
                c(TARGET).as_ptr(),
                c(event_id).as_ptr(),
                id,
                author.ptr(),
            )
        },
        MESH_OK,
    );
}

/// A basic restriction recurrence: one value over `period`.
#[track_caller]
pub fn basic(p: Pattern, period: (i64, i64), value: f64) -> *mut mesh_restriction_recurrence {
    let mut out = ptr::null_mut();
    check(
        unsafe {
            mesh_restriction_recurrence_new_basic(
                c(p.status).as_ptr(),
                c(p.description).as_ptr(),
                p.kind,
                p.every,
                p.until,
                period.0,
                period.1,
                value,
                &mut out,
            )
        },
        MESH_OK,
    );
    assert!(!out.is_null());
    out
}

/// A complex restriction recurrence: a step curve through `points`.
#[track_caller]
pub fn complex(p: Pattern, points: &[(i64, f64)]) -> *mut mesh_restriction_recurrence {
    let times: Vec<i64> = points.iter().map(|p| p.0).collect();
    let values: Vec<f64> = points.iter().map(|p| p.1).collect();
    let mut out = ptr::null_mut();
    check(
        unsafe {
            mesh_restriction_recurrence_new_complex(
                c(p.status).as_ptr(),
                c(p.description).as_ptr(),
                p.kind,
                p.every,
                p.until,
                times.as_ptr(),
                values.as_ptr(),
                points.len(),
                &mut out,
            )
        },
        MESH_OK,
    );
    assert!(!out.is_null());
    out
}

/// What `mesh_restriction_create` takes after the target.
pub struct NewRestriction<'a> {
    pub event_id: &'a str,
    pub category: &'a str,
    pub local_id: &'a str,
    pub reason: &'a str,
    pub recurrence: *const mesh_restriction_recurrence,
    pub created_author: Option<&'a str>,
    pub created_at: i64,
    pub last_changed_author: Option<&'a str>,
}

impl<'a> NewRestriction<'a> {
    pub fn plain(
        event_id: &'a str,
        category: &'a str,
        local_id: &'a str,
        reason: &'a str,
        recurrence: *const mesh_restriction_recurrence,
    ) -> NewRestriction<'a> {
        NewRestriction {
            event_id,
            category,
            local_id,
            reason,
            recurrence,
            created_author: None,
            created_at: MESH_TIME_NONE,
            last_changed_author: None,
        }
    }
}

pub fn try_create_restriction(
    session: *mut mesh_session,
    target: &str,
    r: &NewRestriction,
) -> Result<*mut mesh_availability_event, mesh_status> {
    let (created_author, last_author) = (opt(r.created_author), opt(r.last_changed_author));
    let mut out = ptr::null_mut();
    let status = unsafe {
        mesh_restriction_create(
            session,
            c(target).as_ptr(),
            c(r.event_id).as_ptr(),
            c(r.category).as_ptr(),
            c(r.local_id).as_ptr(),
            c(r.reason).as_ptr(),
            r.recurrence,
            created_author.ptr(),
            r.created_at,
            last_author.ptr(),
            &mut out,
        )
    };
    match status {
        MESH_OK => {
            assert!(!out.is_null());
            Ok(out)
        }
        status => Err(status),
    }
}

#[track_caller]
pub fn create_restriction(
    session: *mut mesh_session,
    r: &NewRestriction,
) -> *mut mesh_availability_event {
    try_create_restriction(session, TARGET, r)
        .unwrap_or_else(|s| panic!("mesh_restriction_create: {s:?}: {}", last_error()))
}

pub fn try_read_event(
    session: *mut mesh_session,
    event_id: &str,
) -> Result<*mut mesh_availability_event, mesh_status> {
    let mut out = ptr::null_mut();
    match unsafe {
        mesh_availability_event_read(session, c(TARGET).as_ptr(), c(event_id).as_ptr(), &mut out)
    } {
        MESH_OK => Ok(out),
        status => Err(status),
    }
}

/// Reads event `event_id` of the SDK's target and copies it out.
#[track_caller]
pub fn get(session: *mut mesh_session, event_id: &str) -> Event {
    let e = try_read_event(session, event_id).unwrap_or_else(|s| {
        panic!(
            "mesh_availability_event_read {event_id}: {s:?}: {}",
            last_error()
        )
    });
    let copy = read(e);
    check(mesh_availability_event_free(e), MESH_OK);
    copy
}

pub fn try_search(
    session: *mut mesh_session,
    event_type: i32,
    targets: &[&str],
) -> Result<*mut mesh_availability_event_list, mesh_status> {
    let owned: Vec<CString> = targets.iter().map(|t| c(t)).collect();
    let ptrs: Vec<*const c_char> = owned.iter().map(|t| t.as_ptr()).collect();
    let mut out = ptr::null_mut();
    match unsafe {
        mesh_availability_event_search(session, event_type, ptrs.as_ptr(), ptrs.len(), &mut out)
    } {
        MESH_OK => Ok(out),
        status => Err(status),
    }
}

#[track_caller]
pub fn search_list(
    session: *mut mesh_session,
    event_type: i32,
) -> *mut mesh_availability_event_list {
    try_search(session, event_type, &[TARGET])
        .unwrap_or_else(|s| panic!("mesh_availability_event_search: {s:?}: {}", last_error()))
}

pub fn list_count(list: *mut mesh_availability_event_list) -> usize {
    let mut n = usize::MAX;
    check(
        unsafe { mesh_availability_event_list_count(list, &mut n) },
        MESH_OK,
    );
    n
}

/// The events of a list, borrowed from it.
pub fn list_items(list: *mut mesh_availability_event_list) -> Vec<*mut mesh_availability_event> {
    (0..list_count(list))
        .map(|i| {
            let mut e = ptr::null_mut();
            check(
                unsafe { mesh_availability_event_list_at(list, i, &mut e) },
                MESH_OK,
            );
            assert!(!e.is_null());
            e
        })
        .collect()
}

/// Searches the SDK's target for events of `event_type` and copies them
/// out, in the order the list has them.
#[track_caller]
pub fn search(session: *mut mesh_session, event_type: i32) -> Vec<Event> {
    let list = search_list(session, event_type);
    let events = list_items(list).into_iter().map(read).collect();
    check(mesh_availability_event_list_free(list), MESH_OK);
    events
}

/// The event ids `search` finds.
#[track_caller]
pub fn search_ids(session: *mut mesh_session, event_type: i32) -> Vec<String> {
    search(session, event_type)
        .into_iter()
        .map(|e| e.event_id)
        .collect()
}

#[track_caller]
pub fn delete_by_id(session: *mut mesh_session, ids: &[&str]) {
    let owned: Vec<CString> = ids.iter().map(|t| c(t)).collect();
    let ptrs: Vec<*const c_char> = owned.iter().map(|t| t.as_ptr()).collect();
    check(
        unsafe {
            mesh_availability_event_delete_by_id(
                session,
                c(TARGET).as_ptr(),
                ptrs.as_ptr(),
                ptrs.len(),
            )
        },
        MESH_OK,
    );
}

#[track_caller]
pub fn delete_by_type(session: *mut mesh_session, event_type: i32) {
    check(
        unsafe { mesh_availability_event_delete_by_type(session, c(TARGET).as_ptr(), event_type) },
        MESH_OK,
    );
}

/// `mesh_revision_update` on the SDK's target; `None` is NULL.
pub fn update_revision(
    session: *mut mesh_session,
    event_id: &str,
    local_id: Option<&str>,
    reason: Option<&str>,
    author: Option<&str>,
) -> mesh_status {
    let (local_id, reason, author) = (opt(local_id), opt(reason), opt(author));
    unsafe {
        mesh_revision_update(
            session,
            c(TARGET).as_ptr(),
            c(event_id).as_ptr(),
            local_id.ptr(),
            reason.ptr(),
            author.ptr(),
        )
    }
}

/// `mesh_restriction_update` on the SDK's target; `None` and a NULL
/// recurrence leave a field as it is.
pub fn update_restriction(
    session: *mut mesh_session,
    event_id: &str,
    local_id: Option<&str>,
    reason: Option<&str>,
    category: Option<&str>,
    recurrence: *const mesh_restriction_recurrence,
    author: Option<&str>,
) -> mesh_status {
    let (local_id, reason) = (opt(local_id), opt(reason));
    let (category, author) = (opt(category), opt(author));
    unsafe {
        mesh_restriction_update(
            session,
            c(TARGET).as_ptr(),
            c(event_id).as_ptr(),
            local_id.ptr(),
            reason.ptr(),
            category.ptr(),
            recurrence,
            author.ptr(),
        )
    }
}

// Instances.

/// One instance as a list gives it; `value` is `None` where
/// `mesh_availability_instance_list_value_at` refuses (a revision's).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Instance {
    pub start: i64,
    pub end: i64,
    pub value: Option<f64>,
}

pub fn try_instances(
    session: *mut mesh_session,
    event_id: &str,
    start: i64,
    end: i64,
) -> Result<Vec<Instance>, mesh_status> {
    let mut list = ptr::null_mut();
    let status = unsafe {
        mesh_availability_instance_search(
            session,
            c(TARGET).as_ptr(),
            c(event_id).as_ptr(),
            start,
            end,
            &mut list,
        )
    };
    if status != MESH_OK {
        return Err(status);
    }
    let found = read_instances(list);
    check(mesh_availability_instance_list_free(list), MESH_OK);
    Ok(found)
}

/// The instances of event `event_id` that a search of `[start, end)` finds.
#[track_caller]
pub fn instances(
    session: *mut mesh_session,
    event_id: &str,
    start: i64,
    end: i64,
) -> Vec<Instance> {
    try_instances(session, event_id, start, end).unwrap_or_else(|s| {
        panic!(
            "mesh_availability_instance_search {event_id}: {s:?}: {}",
            last_error()
        )
    })
}

pub fn read_instances(list: *mut mesh_availability_instance_list) -> Vec<Instance> {
    let mut n = usize::MAX;
    check(
        unsafe { mesh_availability_instance_list_count(list, &mut n) },
        MESH_OK,
    );
    (0..n)
        .map(|i| {
            let (mut start, mut end) = (0, 0);
            check(
                unsafe { mesh_availability_instance_list_period_at(list, i, &mut start, &mut end) },
                MESH_OK,
            );
            let mut value = f64::NAN;
            let value =
                match unsafe { mesh_availability_instance_list_value_at(list, i, &mut value) } {
                    MESH_OK => Some(value),
                    MESH_ERROR_INVALID_ARGUMENT => {
                        assert!(value.is_nan(), "written on failure");
                        None
                    }
                    other => panic!("mesh_availability_instance_list_value_at: {other:?}"),
                };
            Instance { start, end, value }
        })
        .collect()
}

/// Instances of a revision: periods without a value.
pub fn periods(list: &[(i64, i64)]) -> Vec<Instance> {
    list.iter()
        .map(|&(start, end)| Instance {
            start,
            end,
            value: None,
        })
        .collect()
}

/// Instances of a restriction: periods with a value.
pub fn valued(list: &[(i64, i64, f64)]) -> Vec<Instance> {
    list.iter()
        .map(|&(start, end, value)| Instance {
            start,
            end,
            value: Some(value),
        })
        .collect()
}

// Events copied out.

/// One recurrence of an event, read through the `..._at` accessors.
#[derive(Clone, Debug, PartialEq)]
pub struct Recurrence {
    /// A revision's recurrence id; `None` for a restriction (refused).
    pub id: Option<u32>,
    pub status: String,
    pub description: String,
    pub kind: i32,
    /// 0 when not set.
    pub every: u32,
    /// `MESH_TIME_NONE` when not set.
    pub until: i64,
    /// The first period; `None` for a complex restriction (refused).
    pub period: Option<(i64, i64)>,
    /// The server's active instance; `None` when both ends are
    /// `MESH_TIME_NONE`.
    pub active: Option<(i64, i64)>,
}

/// An event, read through every accessor that applies to it (and checked
/// to refuse those that do not).
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub kind: i32,
    pub owner_id: String,
    pub event_id: String,
    pub local_id: String,
    pub reason: String,
    /// Restrictions only.
    pub category: Option<String>,
    pub created_author: String,
    pub created_at: i64,
    pub last_changed_author: String,
    pub last_changed_at: i64,
    pub recurrences: Vec<Recurrence>,
    /// Restrictions only: whether the recurrence is complex.
    pub complex: Option<bool>,
    /// Basic restrictions only.
    pub value: Option<f64>,
    /// Complex restrictions only: the curve's points.
    pub points: Vec<(i64, f64)>,
}

impl Event {
    pub fn is_revision(&self) -> bool {
        self.kind == MESH_AVAILABILITY_EVENT_TYPE_REVISION
    }

    /// The one recurrence of a restriction.
    #[track_caller]
    pub fn recurrence(&self) -> &Recurrence {
        assert_eq!(self.recurrences.len(), 1, "{self:?}");
        &self.recurrences[0]
    }

    /// A revision's recurrence by id.
    #[track_caller]
    pub fn recurrence_by_id(&self, id: u32) -> &Recurrence {
        self.recurrences
            .iter()
            .find(|r| r.id == Some(id))
            .unwrap_or_else(|| panic!("no recurrence {id} in {self:?}"))
    }
}

type E = *const mesh_availability_event;

fn event_text(
    e: E,
    f: unsafe extern "C" fn(E, *mut c_char, usize, *mut usize) -> mesh_status,
) -> String {
    text(|b, n, l| unsafe { f(e, b, n, l) })
}

fn event_text_at(
    e: E,
    i: usize,
    f: unsafe extern "C" fn(E, usize, *mut c_char, usize, *mut usize) -> mesh_status,
) -> String {
    text(|b, n, l| unsafe { f(e, i, b, n, l) })
}

#[track_caller]
fn time(e: E, f: unsafe extern "C" fn(E, *mut i64) -> mesh_status) -> i64 {
    let mut t = 7;
    check(unsafe { f(e, &mut t) }, MESH_OK);
    t
}

/// Refused with `MESH_ERROR_INVALID_ARGUMENT`, leaving `out` alone.
#[track_caller]
fn refused<T: PartialEq + std::fmt::Debug + Copy>(
    mut out: T,
    call: impl FnOnce(*mut T) -> mesh_status,
) {
    let before = out;
    check(call(&mut out), MESH_ERROR_INVALID_ARGUMENT);
    assert_eq!(out, before, "an out-parameter written on failure");
}

/// Copies event `e` out through the C accessors. Accessors that do not
/// apply to its kind must refuse it with `MESH_ERROR_INVALID_ARGUMENT`.
#[track_caller]
pub fn read(e: *mut mesh_availability_event) -> Event {
    let e: E = e;
    let mut kind = -1;
    check(
        unsafe { mesh_availability_event_type(e, &mut kind) },
        MESH_OK,
    );
    assert!(
        kind == MESH_AVAILABILITY_EVENT_TYPE_REVISION
            || kind == MESH_AVAILABILITY_EVENT_TYPE_RESTRICTION,
        "type {kind}"
    );
    let revision = kind == MESH_AVAILABILITY_EVENT_TYPE_REVISION;
    let category = if revision {
        let mut len = 0usize;
        let mut buf = [0 as c_char; 8];
        check(
            unsafe { mesh_availability_event_category(e, buf.as_mut_ptr(), buf.len(), &mut len) },
            MESH_ERROR_INVALID_ARGUMENT,
        );
        None
    } else {
        Some(event_text(e, mesh_availability_event_category))
    };
    let mut count = usize::MAX;
    check(
        unsafe { mesh_availability_event_recurrence_count(e, &mut count) },
        MESH_OK,
    );
    let mut complex = None;
    if revision {
        refused(7i32, |o| unsafe {
            mesh_availability_event_restriction_is_complex(e, o)
        });
        refused(7.5f64, |o| unsafe {
            mesh_availability_event_restriction_value(e, o)
        });
        refused(7usize, |o| unsafe {
            mesh_availability_event_restriction_point_count(e, o)
        });
    } else {
        assert_eq!(count, 1, "a restriction has one recurrence");
        let mut flag = -1;
        check(
            unsafe { mesh_availability_event_restriction_is_complex(e, &mut flag) },
            MESH_OK,
        );
        assert!(flag == 0 || flag == 1, "flag {flag}");
        complex = Some(flag == 1);
    }
    let is_complex = complex == Some(true);
    let recurrences = (0..count)
        .map(|i| {
            let id = if revision {
                let mut id = u32::MAX;
                check(
                    unsafe { mesh_availability_event_recurrence_id_at(e, i, &mut id) },
                    MESH_OK,
                );
                Some(id)
            } else {
                refused(7u32, |o| unsafe {
                    mesh_availability_event_recurrence_id_at(e, i, o)
                });
                None
            };
            let mut kind = -1;
            check(
                unsafe { mesh_availability_event_recurrence_type_at(e, i, &mut kind) },
                MESH_OK,
            );
            let mut every = u32::MAX;
            check(
                unsafe { mesh_availability_event_recurrence_every_at(e, i, &mut every) },
                MESH_OK,
            );
            let mut until = 7;
            check(
                unsafe { mesh_availability_event_recurrence_until_at(e, i, &mut until) },
                MESH_OK,
            );
            let period = if is_complex {
                refused((7i64, 7i64), |o| unsafe {
                    let o = &mut *o;
                    mesh_availability_event_recurrence_period_at(e, i, &mut o.0, &mut o.1)
                });
                None
            } else {
                let (mut start, mut end) = (7, 7);
                check(
                    unsafe {
                        mesh_availability_event_recurrence_period_at(e, i, &mut start, &mut end)
                    },
                    MESH_OK,
                );
                Some((start, end))
            };
            let (mut start, mut end) = (7, 7);
            check(
                unsafe { mesh_availability_event_active_period_at(e, i, &mut start, &mut end) },
                MESH_OK,
            );
            let active = match (start, end) {
                (MESH_TIME_NONE, MESH_TIME_NONE) => None,
                (MESH_TIME_NONE, _) | (_, MESH_TIME_NONE) => {
                    panic!("half an active period: {start}, {end}")
                }
                period => Some(period),
            };
            Recurrence {
                id,
                status: event_text_at(e, i, mesh_availability_event_recurrence_status_at),
                description: event_text_at(e, i, mesh_availability_event_recurrence_description_at),
                kind,
                every,
                until,
                period,
                active,
            }
        })
        .collect();
    let mut value = None;
    let mut points = Vec::new();
    match complex {
        None => {}
        Some(false) => {
            let mut v = f64::NAN;
            check(
                unsafe { mesh_availability_event_restriction_value(e, &mut v) },
                MESH_OK,
            );
            value = Some(v);
        }
        Some(true) => {
            refused(7.5f64, |o| unsafe {
                mesh_availability_event_restriction_value(e, o)
            });
            let mut n = usize::MAX;
            check(
                unsafe { mesh_availability_event_restriction_point_count(e, &mut n) },
                MESH_OK,
            );
            let mut times = vec![0i64; n];
            let mut values = vec![0f64; n];
            check(
                unsafe {
                    mesh_availability_event_restriction_points(
                        e,
                        times.as_mut_ptr(),
                        values.as_mut_ptr(),
                        n,
                    )
                },
                MESH_OK,
            );
            points = times.into_iter().zip(values).collect();
        }
    }
    Event {
        kind,
        owner_id: event_text(e, mesh_availability_event_owner_id),
        event_id: event_text(e, mesh_availability_event_event_id),
        local_id: event_text(e, mesh_availability_event_local_id),
        reason: event_text(e, mesh_availability_event_reason),
        category,
        created_author: event_text(e, mesh_availability_event_created_author),
        created_at: time(e, mesh_availability_event_created_timestamp),
        last_changed_author: event_text(e, mesh_availability_event_last_changed_author),
        last_changed_at: time(e, mesh_availability_event_last_changed_timestamp),
        recurrences,
        complex,
        value,
        points,
    }
}

/// Copies an owned event out and frees it.
#[track_caller]
pub fn take(e: *mut mesh_availability_event) -> Event {
    let copy = read(e);
    check(mesh_availability_event_free(e), MESH_OK);
    copy
}

/// Asserts `t` is a time the server took while the test waited between
/// `before` and `after` (on this machine's clock, allowing a second for
/// rounding).
#[track_caller]
pub fn assert_server_time(t: i64, before: i64, after: i64) {
    assert!(
        t != MESH_TIME_NONE && before - 1000 <= t && t <= after + 1000,
        "{t} is not between {before} and {after}"
    );
}
