//! Changing the model inside a session: simple attribute values (single
//! and collections), time series attributes and their definitions, link
//! relations (plain and versioned), and objects (create, rename, move,
//! delete) and models. Changes are the session's own until it commits.
//!
//! Mesh updates follow field masks, not presence: a time series key of 0
//! (disconnect) or an empty expression (back to the template) are absent on
//! the wire, so they are only sent when named in the mask.

use uuid::Uuid;

use super::decode::Decoder;
use super::types::{LinkVersion, Object};
use super::{classify, Target};
use crate::client::error::{Error, Result};
use crate::client::id::to_guid;
use crate::client::session::Session;
use crate::client::timeseries::{interval, timestamp};
use crate::proto::model as pm;
use crate::proto::model_definition::model_definition_service_client::ModelDefinitionServiceClient;
use crate::proto::model_definition::UpdateTimeseriesAttributeDefinitionRequest;
use pm::attribute_value::ValueOneof as V;

/// A value of a simple attribute, for updates.
#[derive(Clone, Debug, PartialEq)]
pub enum SimpleValue {
    /// Also accepted by double attributes.
    Int(i64),
    Double(f64),
    Bool(bool),
    String(String),
    /// Milliseconds since the Unix epoch, UTC.
    UtcTime(i64),
}

impl SimpleValue {
    fn to_proto(&self) -> pm::AttributeValue {
        let value = match self {
            SimpleValue::Int(i) => V::IntValue(*i),
            SimpleValue::Double(d) => V::DoubleValue(*d),
            SimpleValue::Bool(b) => V::BooleanValue(*b),
            SimpleValue::String(s) => V::StringValue(s.clone()),
            SimpleValue::UtcTime(ms) => V::UtcTimeValue(timestamp(*ms)),
        };
        pm::AttributeValue {
            value_oneof: Some(value),
        }
    }
}

/// The wire interval for an optional `[start_ms, end_ms)`.
pub(super) fn optional_interval(
    range: Option<(i64, i64)>,
) -> Result<Option<crate::proto::types::UtcInterval>> {
    match range {
        None => Ok(None),
        Some((start, end)) if end < start => Err(Error::invalid_argument(format!(
            "bad interval: end {end} is before start {start}"
        ))),
        Some((start, end)) => Ok(Some(interval(start, end))),
    }
}

fn field_mask(paths: Vec<&str>) -> prost_types::FieldMask {
    prost_types::FieldMask {
        paths: paths.into_iter().map(str::to_string).collect(),
    }
}

impl Session {
    /// Sets a single-valued simple attribute.
    pub async fn set_attribute_value(&self, target: &Target, value: &SimpleValue) -> Result<()> {
        self.update_simple(target, Some(value.to_proto()), Vec::new())
            .await
    }

    /// Sets the elements of a collection attribute; an empty slice clears it.
    pub async fn set_attribute_values(
        &self,
        target: &Target,
        values: &[SimpleValue],
    ) -> Result<()> {
        let values = values.iter().map(SimpleValue::to_proto).collect();
        self.update_simple(target, None, values).await
    }

