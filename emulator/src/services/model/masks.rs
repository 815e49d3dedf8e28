//! Which fields and which attributes a model answer carries: field masks
//! over `Object` and `Attribute` (absent or empty: every field), and the
//! attribute filter `AttributesMasks` with Mesh's rules (names alone or
//! types alone; tags OR together, namespaces OR together, tags AND
//! namespaces; a namespace entry matches any dot-separated component).

use prost_types::FieldMask;
use tonic::Status;

use crate::proto::model::AttributesMasks;
use crate::store::model::Definition;

pub(super) const OBJECT_FIELDS: &[&str] = &[
    "id",
    "path",
    "name",
    "type_name",
    "owner_id",
    "attributes",
    "object_definition_id",
    "name_space_id",
];

pub(super) const ATTRIBUTE_FIELDS: &[&str] = &[
    "id",
    "path",
    "name",
    "definition",
    "values",
    "value_type",
    "value_type_collection",
    "owner_id",
];

/// The fields a field mask keeps.
#[derive(Clone, Debug)]
pub(super) struct Mask {
    /// `None`: every field.
    paths: Option<Vec<&'static str>>,
}

impl Mask {
    pub(super) fn all() -> Mask {
        Mask { paths: None }
    }

    /// `mask` over a message with fields `known`; `what` names the mask in
    /// errors.
    pub(super) fn parse(
        mask: Option<&FieldMask>,
        known: &[&'static str],
        what: &str,
    ) -> Result<Mask, Status> {
        let Some(mask) = mask.filter(|m| !m.paths.is_empty()) else {
            return Ok(Mask::all());
        };
        let mut paths = Vec::with_capacity(mask.paths.len());
        for path in &mask.paths {
            let field = known.iter().find(|k| **k == path.as_str()).ok_or_else(|| {
                Status::invalid_argument(format!(
                    "{what}: unknown field '{path}' (known: {})",
                    known.join(", ")
                ))
            })?;
            paths.push(*field);
        }
        Ok(Mask { paths: Some(paths) })
    }

    pub(super) fn has(&self, field: &str) -> bool {
        self.paths.as_ref().is_none_or(|p| p.contains(&field))
    }
}

/// Which attributes of an object an answer carries.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Filter {
    All,
    /// Exactly these names.
    Names(Vec<String>),
    /// Any of these `AttributeValueType`s.
    Types(Vec<i32>),
    /// At least one of `tags` (if given) and a namespace component among
    /// `namespaces` (if given).
    Tagged {
        tags: Option<Vec<String>>,
        namespaces: Option<Vec<String>>,
    },
}

/// A mask's values, `None` when it is absent or empty (the official client
/// always sends the message, with nothing in it to mean no filter).
fn values(mask: Option<&FieldMask>) -> Option<Vec<String>> {
    mask.filter(|m| !m.paths.is_empty())
        .map(|m| m.paths.clone())
}

impl Filter {
    pub(super) fn parse(masks: Option<&AttributesMasks>) -> Result<Filter, Status> {
        let Some(masks) = masks else {
            return Ok(Filter::All);
        };
        let names = values(masks.name_mask.as_ref());
        let tags = values(masks.tag_mask.as_ref());
        let namespaces = values(masks.namespace_mask.as_ref());
        let types = (!masks.types.is_empty()).then(|| masks.types.clone());
        let others = |n: &str| {
            Status::invalid_argument(format!(
                "attributes masks: {n} cannot be combined with any other mask"
            ))
        };
        if let Some(names) = names {
            if tags.is_some() || namespaces.is_some() || types.is_some() {
                return Err(others("name_mask"));
            }
            return Ok(Filter::Names(names));
        }
        if let Some(types) = types {
            if tags.is_some() || namespaces.is_some() {
                return Err(others("types"));
            }
            if types.contains(&0) {
                return Err(Status::invalid_argument(
                    "attributes masks: ATTRIBUTE_VALUE_TYPE_UNSPECIFIED cannot be used as a type",
                ));
            }
            return Ok(Filter::Types(types));
        }
        if let Some(bad) = namespaces.iter().flatten().find(|n| n.contains('.')) {
            return Err(Status::invalid_argument(format!(
                "attributes masks: namespace_mask entries are single namespaces, and '{bad}' has dots"
            )));
        }
        if tags.is_none() && namespaces.is_none() {
            return Ok(Filter::All);
        }
        Ok(Filter::Tagged { tags, namespaces })
    }

