//! Handles for model results, made so that a search of many objects costs
//! one registry entry, not one per object or attribute.
//!
//! A result (a list of objects or attributes, or one object or attribute)
//! is a block: an immutable, shared value that takes handles when
//! registered, one for the list itself, one for each object and one for
//! each attribute in it, all made at once and kept in the block, so
//! handing one out allocates nothing and checking one is a slot lookup
//! (`handles`). Items are borrows: valid until their block is freed, after
//! which their handles are refused like any freed handle.

use std::ops::Deref;
use std::sync::Arc;

use crate::client::model::{Attribute, Object};
use crate::ffi::handles::{
    free_items, item_of, register_items, HandleKind, ItemHandles, WithItemHandles,
};
use crate::ffi::{mesh_status, Failure, FfiResult};

/// Objects, as a search or `mesh_model_list_read` found them (freed with
/// `mesh_object_list_free`). Results are snapshots: they stay valid after
/// their session is closed and after `mesh_library_shutdown`, and later changes are
/// not seen in them.
pub struct mesh_object_list {
    _private: [u8; 0],
}

/// One object: owned when a session call returned it (`mesh_object_read`,
/// `mesh_object_create`, `mesh_model_create`; freed with
/// `mesh_object_free`), or borrowed from a list (valid until the list is
/// freed).
pub struct mesh_object {
    _private: [u8; 0],
}

/// Attributes, as `mesh_attribute_search` found them (freed with
/// `mesh_attribute_list_free`).
pub struct mesh_attribute_list {
    _private: [u8; 0],
}

/// One attribute: owned when `mesh_attribute_read` returned it (freed with
/// `mesh_attribute_free`), or borrowed from an object or attribute list
/// (valid until the object or list that owns it is freed).
pub struct mesh_attribute {
    _private: [u8; 0],
}

enum Items {
    Objects {
        objects: Vec<Object>,
        /// Where each object's attributes start in the flat numbering of
        /// all attributes of the block; one more entry than objects.
        attribute_starts: Vec<usize>,
        /// The object each attribute of the flat numbering belongs to.
        attribute_owner: Vec<u32>,
    },
    Attributes(Vec<Attribute>),
}

/// A registered result. Its handles, by offset: the list, then the
/// objects, then every attribute in object order.
pub(crate) struct Block {
    /// Owned by its one item (an object or attribute), not by a list handle.
    single: bool,
    items: Items,
    handles: ItemHandles,
}

impl Block {
    fn object_count(&self) -> usize {
        match &self.items {
            Items::Objects { objects, .. } => objects.len(),
            Items::Attributes(_) => 0,
        }
    }

    fn attribute_count(&self) -> usize {
        match &self.items {
            Items::Objects {
                attribute_starts, ..
            } => attribute_starts.last().copied().unwrap_or(0),
            Items::Attributes(attributes) => attributes.len(),
        }
    }

    /// Number of items in the list (objects, or attributes of an attribute list).
    pub(crate) fn len(&self) -> usize {
        match &self.items {
            Items::Objects { objects, .. } => objects.len(),
            Items::Attributes(attributes) => attributes.len(),
        }
    }

    /// Where attribute `flat` of the flat numbering is: the object (none
    /// in an attribute block) and its index there.
    fn attribute_place(&self, flat: usize) -> Option<(Option<usize>, usize)> {
        match &self.items {
            Items::Objects {
                attribute_starts,
                attribute_owner,
                ..
            } => {
                let object = *attribute_owner.get(flat)? as usize;
                Some((Some(object), flat - attribute_starts[object]))
            }
            Items::Attributes(attributes) => (flat < attributes.len()).then_some((None, flat)),
        }
    }

    fn object_handle(&self, index: usize) -> *mut mesh_object {
        self.handles.at(1 + index)
    }

    fn attribute_handle(&self, flat: usize) -> *mut mesh_attribute {
        self.handles.at(1 + self.object_count() + flat)
    }
}

