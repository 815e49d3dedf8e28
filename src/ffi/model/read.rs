//! Reading the model from C: list models, get an object or attribute,
//! search objects and attributes, search by definition, and find what links
//! to an object. Each call is one session call; its answer is decoded once
//! into a result handle (see `handles`).

use std::ffi::c_char;

use crate::ffi::args::c_str;
use crate::ffi::model::args::{attribute_filter, attribute_view, target, view};
use crate::ffi::model::handles::{
    mesh_attribute, mesh_attribute_list, mesh_object, mesh_object_list, register_attribute,
    register_attributes, register_object, register_objects,
};
use crate::ffi::model::lists::{mesh_id_list, register_ids};
use crate::ffi::request::Request;
use crate::ffi::session::{self, mesh_session};
use crate::ffi::{guard, mesh_status, FfiResult};

/// View: objects with their attributes, each attribute with its definition.
pub const MESH_MODEL_VIEW_FULL: i32 = 0;
/// View: objects with their attributes, without definitions (much less to
/// send and decode when many objects are read).
pub const MESH_MODEL_VIEW_NO_DEFINITIONS: i32 = 1;
/// View: objects without attributes (not for attribute calls).
pub const MESH_MODEL_VIEW_NO_ATTRIBUTES: i32 = 2;

/// Lists every model (root object) with its attributes into a new
/// `*out_list` (free with `mesh_object_list_free`).
///
/// @param session The session to work in.
/// @param out_list Receives the new list of models on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_model_list_read(
    session: *mut mesh_session,
    out_list: *mut *mut mesh_object_list,
) -> mesh_status {
    guard("mesh_model_list_read", || {
        mesh_model_list_read_request(session)?.wait(out_list, "out_list")
    })
}

pub(crate) fn mesh_model_list_read_request(
    session: *mut mesh_session,
) -> FfiResult<Request<*mut mesh_object_list>> {
    let handle = session::resolve(session)?;
    Ok(handle.request(
        |h| async move { h.session.list_models().await },
        register_objects,
    ))
}

/// Reads one object (or model) into a new `*out_object` (free with
/// `mesh_object_free`). `target` is its id (canonical or braced) or path
/// (e.g. `"Model/M/Component.Ref/Plant"`, or the short form without
/// relation names). `view` is one of `MESH_MODEL_VIEW_*`.
///
/// Which attributes the object carries is chosen by three masks, each NULL
/// or "" for none, else names separated by commas (spaces around them are
/// ignored); with no mask, every attribute. `attribute_names` keeps the
/// attributes with those names. `tag_names` keeps those whose definition
/// has at least one of the tags; `namespace_names` those whose namespace
/// has one of the names as a part (`"Hydro"` matches `EnergySystem.Hydro`
/// and `Hydro.Small`: give single namespaces, without dots). Given both,
/// tags and namespaces must both match. Names cannot be combined with
/// tags or namespaces. Masks that match nothing give no attributes.
///
/// An unknown target gives `MESH_ERROR_NOT_FOUND`; text that is neither id
/// nor path, or masks that break the rules above,
/// `MESH_ERROR_INVALID_ARGUMENT` without a request.
///
/// @param session The session to work in.
/// @param target The object: its id (canonical or braced) or path.
/// @param view How much of the object to read: `MESH_MODEL_VIEW_FULL`,
///   `MESH_MODEL_VIEW_NO_DEFINITIONS` or `MESH_MODEL_VIEW_NO_ATTRIBUTES`.
/// @param attribute_names NULL or "" for no name mask, or attribute names
///   separated by commas.
/// @param tag_names NULL or "" for no tag mask, or tag names separated by
///   commas: keeps the attributes with at least one of them.
/// @param namespace_names NULL or "" for no namespace mask, or namespaces
///   (without dots) separated by commas: keeps the attributes whose namespace
///   has one of them as a part.
/// @param out_object Receives the new object on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, an unknown view, a mask with an empty name,
///   names with tags or namespaces, or a namespace with a dot;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no object has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_read(
    session: *mut mesh_session,
    target: *const c_char,
    view: i32,
    attribute_names: *const c_char,
    tag_names: *const c_char,
    namespace_names: *const c_char,
    out_object: *mut *mut mesh_object,
) -> mesh_status {
    guard("mesh_object_read", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_object_read_request(
                session,
                target,
                view,
                attribute_names,
                tag_names,
                namespace_names,
            )
        }?
        .wait(out_object, "out_object")
    })
}

pub(crate) unsafe fn mesh_object_read_request(
    session: *mut mesh_session,
    target: *const c_char,
    view: i32,
    attribute_names: *const c_char,
    tag_names: *const c_char,
    namespace_names: *const c_char,
) -> FfiResult<Request<*mut mesh_object>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let view = self::view(view)?;
    let filter = attribute_filter(attribute_names, tag_names, namespace_names)?;
    Ok(handle.request(
        move |h| async move { h.session.get_object(&target, view, &filter).await },
        register_object,
    ))
}

