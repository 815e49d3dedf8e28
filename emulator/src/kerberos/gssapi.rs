//! The few GSSAPI calls the emulator makes, bound by hand (RFC 2744's C
//! bindings) to MIT Kerberos's `libgssapi_krb5.so.2`, which is loaded at run
//! time: building needs neither its headers nor libclang, and a machine
//! without it still runs every other part of the emulator.
//!
//! The library is opened once and kept for the life of the process. Names,
//! credentials, contexts and buffers GSSAPI hands out are owned by small
//! RAII wrappers that release them on drop, so the rest of the crate never
//! sees a raw handle.
//!
//! The layouts are MIT's on Linux and the BSDs. (MIT's header packs its
//! structures on macOS, where this library name does not exist anyway.)

use std::ffi::{c_char, c_int, c_void, CString, OsStr};
use std::os::unix::ffi::OsStrExt;
use std::ptr;
use std::sync::OnceLock;

use super::KerberosError;

/// The library, by the name MIT gives its ABI.
pub(crate) const LIBRARY: &str = "libgssapi_krb5.so.2";

// RFC 2744 types. `OM_uint32` is a `u32`; names, credentials, contexts,
// OID sets and channel bindings are pointers we only pass back.
type Major = u32;
type NameHandle = *mut c_void;
type CredHandle = *mut c_void;
type ContextHandle = *mut c_void;
type OidSet = *mut c_void;
type ChannelBindings = *mut c_void;
type Oid = *mut OidDesc;

/// `gss_buffer_desc`.
#[repr(C)]
struct BufferDesc {
    length: usize,
    value: *mut c_void,
}

impl BufferDesc {
    fn empty() -> Self {
        BufferDesc {
            length: 0,
            value: ptr::null_mut(),
        }
    }

    /// A descriptor GSSAPI reads `bytes` through; it must not outlive them.
    fn borrowing(bytes: &[u8]) -> Self {
        BufferDesc {
            length: bytes.len(),
            value: bytes.as_ptr() as *mut c_void,
        }
    }
}

/// `gss_OID_desc`: only ever handled by pointer here.
#[repr(C)]
struct OidDesc {
    length: u32,
    elements: *mut c_void,
}

/// `gss_key_value_element_desc` (MIT's credential store extension).
#[repr(C)]
struct KeyValueElement {
    key: *const c_char,
    value: *const c_char,
}

/// `gss_key_value_set_desc`.
#[repr(C)]
struct KeyValueSet {
    count: u32,
    elements: *const KeyValueElement,
}

const GSS_C_INITIATE: c_int = 1;
const GSS_C_ACCEPT: c_int = 2;
const GSS_C_GSS_CODE: c_int = 1;
const GSS_C_MECH_CODE: c_int = 2;
/// The supplementary bit of a major status that asks for another leg.
const GSS_S_CONTINUE_NEEDED: Major = 1;
/// `GSS_C_MUTUAL_FLAG`: the initiator asks the acceptor to prove itself.
pub(crate) const GSS_C_MUTUAL_FLAG: u32 = 2;

/// `GSS_ERROR()`: the calling and routine error fields of a major status.
fn is_error(major: Major) -> bool {
    major & 0xffff_0000 != 0
}

