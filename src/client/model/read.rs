//! Reading the model: list models, get an object or attribute, search
//! objects and attributes with Mesh's search language, search objects by
//! definition, and find the link relations that point at an object. Server
//! streams are read to their end within the call timeout.
//!
//! How much comes back is chosen with a [`View`] (sent as field masks) and
//! an [`AttributeFilter`] (sent as attribute masks).

use super::decode::{self, Decoder};
use super::types::{Attribute, MeshRef, Object, ValueType};
use super::{classify, collect, Target};
use crate::client::error::{Error, Result};
use crate::client::session::Session;
use crate::proto::model as pm;

/// How much of each object comes back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum View {
    /// Objects with their attributes, each with its definition.
    #[default]
    Full,
    /// Objects with their attributes, without definitions: much less to
    /// send when many objects are read.
    NoDefinitions,
    /// Objects without attributes.
    NoAttributes,
}

/// The attribute fields sent without definitions.
const ATTRIBUTE_FIELDS_NO_DEFINITION: [&str; 7] = [
    "id",
    "path",
    "name",
    "values",
    "value_type",
    "value_type_collection",
    "owner_id",
];

/// The object fields sent without attributes.
const OBJECT_FIELDS_NO_ATTRIBUTES: [&str; 7] = [
    "id",
    "path",
    "name",
    "type_name",
    "owner_id",
    "object_definition_id",
    "name_space_id",
];

fn mask(paths: &[&str]) -> prost_types::FieldMask {
    prost_types::FieldMask {
        paths: paths.iter().map(|p| p.to_string()).collect(),
    }
}

impl View {
    fn object_mask(self) -> Option<prost_types::FieldMask> {
        (self == View::NoAttributes).then(|| mask(&OBJECT_FIELDS_NO_ATTRIBUTES))
    }

    fn attribute_mask(self) -> Option<prost_types::FieldMask> {
        (self == View::NoDefinitions).then(|| mask(&ATTRIBUTE_FIELDS_NO_DEFINITION))
    }
}

/// Which attributes an object carries. Empty lists filter nothing. Names
/// match exactly; tags OR together, namespaces OR together, and tags AND
/// namespaces; Mesh refuses names or types combined with anything else.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AttributeFilter {
    pub names: Vec<String>,
    pub tags: Vec<String>,
    pub namespaces: Vec<String>,
    pub types: Vec<ValueType>,
}

impl AttributeFilter {
    /// A filter that keeps only the attributes named in `names`.
    pub fn names<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> AttributeFilter {
        AttributeFilter {
            names: names.into_iter().map(|s| s.as_ref().to_string()).collect(),
            ..AttributeFilter::default()
        }
    }

    /// Sent always, empty for no filter, as the official client does.
    fn to_proto(&self) -> pm::AttributesMasks {
        let field_mask =
            |v: &[String]| (!v.is_empty()).then(|| prost_types::FieldMask { paths: v.to_vec() });
        pm::AttributesMasks {
            name_mask: field_mask(&self.names),
            tag_mask: field_mask(&self.tags),
            namespace_mask: field_mask(&self.namespaces),
            types: self.types.iter().map(|t| *t as i32).collect(),
        }
    }
}

fn no_attributes_for_attribute() -> Error {
    Error::invalid_argument("View::NoAttributes applies to objects, not to attributes")
}

impl Session {
    /// Every model (root object), with its attributes.
    pub async fn list_models(&self) -> Result<Vec<Object>> {
        let response = self
            .shared()
            .call("ListModels", |channel, guid| async move {
                self.model_client(channel)
                    .list_models(pm::ListModelsRequest {
                        session_id: Some(guid),
                        model_definition_id: None,
                        object_field_mask: None,
                    })
                    .await
            })
            .await
            .map_err(classify)?;
        let mut decoder = Decoder::default();
        response
            .models
            .into_iter()
            .map(|m| decoder.object(m))
            .collect()
    }

    /// One object (a model too), with the attributes the view and filter
    /// ask for.
    pub async fn get_object(
        &self,
        target: &Target,
        view: View,
        filter: &AttributeFilter,
    ) -> Result<Object> {
        let request = pm::GetObjectRequest {
            session_id: None,
            object_id: Some(target.to_proto()),
            object_field_mask: view.object_mask(),
            attributes_masks: Some(filter.to_proto()),
            attribute_field_mask: view.attribute_mask(),
        };
        let object = self
            .shared()
            .call("GetObject", |channel, guid| {
                let request = pm::GetObjectRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move { self.model_client(channel).get_object(request).await }
            })
            .await
            .map_err(classify)?;
        Decoder::default().object(object)
    }