/// Runs `query` (Mesh's search language, e.g. `"*[.Type=PlantElementType]"`)
/// from the object `start` (id or path) and puts the objects found into a
/// new `*out_list` (free with `mesh_object_list_free`). Finding nothing is
/// an empty list. `view` and the masks (`attribute_names`, `tag_names`,
/// `namespace_names`) as for `mesh_object_read`: they choose the attributes
/// each object carries, not which objects are found.
///
/// @param session The session to work in.
/// @param start The object to search from: its id (canonical or braced) or
///   path.
/// @param query The search, in Mesh's search language.
/// @param view How much of each object to read: `MESH_MODEL_VIEW_FULL`,
///   `MESH_MODEL_VIEW_NO_DEFINITIONS` or `MESH_MODEL_VIEW_NO_ATTRIBUTES`.
/// @param attribute_names NULL or "" for no name mask, or attribute names
///   separated by commas.
/// @param tag_names NULL or "" for no tag mask, or tag names separated by
///   commas: keeps the attributes with at least one of them.
/// @param namespace_names NULL or "" for no namespace mask, or namespaces
///   (without dots) separated by commas: keeps the attributes whose namespace
///   has one of them as a part.
/// @param out_list Receives the new list of objects found (possibly empty) on
///   success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a start
///   that is neither id nor path, an unknown view, a mask with an empty name,
///   names with tags or namespaces, or a namespace with a dot;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no object has the id or path start; or a status
///   of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_search(
    session: *mut mesh_session,
    start: *const c_char,
    query: *const c_char,
    view: i32,
    attribute_names: *const c_char,
    tag_names: *const c_char,
    namespace_names: *const c_char,
    out_list: *mut *mut mesh_object_list,
) -> mesh_status {
    guard("mesh_object_search", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_object_search_request(
                session,
                start,
                query,
                view,
                attribute_names,
                tag_names,
                namespace_names,
            )
        }?
        .wait(out_list, "out_list")
    })
}

pub(crate) unsafe fn mesh_object_search_request(
    session: *mut mesh_session,
    start: *const c_char,
    query: *const c_char,
    view: i32,
    attribute_names: *const c_char,
    tag_names: *const c_char,
    namespace_names: *const c_char,
) -> FfiResult<Request<*mut mesh_object_list>> {
    let handle = session::resolve(session)?;
    let start = target(start, "start")?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let query = unsafe { c_str(query, "query") }?.to_string();
    let view = self::view(view)?;
    let filter = attribute_filter(attribute_names, tag_names, namespace_names)?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .search_objects(&start, &query, view, &filter)
                .await
        },
        register_objects,
    ))
}

/// Puts every object of the object definition `definition` (id or
/// `Repository/...` path) into a new `*out_list`. `view` and the masks
/// (`attribute_names`, `tag_names`, `namespace_names`) as for
/// `mesh_object_read`.
///
/// @param session The session to work in.
/// @param definition The object definition: its id (canonical or braced) or
///   `Repository/...` path.
/// @param view How much of each object to read: `MESH_MODEL_VIEW_FULL`,
///   `MESH_MODEL_VIEW_NO_DEFINITIONS` or `MESH_MODEL_VIEW_NO_ATTRIBUTES`.
/// @param attribute_names NULL or "" for no name mask, or attribute names
///   separated by commas.
/// @param tag_names NULL or "" for no tag mask, or tag names separated by
///   commas: keeps the attributes with at least one of them.
/// @param namespace_names NULL or "" for no namespace mask, or namespaces
///   (without dots) separated by commas: keeps the attributes whose namespace
///   has one of them as a part.
/// @param out_list Receives the new list of objects (free with
///   `mesh_object_list_free`) on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a
///   definition that is neither id nor path, an unknown view, a mask with an
///   empty name, names with tags or namespaces, or a namespace with a dot;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no object definition has that id or path; or a
///   status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_search_by_definition(
    session: *mut mesh_session,
    definition: *const c_char,
    view: i32,
    attribute_names: *const c_char,
    tag_names: *const c_char,
    namespace_names: *const c_char,
    out_list: *mut *mut mesh_object_list,
) -> mesh_status {
    guard("mesh_object_search_by_definition", || {
        // SAFETY: passed on from the caller.
        unsafe {
            mesh_object_search_by_definition_request(
                session,
                definition,
                view,
                attribute_names,
                tag_names,
                namespace_names,
            )
        }?
        .wait(out_list, "out_list")
    })
}

pub(crate) unsafe fn mesh_object_search_by_definition_request(
    session: *mut mesh_session,
    definition: *const c_char,
    view: i32,
    attribute_names: *const c_char,
    tag_names: *const c_char,
    namespace_names: *const c_char,
) -> FfiResult<Request<*mut mesh_object_list>> {
    let handle = session::resolve(session)?;
    let definition = target(definition, "definition")?;
    let view = self::view(view)?;
    let filter = attribute_filter(attribute_names, tag_names, namespace_names)?;
    Ok(handle.request(
        move |h| async move {
            h.session
                .search_objects_by_definition(&definition, view, &filter)
                .await
        },
        register_objects,
    ))
}