type AcquireCredFrom = unsafe extern "C" fn(
    minor: *mut u32,
    desired_name: NameHandle,
    time_req: u32,
    desired_mechs: OidSet,
    cred_usage: c_int,
    cred_store: *const KeyValueSet,
    output_cred: *mut CredHandle,
    actual_mechs: *mut OidSet,
    time_rec: *mut u32,
) -> Major;
type ImportName = unsafe extern "C" fn(
    minor: *mut u32,
    input_name: *mut BufferDesc,
    name_type: Oid,
    output_name: *mut NameHandle,
) -> Major;
type AcceptSecContext = unsafe extern "C" fn(
    minor: *mut u32,
    context: *mut ContextHandle,
    acceptor_cred: CredHandle,
    input_token: *mut BufferDesc,
    channel_bindings: ChannelBindings,
    src_name: *mut NameHandle,
    mech_type: *mut Oid,
    output_token: *mut BufferDesc,
    ret_flags: *mut u32,
    time_rec: *mut u32,
    delegated_cred: *mut CredHandle,
) -> Major;
type InitSecContext = unsafe extern "C" fn(
    minor: *mut u32,
    initiator_cred: CredHandle,
    context: *mut ContextHandle,
    target_name: NameHandle,
    mech_type: Oid,
    req_flags: u32,
    time_req: u32,
    channel_bindings: ChannelBindings,
    input_token: *mut BufferDesc,
    actual_mech: *mut Oid,
    output_token: *mut BufferDesc,
    ret_flags: *mut u32,
    time_rec: *mut u32,
) -> Major;
type DisplayName = unsafe extern "C" fn(
    minor: *mut u32,
    name: NameHandle,
    output: *mut BufferDesc,
    name_type: *mut Oid,
) -> Major;
type DisplayStatus = unsafe extern "C" fn(
    minor: *mut u32,
    status: u32,
    status_type: c_int,
    mech_type: Oid,
    message_context: *mut u32,
    output: *mut BufferDesc,
) -> Major;
type ReleaseBuffer = unsafe extern "C" fn(minor: *mut u32, buffer: *mut BufferDesc) -> Major;
type ReleaseName = unsafe extern "C" fn(minor: *mut u32, name: *mut NameHandle) -> Major;
type ReleaseCred = unsafe extern "C" fn(minor: *mut u32, cred: *mut CredHandle) -> Major;
type DeleteSecContext = unsafe extern "C" fn(
    minor: *mut u32,
    context: *mut ContextHandle,
    output_token: *mut BufferDesc,
) -> Major;

/// The loaded library and the entry points taken from it.
struct Gss {
    acquire_cred_from: AcquireCredFrom,
    import_name: ImportName,
    accept_sec_context: AcceptSecContext,
    init_sec_context: InitSecContext,
    display_name: DisplayName,
    display_status: DisplayStatus,
    release_buffer: ReleaseBuffer,
    release_name: ReleaseName,
    release_cred: ReleaseCred,
    delete_sec_context: DeleteSecContext,
    /// `GSS_KRB5_NT_PRINCIPAL_NAME`: a name is a Kerberos principal.
    nt_principal_name: Oid,
    /// Keeps the functions above mapped; never dropped (it lives in a static).
    _library: libloading::Library,
}

// SAFETY: the function pointers are plain code addresses and the OID points
// at constant data of the library, which stays loaded for the life of the
// process (`GSS` is never dropped). MIT's GSSAPI is thread-safe.
unsafe impl Send for Gss {}
// SAFETY: as above; nothing in `Gss` is ever mutated after loading.
unsafe impl Sync for Gss {}

static GSS: OnceLock<Result<Gss, String>> = OnceLock::new();

/// The library, loaded on first use.
fn gss() -> Result<&'static Gss, KerberosError> {
    GSS.get_or_init(load)
        .as_ref()
        .map_err(|e| KerberosError::Library(e.clone()))
}

/// Whether the library loads here, and why not.
pub(crate) fn available() -> Result<(), KerberosError> {
    gss().map(drop)
}

fn load() -> Result<Gss, String> {
    // SAFETY: loading MIT's GSSAPI runs its initialisers, which only set up
    // the library's own state; it has no unusual load-time requirements.
    let library = unsafe { libloading::Library::new(LIBRARY) }.map_err(|e| e.to_string())?;
    /// A function of `library` with the signature declared above (RFC 2744).
    macro_rules! function {
        ($name:literal) => {
            // SAFETY: the symbol is the GSSAPI function of that name, whose
            // C signature is the type it is read as (declared above).
            *unsafe { library.get(concat!($name, "\0").as_bytes()) }
                .map_err(|e| format!("{}: {e}", $name))?
        };
    }
    let nt_principal_name: Oid = {
        // SAFETY: MIT exports `GSS_KRB5_NT_PRINCIPAL_NAME` as a variable of
        // type `gss_OID`; the symbol's address is that variable's.
        let variable: libloading::Symbol<'_, *const Oid> =
            unsafe { library.get(b"GSS_KRB5_NT_PRINCIPAL_NAME\0") }
                .map_err(|e| format!("GSS_KRB5_NT_PRINCIPAL_NAME: {e}"))?;
        // SAFETY: the variable is initialised data of the loaded library.
        unsafe { **variable }
    };
    Ok(Gss {
        acquire_cred_from: function!("gss_acquire_cred_from"),
        import_name: function!("gss_import_name"),
        accept_sec_context: function!("gss_accept_sec_context"),
        init_sec_context: function!("gss_init_sec_context"),
        display_name: function!("gss_display_name"),
        display_status: function!("gss_display_status"),
        release_buffer: function!("gss_release_buffer"),
        release_name: function!("gss_release_name"),
        release_cred: function!("gss_release_cred"),
        delete_sec_context: function!("gss_delete_sec_context"),
        nt_principal_name,
        _library: library,
    })
}

