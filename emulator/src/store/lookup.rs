//! What a `MeshId` names in a session's view: a resource (by key, id or
//! `Resource/...` path) or a model node (by id or `Model/...` path). When a
//! request gives more than one of id, path and key, they must all name the
//! same thing.

use uuid::Uuid;

use super::model::Node;
use super::View;
use crate::wire::Target;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Found {
    Resource(Uuid),
    Model(Node),
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LookupError {
    Key(i64),
    Path(String),
    Id(Uuid),
    /// Id, path and key name different things.
    Different,
}

impl View {
    pub(crate) fn find(&self, target: &Target) -> Result<Found, LookupError> {
        let mut found: Option<Found> = None;
        let mut agree = |next: Found| match found {
            Some(previous) if previous != next => Err(LookupError::Different),
            _ => {
                found = Some(next);
                Ok(())
            }
        };
        if let Some(key) = target.key {
            let resource = self.catalog.by_key(key).ok_or(LookupError::Key(key))?;
            agree(Found::Resource(resource.id))?;
        }
        if let Some(id) = target.id {
            let next = if self.catalog.get(id).is_some() {
                Found::Resource(id)
            } else {
                Found::Model(self.model.node_by_id(id).ok_or(LookupError::Id(id))?)
            };
            agree(next)?;
        }
        if let Some(path) = &target.path {
            let next = if path.starts_with("Resource/") {
                self.catalog.by_path(path).map(|r| Found::Resource(r.id))
            } else {
                self.model.node_by_path(path).map(Found::Model)
            };
            agree(next.ok_or_else(|| LookupError::Path(path.clone()))?)?;
        }
        found.ok_or(LookupError::Different)
    }
}
