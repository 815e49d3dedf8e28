//! The model in the C API: objects and attributes read and searched
//! (`read`, `handles`, `object`, `attribute`, `definition`, `lists`), their
//! curves (`curves`), and changes to them (`update`).

pub(crate) mod args;
mod attribute;
mod curves;
mod definition;
pub(crate) mod handles;
mod lists;
mod object;
mod read;
mod update;

pub use attribute::*;
pub use curves::*;
pub use definition::*;
pub use handles::{mesh_attribute, mesh_attribute_list, mesh_object, mesh_object_list};
pub use lists::*;
pub use object::*;
pub use read::*;
pub use update::*;