/// The failure of `operation` in words: GSSAPI's text for the major status,
/// then the mechanism's for the minor one (e.g. "Request is a replay").
fn failure(gss: &Gss, operation: &'static str, major: Major, minor: u32) -> KerberosError {
    let mut message = status_text(gss, major, GSS_C_GSS_CODE);
    if minor != 0 {
        let detail = status_text(gss, minor, GSS_C_MECH_CODE);
        if !detail.is_empty() {
            message = format!("{message}: {detail}");
        }
    }
    KerberosError::Gss {
        operation,
        major,
        minor,
        message,
    }
}

/// `gss_display_status` of one code, all its messages joined.
fn status_text(gss: &Gss, code: u32, kind: c_int) -> String {
    let mut parts = Vec::new();
    let mut message_context = 0u32;
    // MIT gives a handful of messages at most; the bound guards a loop.
    for _ in 0..8 {
        let mut minor = 0;
        let mut text = OwnedBuffer(BufferDesc::empty());
        // SAFETY: every pointer is to a live local; a null mechanism OID
        // lets MIT find the mechanism that produced a minor code.
        let major = unsafe {
            (gss.display_status)(
                &mut minor,
                code,
                kind,
                ptr::null_mut(),
                &mut message_context,
                &mut text.0,
            )
        };
        if is_error(major) {
            break;
        }
        // MIT pads some messages with double spaces.
        let text = String::from_utf8_lossy(text.bytes());
        let part = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !part.is_empty() {
            parts.push(part);
        }
        if message_context == 0 {
            break;
        }
    }
    if parts.is_empty() {
        format!("GSSAPI status {code:#x}")
    } else {
        parts.join("; ")
    }
}

/// A buffer GSSAPI allocated, released on drop.
struct OwnedBuffer(BufferDesc);

impl OwnedBuffer {
    fn bytes(&self) -> &[u8] {
        if self.0.value.is_null() || self.0.length == 0 {
            return &[];
        }
        // SAFETY: GSSAPI filled the descriptor with `length` readable bytes
        // at `value`, which stay valid until the buffer is released.
        unsafe { std::slice::from_raw_parts(self.0.value as *const u8, self.0.length) }
    }
}

impl Drop for OwnedBuffer {
    fn drop(&mut self) {
        if self.0.value.is_null() {
            return;
        }
        if let Ok(gss) = gss() {
            let mut minor = 0;
            // SAFETY: the buffer was allocated by GSSAPI and is released once.
            unsafe { (gss.release_buffer)(&mut minor, &mut self.0) };
        }
    }
}

/// A GSSAPI name (`gss_name_t`), released on drop.
pub(crate) struct Name {
    handle: NameHandle,
    gss: &'static Gss,
}

// SAFETY: a name is immutable once made, and MIT's names may be used from
// any thread.
unsafe impl Send for Name {}
// SAFETY: as above; only read through `&self`.
unsafe impl Sync for Name {}

impl Name {
    /// A Kerberos principal name, e.g. `HTTP/localhost@MESH.TEST` (the
    /// default realm when it has none).
    pub(crate) fn principal(text: &str) -> Result<Name, KerberosError> {
        let gss = gss()?;
        let mut minor = 0;
        let mut handle: NameHandle = ptr::null_mut();
        let mut input = BufferDesc::borrowing(text.as_bytes());
        // SAFETY: `input` borrows `text`, which outlives the call (GSSAPI
        // copies it); the name type is the library's own OID.
        let major = unsafe {
            (gss.import_name)(&mut minor, &mut input, gss.nt_principal_name, &mut handle)
        };
        if is_error(major) {
            return Err(failure(gss, "gss_import_name", major, minor));
        }
        Ok(Name { handle, gss })
    }