impl WithItemHandles for Block {
    fn kinds(&self) -> Vec<HandleKind> {
        let (list, item) = match self.items {
            Items::Objects { .. } => (HandleKind::ObjectList, HandleKind::Object),
            Items::Attributes(_) => (HandleKind::AttributeList, HandleKind::Attribute),
        };
        let mut kinds = vec![list];
        kinds.extend(std::iter::repeat_n(item, self.len()));
        if let Items::Objects { .. } = self.items {
            kinds.extend(std::iter::repeat_n(
                HandleKind::Attribute,
                self.attribute_count(),
            ));
        }
        kinds
    }

    fn handles(&self) -> &ItemHandles {
        &self.handles
    }
}

fn register(items: Items, single: bool) -> FfiResult<Arc<Block>> {
    register_items(Block {
        single,
        items,
        handles: ItemHandles::default(),
    })
}

fn objects_items(objects: Vec<Object>) -> FfiResult<Items> {
    let total: usize = objects.iter().map(|o| o.attributes.len()).sum();
    let mut attribute_starts = Vec::with_capacity(objects.len() + 1);
    let mut attribute_owner = Vec::with_capacity(total);
    attribute_starts.push(0);
    for (i, object) in objects.iter().enumerate() {
        let i = u32::try_from(i).map_err(|_| {
            Failure::new(
                mesh_status::MESH_ERROR_RESOURCE_EXHAUSTED,
                "more objects in one result than handles can number",
            )
        })?;
        attribute_owner.extend(std::iter::repeat_n(i, object.attributes.len()));
        attribute_starts.push(attribute_owner.len());
    }
    Ok(Items::Objects {
        objects,
        attribute_starts,
        attribute_owner,
    })
}

/// Registers objects as a list.
pub(crate) fn register_objects(objects: Vec<Object>) -> FfiResult<*mut mesh_object_list> {
    Ok(register(objects_items(objects)?, false)?.handles.at(0))
}

/// Registers one object, owned by its handle.
pub(crate) fn register_object(object: Object) -> FfiResult<*mut mesh_object> {
    Ok(register(objects_items(vec![object])?, true)?.object_handle(0))
}

/// Registers attributes as a list.
pub(crate) fn register_attributes(
    attributes: Vec<Attribute>,
) -> FfiResult<*mut mesh_attribute_list> {
    Ok(register(Items::Attributes(attributes), false)?
        .handles
        .at(0))
}

/// Registers one attribute, owned by its handle.
pub(crate) fn register_attribute(attribute: Attribute) -> FfiResult<*mut mesh_attribute> {
    Ok(register(Items::Attributes(vec![attribute]), true)?.attribute_handle(0))
}

/// The block behind a handle of kind `kind`, and the handle's offset in it.
fn lookup<H>(handle: *const H, kind: HandleKind, what: &str) -> FfiResult<(Arc<Block>, usize)> {
    item_of(handle, kind, what)
}

/// A list behind a list handle.
fn list<H>(handle: *const H, kind: HandleKind, what: &str) -> FfiResult<Arc<Block>> {
    let (block, offset) = lookup(handle, kind, what)?;
    if offset != 0 || block.single {
        return Err(Failure::invalid_handle(what));
    }
    Ok(block)
}

pub(crate) fn object_list(handle: *const mesh_object_list) -> FfiResult<Arc<Block>> {
    list(handle, HandleKind::ObjectList, "object list")
}

pub(crate) fn attribute_list(handle: *const mesh_attribute_list) -> FfiResult<Arc<Block>> {
    list(handle, HandleKind::AttributeList, "attribute list")
}

fn index_failure(what: &str, index: usize, count: usize) -> Failure {
    Failure::invalid_argument(format!(
        "{what} index {index} is out of range: there are {count}"
    ))
}