    async fn update_simple(
        &self,
        target: &Target,
        single: Option<pm::AttributeValue>,
        collection: Vec<pm::AttributeValue>,
    ) -> Result<()> {
        let id = target.to_proto();
        self.shared()
            .call("UpdateSimpleAttribute", |channel, guid| {
                let request = pm::UpdateSimpleAttributeRequest {
                    session_id: Some(guid),
                    attribute_id: Some(id.clone()),
                    new_singular_value: single.clone(),
                    new_collection_values: collection.clone(),
                };
                async move {
                    self.model_client(channel)
                        .update_simple_attribute(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Changes a time series attribute: `resource_key` connects a physical
    /// or virtual series (0 disconnects), `local_expression` sets the
    /// attribute's own expression (`""` goes back to the definition's
    /// template). `None` leaves that part alone; Mesh refuses a call that
    /// changes nothing.
    pub async fn update_timeseries_attribute(
        &self,
        target: &Target,
        resource_key: Option<i64>,
        local_expression: Option<&str>,
    ) -> Result<()> {
        let mut paths = Vec::new();
        if resource_key.is_some() {
            paths.push("new_timeseries_resource_key");
        }
        if local_expression.is_some() {
            paths.push("new_local_expression");
        }
        let id = target.to_proto();
        let mask = field_mask(paths);
        self.shared()
            .call("UpdateTimeseriesAttribute", |channel, guid| {
                let request = pm::UpdateTimeseriesAttributeRequest {
                    session_id: Some(guid),
                    attribute_id: Some(id.clone()),
                    field_mask: Some(mask.clone()),
                    new_timeseries_resource_key: resource_key.unwrap_or(0),
                    new_local_expression: local_expression.unwrap_or_default().to_string(),
                };
                async move {
                    self.model_client(channel)
                        .update_timeseries_attribute(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Changes a time series attribute definition (`target`: its id, or a
    /// path such as `Repository/<repository>/<type>/<definition>`), for
    /// every attribute of it: `new_template_expression` becomes the
    /// expression of those without a local one (Mesh does not check it: a
    /// bad one fails only when their points are read), `new_description`
    /// its description. `None` leaves that part alone; both `None` is
    /// `InvalidArgument` without a request. A definition of another value
    /// type is refused (`InvalidArgument`).
    pub async fn update_timeseries_attribute_definition(
        &self,
        target: &Target,
        new_template_expression: Option<&str>,
        new_description: Option<&str>,
    ) -> Result<()> {
        let mut paths = Vec::new();
        if new_template_expression.is_some() {
            paths.push("new_template_expression");
        }
        if new_description.is_some() {
            paths.push("new_description");
        }
        if paths.is_empty() {
            return Err(Error::invalid_argument(
                "nothing to change: give a new template expression, a new description or both",
            ));
        }
        let id = target.to_proto();
        let mask = field_mask(paths);
        self.shared()
            .call("UpdateTimeseriesAttributeDefinition", |channel, guid| {
                let request = UpdateTimeseriesAttributeDefinitionRequest {
                    session_id: Some(guid),
                    attribute_definition_id: Some(id.clone()),
                    field_mask: Some(mask.clone()),
                    new_description: new_description.unwrap_or_default().to_string(),
                    new_cardinality: 0,
                    new_template_expression: new_template_expression
                        .unwrap_or_default()
                        .to_string(),
                };
                async move {
                    ModelDefinitionServiceClient::new(channel)
                        .update_timeseries_attribute_definition(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Sets the targets of a link relation attribute: replaces them, or
    /// with `append` adds to them (one-to-many only). No targets with
    /// `append` false clears the relation.
    pub async fn update_link_relation(
        &self,
        target: &Target,
        targets: &[Uuid],
        append: bool,
    ) -> Result<()> {
        let id = target.to_proto();
        let guids: Vec<_> = targets.iter().map(|t| to_guid(*t)).collect();
        self.shared()
            .call("UpdateLinkRelationAttribute", |channel, guid| {
                let request = pm::UpdateLinkRelationAttributeRequest {
                    session_id: Some(guid),
                    attribute: Some(id.clone()),
                    append,
                    target_object_ids: guids.clone(),
                };
                async move {
                    self.model_client(channel)
                        .update_link_relation_attribute(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Replaces versions of a versioned link relation attribute with
    /// `entries`. One-to-one: one entry, replacing the versions in
    /// `interval` (`[start_ms, end_ms)`). One-to-many: one entry per series
    /// of versions, replacing all entries, with no interval (`None`), as
    /// Mesh takes them.
    pub async fn update_versioned_link_relation(
        &self,
        target: &Target,
        interval: Option<(i64, i64)>,
        entries: &[Vec<LinkVersion>],
    ) -> Result<()> {
        let wire_interval = optional_interval(interval)?;
        let id = target.to_proto();
        let entries: Vec<_> = entries
            .iter()
            .map(|versions| pm::VersionedLinkRelationAttributeValue {
                versions: versions
                    .iter()
                    .map(|v| pm::LinkRelationVersion {
                        target_object_id: v.target_id.map(to_guid),
                        valid_from_time: Some(timestamp(v.valid_from_ms)),
                    })
                    .collect(),
            })
            .collect();
        self.shared()
            .call("UpdateVersionedLinkRelationAttribute", |channel, guid| {
                let request = pm::UpdateVersionedLinkRelationAttributeRequest {
                    session_id: Some(guid),
                    interval: wire_interval,
                    attribute: Some(id.clone()),
                    entries: entries.clone(),
                };
                async move {
                    self.model_client(channel)
                        .update_versioned_link_relation_attribute(request)
                        .await
                }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Creates an object named `name` under `owner`, an ownership attribute
    /// (or a model, in which case `definition` names the new object's
    /// definition). Returns the new object with all its attributes.
    pub async fn create_object(
        &self,
        owner: &Target,
        name: &str,
        definition: Option<&Target>,
    ) -> Result<Object> {
        let owner = owner.to_proto();
        let definition = definition.map(Target::to_proto);
        let object = self
            .shared()
            .call("CreateObject", |channel, guid| {
                let request = pm::CreateObjectRequest {
                    session_id: Some(guid),
                    name: name.to_string(),
                    owner_id: Some(owner.clone()),
                    object_definition_id: definition.clone(),
                };
                async move { self.model_client(channel).create_object(request).await }
            })
            .await
            .map_err(classify)?;
        Decoder::default().object(object)
    }

    /// Creates a model named `name` of the model definition `definition`.
    pub async fn create_model(&self, name: &str, definition: &Target) -> Result<Object> {
        let definition = definition.to_proto();
        let object = self
            .shared()
            .call("CreateModel", |channel, guid| {
                let request = pm::CreateModelRequest {
                    session_id: Some(guid),
                    name: name.to_string(),
                    model_definition_id: Some(definition.clone()),
                };
                async move { self.model_client(channel).create_model(request).await }
            })
            .await
            .map_err(classify)?;
        Decoder::default().object(object)
    }

    /// Renames an object, moves it to another ownership attribute, or both
    /// (`None` leaves that part alone).
    pub async fn update_object(
        &self,
        target: &Target,
        new_name: Option<&str>,
        new_owner: Option<&Target>,
    ) -> Result<()> {
        let mut paths = Vec::new();
        if new_owner.is_some() {
            paths.push("new_owner_id");
        }
        if new_name.is_some() {
            paths.push("new_name");
        }
        let mask = field_mask(paths);
        let id = target.to_proto();
        let owner = new_owner.map(Target::to_proto);
        self.shared()
            .call("UpdateObject", |channel, guid| {
                let request = pm::UpdateObjectRequest {
                    session_id: Some(guid),
                    object_id: Some(id.clone()),
                    field_mask: Some(mask.clone()),
                    new_name: new_name.unwrap_or_default().to_string(),
                    new_owner_id: owner.clone(),
                };
                async move { self.model_client(channel).update_object(request).await }
            })
            .await
            .map_err(classify)
            .map(drop)
    }

    /// Renames an object.
    pub async fn rename_object(&self, target: &Target, new_name: &str) -> Result<()> {
        self.update_object(target, Some(new_name), None).await
    }

    /// Moves an object to another ownership attribute.
    pub async fn move_object(&self, target: &Target, new_owner: &Target) -> Result<()> {
        self.update_object(target, None, Some(new_owner)).await
    }

    /// Deletes an object; one that owns objects only with `recursive`.
    pub async fn delete_object(&self, target: &Target, recursive: bool) -> Result<()> {
        let id = target.to_proto();
        self.shared()
            .call("DeleteObject", |channel, guid| {
                let request = pm::DeleteObjectRequest {
                    session_id: Some(guid),
                    object_id: Some(id.clone()),
                    recursive_delete: recursive,
                };
                async move { self.model_client(channel).delete_object(request).await }
            })
            .await
            .map_err(classify)
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_values_go_out_as_their_kind() {
        let rows = [
            (SimpleValue::Int(-1), V::IntValue(-1)),
            (SimpleValue::Double(0.5), V::DoubleValue(0.5)),
            (SimpleValue::Bool(true), V::BooleanValue(true)),
            (SimpleValue::String("x".into()), V::StringValue("x".into())),
            (
                SimpleValue::UtcTime(1_500),
                V::UtcTimeValue(prost_types::Timestamp {
                    seconds: 1,
                    nanos: 500_000_000,
                }),
            ),
            (
                SimpleValue::UtcTime(-1),
                V::UtcTimeValue(prost_types::Timestamp {
                    seconds: -1,
                    nanos: 999_000_000,
                }),
            ),
        ];
        for (value, wire) in rows {
            assert_eq!(value.to_proto().value_oneof, Some(wire), "{value:?}");
        }
    }

    #[test]
    fn intervals_are_checked() {
        assert_eq!(optional_interval(None).unwrap(), None);
        assert!(optional_interval(Some((5, 5))).unwrap().is_some());
        let e = optional_interval(Some((6, 5))).unwrap_err();
        assert_eq!(e.kind(), crate::client::ErrorKind::InvalidArgument);
    }
}