    /// Takes ownership of a name GSSAPI returned (null: none).
    fn adopt(gss: &'static Gss, handle: NameHandle) -> Option<Name> {
        (!handle.is_null()).then_some(Name { handle, gss })
    }

    /// The name as text, e.g. `alice@MESH.TEST`.
    pub(crate) fn display(&self) -> Result<String, KerberosError> {
        let mut minor = 0;
        let mut text = OwnedBuffer(BufferDesc::empty());
        // SAFETY: `self.handle` is a live name; the output buffer is ours
        // to release; the name type is not asked for.
        let major = unsafe {
            (self.gss.display_name)(&mut minor, self.handle, &mut text.0, ptr::null_mut())
        };
        if is_error(major) {
            return Err(failure(self.gss, "gss_display_name", major, minor));
        }
        Ok(String::from_utf8_lossy(text.bytes()).into_owned())
    }
}

impl Drop for Name {
    fn drop(&mut self) {
        let mut minor = 0;
        // SAFETY: the handle is live and released exactly once.
        unsafe { (self.gss.release_name)(&mut minor, &mut self.handle) };
    }
}

/// What a credential is for.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Usage {
    Accept,
    Initiate,
}

/// A credential (`gss_cred_id_t`), released on drop.
pub(crate) struct Cred {
    handle: CredHandle,
    gss: &'static Gss,
}

// SAFETY: MIT guards its credentials with a lock of their own, so one
// credential may be used by several contexts on several threads at once.
unsafe impl Send for Cred {}
// SAFETY: as above.
unsafe impl Sync for Cred {}