    /// The objects `query` (Mesh's search language) finds from `start`.
    /// Finding nothing is an empty list, not an error.
    pub async fn search_objects(
        &self,
        start: &Target,
        query: &str,
        view: View,
        filter: &AttributeFilter,
    ) -> Result<Vec<Object>> {
        let request = pm::SearchObjectsRequest {
            session_id: None,
            start_object_id: Some(start.to_proto()),
            query: query.to_string(),
            object_field_mask: view.object_mask(),
            attributes_masks: Some(filter.to_proto()),
            attribute_field_mask: view.attribute_mask(),
        };
        let objects = self
            .shared()
            .call("SearchObjects", |channel, guid| {
                let request = pm::SearchObjectsRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    let mut decoder = Decoder::default();
                    collect(
                        self.model_client(channel).search_objects(request).await,
                        |o| decoder.object(o),
                    )
                    .await
                }
            })
            .await
            .map_err(classify)?;
        objects
    }

    /// Every object of the object definition `definition`.
    pub async fn search_objects_by_definition(
        &self,
        definition: &Target,
        view: View,
        filter: &AttributeFilter,
    ) -> Result<Vec<Object>> {
        let request = pm::SearchObjectsByDefinitionRequest {
            session_id: None,
            object_definition_id: Some(definition.to_proto()),
            object_field_mask: view.object_mask(),
            attributes_masks: Some(filter.to_proto()),
            attribute_field_mask: view.attribute_mask(),
        };
        let objects = self
            .shared()
            .call("SearchObjectsByDefinition", |channel, guid| {
                let request = pm::SearchObjectsByDefinitionRequest {
                    session_id: Some(guid),
                    ..request.clone()
                };
                async move {
                    let mut decoder = Decoder::default();
                    collect(
                        self.model_client(channel)
                            .search_objects_by_definition(request)
                            .await,
                        |o| decoder.object(o),
                    )
                    .await
                }
            })
            .await
            .map_err(classify)?;
        objects
    }

    /// One attribute; `view` is `Full` or `NoDefinitions`.
    pub async fn get_attribute(&self, target: &Target, view: View) -> Result<Attribute> {
        if view == View::NoAttributes {
            return Err(no_attributes_for_attribute());
        }
        let id = target.to_proto();
        let attribute = self
            .shared()
            .call("GetAttribute", |channel, guid| {
                let request = pm::GetAttributeRequest {
                    session_id: Some(guid),
                    attribute_id: Some(id.clone()),
                    field_mask: view.attribute_mask(),
                };
                async move { self.model_client(channel).get_attribute(request).await }
            })
            .await
            .map_err(classify)?;
        Decoder::default().attribute(attribute)
    }

    /// The attributes `query` finds from `start` (a query ending in
    /// `.Attribute` or `.A,B,C`); `view` is `Full` or `NoDefinitions`.
    pub async fn search_attributes(
        &self,
        start: &Target,
        query: &str,
        view: View,
    ) -> Result<Vec<Attribute>> {
        if view == View::NoAttributes {
            return Err(no_attributes_for_attribute());
        }
        let start = start.to_proto();
        let attributes = self
            .shared()
            .call("SearchAttributes", |channel, guid| {
                let request = pm::SearchAttributesRequest {
                    session_id: Some(guid),
                    start_object_id: Some(start.clone()),
                    query: query.to_string(),
                    field_mask: view.attribute_mask(),
                };
                async move {
                    let mut decoder = Decoder::default();
                    collect(
                        self.model_client(channel).search_attributes(request).await,
                        |a| decoder.attribute(a),
                    )
                    .await
                }
            })
            .await
            .map_err(classify)?;
        attributes
    }

    /// The link relation attributes (of any object) that point at `target`.
    pub async fn search_linked_from(&self, target: &Target) -> Result<Vec<MeshRef>> {
        let id = target.to_proto();
        let found = self
            .shared()
            .call("SearchLinkedFrom", |channel, guid| {
                let request = pm::SearchLinkedFromRequest {
                    session_id: Some(guid),
                    target_object_id: Some(id.clone()),
                };
                async move {
                    collect(
                        self.model_client(channel).search_linked_from(request).await,
                        |r: pm::SearchLinkedFromResponse| {
                            r.link_relation_id.map(decode::mesh_ref).transpose()
                        },
                    )
                    .await
                }
            })
            .await
            .map_err(classify)?;
        Ok(found?.into_iter().flatten().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_become_masks() {
        assert_eq!(View::Full.object_mask(), None);
        assert_eq!(View::Full.attribute_mask(), None);
        let no_defs = View::NoDefinitions.attribute_mask().unwrap();
        assert!(!no_defs.paths.iter().any(|p| p == "definition"));
        assert_eq!(no_defs.paths.len(), 7);
        assert_eq!(View::NoDefinitions.object_mask(), None);
        let no_attrs = View::NoAttributes.object_mask().unwrap();
        assert!(!no_attrs.paths.iter().any(|p| p == "attributes"));
        assert_eq!(View::NoAttributes.attribute_mask(), None);
    }

    #[test]
    fn filters_are_sent_present_and_empty_for_none() {
        let none = AttributeFilter::default().to_proto();
        assert_eq!(none, pm::AttributesMasks::default());
        let names = AttributeFilter::names(["A", "B"]).to_proto();
        assert_eq!(names.name_mask.unwrap().paths, vec!["A", "B"]);
        assert!(names.tag_mask.is_none());
        let types = AttributeFilter {
            types: vec![ValueType::Double, ValueType::XySet],
            ..Default::default()
        }
        .to_proto();
        assert_eq!(types.types, vec![2, 11]);
    }
}