/// Reads one attribute (by id, or path such as
/// `"Model/M/Component/Plant.DblAtt"`) into a new `*out_attribute` (free
/// with `mesh_attribute_free`). `view` is `MESH_MODEL_VIEW_FULL` or
/// `MESH_MODEL_VIEW_NO_DEFINITIONS`.
///
/// @param session The session to work in.
/// @param target The attribute: its id (canonical or braced) or path.
/// @param view `MESH_MODEL_VIEW_FULL` (with the definition) or
///   `MESH_MODEL_VIEW_NO_DEFINITIONS`.
/// @param out_attribute Receives the new attribute on success; untouched on
///   failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a target
///   that is neither id nor path, or a view other than the two allowed;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no attribute has that id or path; or a status of
///   the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_read(
    session: *mut mesh_session,
    target: *const c_char,
    view: i32,
    out_attribute: *mut *mut mesh_attribute,
) -> mesh_status {
    guard("mesh_attribute_read", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_read_request(session, target, view) }?
            .wait(out_attribute, "out_attribute")
    })
}

pub(crate) unsafe fn mesh_attribute_read_request(
    session: *mut mesh_session,
    target: *const c_char,
    view: i32,
) -> FfiResult<Request<*mut mesh_attribute>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    let view = attribute_view(view)?;
    Ok(handle.request(
        move |h| async move { h.session.get_attribute(&target, view).await },
        register_attribute,
    ))
}

/// Runs `query` from the object `start` and puts the attributes found into
/// a new `*out_list` (free with `mesh_attribute_list_free`); the query ends
/// in `.Name` or `.A,B,C`, e.g. `"{*}.DblAtt"`. `view` is `MESH_MODEL_VIEW_FULL`
/// or `MESH_MODEL_VIEW_NO_DEFINITIONS`.
///
/// @param session The session to work in.
/// @param start The object to search from: its id (canonical or braced) or
///   path.
/// @param query The search, in Mesh's search language, ending in the attribute
///   names.
/// @param view `MESH_MODEL_VIEW_FULL` (with the definition) or
///   `MESH_MODEL_VIEW_NO_DEFINITIONS`.
/// @param out_list Receives the new list of attributes found (possibly empty)
///   on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument, a start
///   that is neither id nor path, or a view other than the two allowed;
///   MESH_ERROR_INVALID_HANDLE for a closed or made-up session;
///   MESH_ERROR_NOT_FOUND when no object has the id or path start; or a status
///   of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_attribute_search(
    session: *mut mesh_session,
    start: *const c_char,
    query: *const c_char,
    view: i32,
    out_list: *mut *mut mesh_attribute_list,
) -> mesh_status {
    guard("mesh_attribute_search", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_attribute_search_request(session, start, query, view) }?
            .wait(out_list, "out_list")
    })
}

pub(crate) unsafe fn mesh_attribute_search_request(
    session: *mut mesh_session,
    start: *const c_char,
    query: *const c_char,
    view: i32,
) -> FfiResult<Request<*mut mesh_attribute_list>> {
    let handle = session::resolve(session)?;
    let start = target(start, "start")?;
    // SAFETY: the caller passes NULL or a NUL-terminated string.
    let query = unsafe { c_str(query, "query") }?.to_string();
    let view = attribute_view(view)?;
    Ok(handle.request(
        move |h| async move { h.session.search_attributes(&start, &query, view).await },
        register_attributes,
    ))
}

/// Puts the link relation attributes that point at the object `target`
/// (id or path) into a new `*out_list` of ids and paths (free with
/// `mesh_id_list_free`).
///
/// @param session The session to work in.
/// @param target The object linked to: its id (canonical or braced) or path.
/// @param out_list Receives the new list of the linking attributes' ids and
///   paths on success; untouched on failure.
/// @return MESH_OK; MESH_ERROR_INVALID_ARGUMENT for a NULL argument or a target
///   that is neither id nor path; MESH_ERROR_INVALID_HANDLE for a closed or
///   made-up session; MESH_ERROR_NOT_FOUND when no object has that id or path;
///   or a status of the call to the server (see `mesh_status`).
#[no_mangle]
pub unsafe extern "C" fn mesh_object_read_linked_from(
    session: *mut mesh_session,
    target: *const c_char,
    out_list: *mut *mut mesh_id_list,
) -> mesh_status {
    guard("mesh_object_read_linked_from", || {
        // SAFETY: passed on from the caller.
        unsafe { mesh_object_read_linked_from_request(session, target) }?.wait(out_list, "out_list")
    })
}

pub(crate) unsafe fn mesh_object_read_linked_from_request(
    session: *mut mesh_session,
    target: *const c_char,
) -> FfiResult<Request<*mut mesh_id_list>> {
    let handle = session::resolve(session)?;
    let target = self::target(target, "target")?;
    Ok(handle.request(
        move |h| async move { h.session.search_linked_from(&target).await },
        register_ids,
    ))
}