/// The handle of item `index` of an object list.
pub(crate) fn object_list_item(list: &Block, index: usize) -> FfiResult<*mut mesh_object> {
    let count = list.object_count();
    if index >= count {
        return Err(index_failure("object", index, count));
    }
    Ok(list.object_handle(index))
}

/// The handle of item `index` of an attribute list.
pub(crate) fn attribute_list_item(list: &Block, index: usize) -> FfiResult<*mut mesh_attribute> {
    let count = list.len();
    if index >= count {
        return Err(index_failure("attribute", index, count));
    }
    Ok(list.attribute_handle(index))
}

/// An object behind a handle, kept alive by its block.
pub(crate) struct ObjectRef {
    block: Arc<Block>,
    index: usize,
}

impl Deref for ObjectRef {
    type Target = Object;
    fn deref(&self) -> &Object {
        match &self.block.items {
            Items::Objects { objects, .. } => &objects[self.index],
            // `object` only makes refs into object blocks.
            Items::Attributes(_) => unreachable!("object ref into an attribute block"),
        }
    }
}

impl ObjectRef {
    /// The handle of the object's attribute `index` (a borrow).
    pub(crate) fn attribute_handle(&self, index: usize) -> FfiResult<*mut mesh_attribute> {
        let count = self.attributes.len();
        if index >= count {
            return Err(index_failure("attribute", index, count));
        }
        match &self.block.items {
            Items::Objects {
                attribute_starts, ..
            } => Ok(self
                .block
                .attribute_handle(attribute_starts[self.index] + index)),
            Items::Attributes(_) => Err(Failure::invalid_handle("object")),
        }
    }
}

pub(crate) fn object(handle: *const mesh_object) -> FfiResult<ObjectRef> {
    let (block, offset) = lookup(handle, HandleKind::Object, "object")?;
    if offset == 0 || offset > block.object_count() {
        return Err(Failure::invalid_handle("object"));
    }
    Ok(ObjectRef {
        block,
        index: offset - 1,
    })
}

/// An attribute behind a handle, kept alive by its block.
pub(crate) struct AttributeRef {
    block: Arc<Block>,
    /// The object it belongs to (none in an attribute block), and its index.
    object: Option<usize>,
    index: usize,
}

impl Deref for AttributeRef {
    type Target = Attribute;
    fn deref(&self) -> &Attribute {
        // `attribute` placed it, so the indexes are in range.
        match (&self.block.items, self.object) {
            (Items::Objects { objects, .. }, Some(object)) => {
                &objects[object].attributes[self.index]
            }
            (Items::Attributes(attributes), None) => &attributes[self.index],
            _ => unreachable!("attribute ref of the wrong kind of block"),
        }
    }
}

pub(crate) fn attribute(handle: *const mesh_attribute) -> FfiResult<AttributeRef> {
    let (block, offset) = lookup(handle, HandleKind::Attribute, "attribute")?;
    let first = 1 + block.object_count();
    let (object, index) = offset
        .checked_sub(first)
        .and_then(|flat| block.attribute_place(flat))
        .ok_or_else(|| Failure::invalid_handle("attribute"))?;
    Ok(AttributeRef {
        block,
        object,
        index,
    })
}

/// Frees a list; NULL is a no-op.
pub(crate) fn free_object_list(handle: *const mesh_object_list) -> FfiResult {
    if handle.is_null() {
        return Ok(());
    }
    let list = object_list(handle)?;
    free_items(&*list, "object list")
}

pub(crate) fn free_attribute_list(handle: *const mesh_attribute_list) -> FfiResult {
    if handle.is_null() {
        return Ok(());
    }
    let list = attribute_list(handle)?;
    free_items(&*list, "attribute list")
}

/// Frees an owned object; a borrowed one is left to its list. NULL is a no-op.
pub(crate) fn free_object(handle: *const mesh_object) -> FfiResult {
    if handle.is_null() {
        return Ok(());
    }
    let object = object(handle)?;
    if object.block.single {
        free_items(&*object.block, "object")?;
    }
    Ok(())
}