    /// Whether attributes of `definition` pass.
    pub(super) fn accepts(&self, definition: &Definition) -> bool {
        match self {
            Filter::All => true,
            Filter::Names(names) => names.contains(&definition.name),
            Filter::Types(types) => types.contains(&definition.value_type()),
            Filter::Tagged { tags, namespaces } => {
                let tagged = tags
                    .as_ref()
                    .is_none_or(|tags| tags.iter().any(|t| definition.tags.contains(t)));
                let spaced = namespaces.as_ref().is_none_or(|spaces| {
                    definition
                        .namespace
                        .split('.')
                        .any(|part| spaces.iter().any(|s| s == part))
                });
                tagged && spaced
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_mask(paths: &[&str]) -> Option<FieldMask> {
        Some(FieldMask {
            paths: paths.iter().map(|p| p.to_string()).collect(),
        })
    }

    fn masks(names: &[&str], tags: &[&str], spaces: &[&str], types: &[i32]) -> AttributesMasks {
        AttributesMasks {
            name_mask: field_mask(names),
            tag_mask: field_mask(tags),
            namespace_mask: field_mask(spaces),
            types: types.to_vec(),
        }
    }

    #[test]
    fn filters_combine_as_mesh_says() {
        let ok = |m: AttributesMasks| Filter::parse(Some(&m)).unwrap();
        let refused =
            |m: AttributesMasks| Filter::parse(Some(&m)).unwrap_err().message().to_string();
        assert_eq!(ok(masks(&[], &[], &[], &[])), Filter::All);
        assert_eq!(Filter::parse(None).unwrap(), Filter::All);
        assert_eq!(
            ok(masks(&["A"], &[], &[], &[])),
            Filter::Names(vec!["A".into()])
        );
        assert_eq!(ok(masks(&[], &[], &[], &[2])), Filter::Types(vec![2]));
        assert_eq!(
            ok(masks(&[], &["T"], &["N"], &[])),
            Filter::Tagged {
                tags: Some(vec!["T".into()]),
                namespaces: Some(vec!["N".into()])
            }
        );
        assert!(refused(masks(&["A"], &["T"], &[], &[])).contains("name_mask"));
        assert!(refused(masks(&["A"], &[], &[], &[1])).contains("name_mask"));
        assert!(refused(masks(&[], &[], &["N"], &[1])).contains("types"));
        assert!(refused(masks(&[], &[], &[], &[0])).contains("UNSPECIFIED"));
        assert!(refused(masks(&[], &[], &["A.B"], &[])).contains("'A.B'"));
    }

    #[test]
    fn masks_keep_what_they_name() {
        let all = Mask::parse(None, OBJECT_FIELDS, "m").unwrap();
        assert!(all.has("attributes"));
        let empty = Mask::parse(field_mask(&[]).as_ref(), OBJECT_FIELDS, "m").unwrap();
        assert!(empty.has("attributes"));
        let some = Mask::parse(field_mask(&["id", "name"]).as_ref(), OBJECT_FIELDS, "m").unwrap();
        assert!(some.has("name") && !some.has("attributes"));
        let bad = Mask::parse(
            field_mask(&["nope"]).as_ref(),
            OBJECT_FIELDS,
            "object_field_mask",
        );
        assert!(bad
            .unwrap_err()
            .message()
            .starts_with("object_field_mask: unknown field 'nope'"));
    }
}