impl Cred {
    /// Acquires a credential for `usage` from the credential store given by
    /// `store` (MIT's keys, e.g. `("keytab", "FILE:/path")` or `("ccache",
    /// "FILE:/path")`; empty: the process's defaults), for `name` or, when
    /// `None`, for any name the store has (an acceptor then takes tickets
    /// for any principal of its keytab).
    pub(crate) fn acquire(
        name: Option<&Name>,
        usage: Usage,
        store: &[(&str, &OsStr)],
    ) -> Result<Cred, KerberosError> {
        let gss = gss()?;
        let owned: Vec<(CString, CString)> = store
            .iter()
            .map(|(key, value)| {
                let value = CString::new(value.as_bytes()).map_err(|_| {
                    KerberosError::Config(format!("{key} {value:?}: a NUL in the name"))
                })?;
                let key = CString::new(*key)
                    .map_err(|_| KerberosError::Config(format!("credential store key {key:?}")))?;
                Ok((key, value))
            })
            .collect::<Result<_, KerberosError>>()?;
        let elements: Vec<KeyValueElement> = owned
            .iter()
            .map(|(k, v)| KeyValueElement {
                key: k.as_ptr(),
                value: v.as_ptr(),
            })
            .collect();
        let set = KeyValueSet {
            count: elements.len() as u32,
            elements: elements.as_ptr(),
        };
        let usage = match usage {
            Usage::Accept => GSS_C_ACCEPT,
            Usage::Initiate => GSS_C_INITIATE,
        };
        let mut minor = 0;
        let mut handle: CredHandle = ptr::null_mut();
        // SAFETY: `set` and the strings it points to outlive the call;
        // a null name is GSS_C_NO_NAME and null mechanisms
        // GSS_C_NO_OID_SET (the library's defaults); the outputs not wanted
        // are null, as RFC 2744 allows.
        let major = unsafe {
            (gss.acquire_cred_from)(
                &mut minor,
                name.map_or(ptr::null_mut(), |n| n.handle),
                0,
                ptr::null_mut(),
                usage,
                &set,
                &mut handle,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if is_error(major) {
            return Err(failure(gss, "gss_acquire_cred_from", major, minor));
        }
        Ok(Cred { handle, gss })
    }
}

impl Drop for Cred {
    fn drop(&mut self) {
        let mut minor = 0;
        // SAFETY: the handle is live and released exactly once.
        unsafe { (self.gss.release_cred)(&mut minor, &mut self.handle) };
    }
}

/// The outcome of one step of a security context.
pub(crate) struct Step {
    /// The token to send to the peer (empty: nothing to send).
    pub(crate) output: Vec<u8>,
    /// Whether the peer has more to send before the context is complete.
    pub(crate) continue_needed: bool,
    /// The initiator's name, once an acceptor's context is complete.
    pub(crate) peer: Option<Name>,
}

/// A security context (`gss_ctx_id_t`) being established, deleted on drop.
pub(crate) struct Context {
    handle: ContextHandle,
    gss: &'static Gss,
}

// SAFETY: a context is used by one thread at a time (every use takes
// `&mut self`), and MIT's contexts are not tied to the thread that made them.
unsafe impl Send for Context {}

impl Context {
    /// A context not started yet (GSS_C_NO_CONTEXT).
    pub(crate) fn new() -> Result<Context, KerberosError> {
        Ok(Context {
            handle: ptr::null_mut(),
            gss: gss()?,
        })
    }

    /// One acceptor step: `gss_accept_sec_context` on the peer's `token`.
    pub(crate) fn accept(&mut self, cred: &Cred, token: &[u8]) -> Result<Step, KerberosError> {
        let gss = self.gss;
        let mut minor = 0;
        let mut input = BufferDesc::borrowing(token);
        let mut source: NameHandle = ptr::null_mut();
        let mut output = OwnedBuffer(BufferDesc::empty());
        // SAFETY: `input` borrows `token` for the call; the context handle
        // is ours (null on the first step); the credential is live; every
        // output pointer is to a live local, and the ones not wanted are
        // null, as RFC 2744 allows. No channel bindings.
        let major = unsafe {
            (gss.accept_sec_context)(
                &mut minor,
                &mut self.handle,
                cred.handle,
                &mut input,
                ptr::null_mut(),
                &mut source,
                ptr::null_mut(),
                &mut output.0,
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        let peer = Name::adopt(gss, source);
        if is_error(major) {
            return Err(failure(gss, "gss_accept_sec_context", major, minor));
        }
        Ok(Step {
            output: output.bytes().to_vec(),
            continue_needed: major & GSS_S_CONTINUE_NEEDED != 0,
            peer,
        })
    }

    /// One initiator step: `gss_init_sec_context` towards `target` with the
    /// peer's last `token` (none on the first step).
    pub(crate) fn initiate(
        &mut self,
        cred: Option<&Cred>,
        target: &Name,
        flags: u32,
        token: Option<&[u8]>,
    ) -> Result<Step, KerberosError> {
        let gss = self.gss;
        let mut minor = 0;
        let mut input = token.map(BufferDesc::borrowing);
        let input_ptr = input
            .as_mut()
            .map_or(ptr::null_mut(), |b| b as *mut BufferDesc);
        let mut output = OwnedBuffer(BufferDesc::empty());
        // SAFETY: the input (GSS_C_NO_BUFFER when null) borrows `token` for
        // the call; a null credential is GSS_C_NO_CREDENTIAL and a null
        // mechanism the default (Kerberos); the context handle is ours; the
        // outputs not wanted are null. No channel bindings.
        let major = unsafe {
            (gss.init_sec_context)(
                &mut minor,
                cred.map_or(ptr::null_mut(), |c| c.handle),
                &mut self.handle,
                target.handle,
                ptr::null_mut(),
                flags,
                0,
                ptr::null_mut(),
                input_ptr,
                ptr::null_mut(),
                &mut output.0,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        if is_error(major) {
            return Err(failure(gss, "gss_init_sec_context", major, minor));
        }
        Ok(Step {
            output: output.bytes().to_vec(),
            continue_needed: major & GSS_S_CONTINUE_NEEDED != 0,
            peer: None,
        })
    }
}

impl Drop for Context {
    fn drop(&mut self) {
        if self.handle.is_null() {
            return;
        }
        let mut minor = 0;
        // SAFETY: the handle is a live context of ours, deleted once; no
        // output token is asked for (GSS_C_NO_BUFFER).
        unsafe { (self.gss.delete_sec_context)(&mut minor, &mut self.handle, ptr::null_mut()) };
    }
}