/// Frees an owned attribute; a borrowed one is left to its owner. NULL is a no-op.
pub(crate) fn free_attribute(handle: *const mesh_attribute) -> FfiResult {
    if handle.is_null() {
        return Ok(());
    }
    let attribute = attribute(handle)?;
    if attribute.block.single && matches!(attribute.block.items, Items::Attributes(_)) {
        free_items(&*attribute.block, "attribute")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::model::Object;

    fn ok<T>(r: FfiResult<T>) -> T {
        r.unwrap_or_else(|f| panic!("{}", f.message))
    }

    fn attr(name: &str) -> Attribute {
        Attribute {
            name: name.into(),
            ..Attribute::default()
        }
    }

    fn obj(name: &str, attrs: &[&str]) -> Object {
        Object {
            name: name.into(),
            attributes: attrs.iter().map(|a| attr(a)).collect(),
            ..Object::default()
        }
    }

    #[test]
    fn items_of_a_list_resolve_to_their_values_until_it_is_freed() {
        let list_handle = ok(register_objects(vec![
            obj("a", &["a1", "a2"]),
            obj("b", &[]),
            obj("c", &["c1"]),
        ]));
        let list = ok(object_list(list_handle));
        assert_eq!(list.len(), 3);
        let mut names = Vec::new();
        let mut attribute_handles = Vec::new();
        for i in 0..3 {
            let h = ok(object_list_item(&list, i));
            let o = ok(object(h));
            for j in 0..o.attributes.len() {
                let h = ok(o.attribute_handle(j));
                names.push(ok(attribute(h)).name.clone());
                attribute_handles.push(h);
            }
            assert!(o.attribute_handle(o.attributes.len()).is_err());
        }
        assert_eq!(names, ["a1", "a2", "c1"]);
        assert!(object_list_item(&list, 3).is_err());
        // A borrowed object is not freed by mesh_object_free.
        let first = ok(object_list_item(&list, 0));
        ok(free_object(first));
        assert_eq!(ok(object(first)).name, "a");
        // Handles of one kind are not taken for another.
        assert!(attribute(first.cast()).is_err());
        assert!(object(list_handle.cast()).is_err());
        assert!(object_list(first.cast()).is_err());
        drop(list);
        ok(free_object_list(list_handle));
        assert!(object(first).is_err());
        for h in attribute_handles {
            assert!(attribute(h).is_err());
        }
        assert!(free_object_list(list_handle).is_err());
        ok(free_object_list(std::ptr::null()));
    }

    #[test]
    fn single_items_own_their_block() {
        let o = ok(register_object(obj("x", &["y"])));
        let a = ok(ok(object(o)).attribute_handle(0));
        // Freeing a borrowed attribute leaves it alone.
        ok(free_attribute(a));
        assert_eq!(ok(attribute(a)).name, "y");
        ok(free_object(o));
        assert!(attribute(a).is_err());
        assert!(free_object(o).is_err());

        let a = ok(register_attribute(attr("z")));
        assert_eq!(ok(attribute(a)).name, "z");
        ok(free_attribute(a));
        assert!(attribute(a).is_err());
    }

    #[test]
    fn made_up_numbers_are_not_found() {
        let list = ok(register_attributes(vec![attr("p"), attr("q")]));
        let list_block = ok(attribute_list(list));
        let q: *mut mesh_attribute = ok(attribute_list_item(&list_block, 1));
        assert_eq!(ok(attribute(q)).name, "q");
        for made_up in [q.addr() + (1 << 20), q.addr() ^ (1 << 40), 1, usize::MAX] {
            let h: *const mesh_attribute = std::ptr::without_provenance(made_up);
            assert!(attribute(h).is_err(), "{made_up:#x}");
        }
        drop(list_block);
        ok(free_attribute_list(list));
        assert!(attribute(q).is_err());
    }
}
