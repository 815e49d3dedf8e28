//! Relations between objects: replace or append the targets of a link
//! relation, replace the versions of a versioned link relation (all of
//! them, or inside an interval), and find the link relations that point
//! at an object.

use tonic::Status;
use uuid::Uuid;

use super::{messages, resolve, stream, Call, Stream};
use crate::proto::model::{
    SearchLinkedFromRequest, SearchLinkedFromResponse, UpdateLinkRelationAttributeRequest,
    UpdateVersionedLinkRelationAttributeRequest,
};
use crate::services::Svc;
use crate::store::model::{LinkVersion, Value};
use crate::store::values::{Edit, Span};
use crate::store::Change;
use crate::wire::{guid_to_uuid, interval_ns, iso, ms_of, nanos_of};

pub(super) fn update_links(
    svc: &Svc,
    call: Call,
    r: UpdateLinkRelationAttributeRequest,
) -> Result<(), Status> {
    let id = resolve::attribute(&call.view, r.attribute.as_ref(), "Attribute id")?;
    let targets = r
        .target_object_ids
        .iter()
        .map(guid_to_uuid)
        .collect::<Result<Vec<_>, _>>()?;
    call.change(
        svc,
        Change::EditValue {
            attribute: id,
            edit: Edit::Links {
                append: r.append,
                targets,
            },
        },
    )?;
    Ok(())
}

/// The interval as Mesh words it in messages.
fn interval_text(r: &UpdateVersionedLinkRelationAttributeRequest) -> String {
    let time = |t: Option<&prost_types::Timestamp>| t.map(iso).unwrap_or_default();
    let i = r.interval.as_ref();
    format!(
        "[{}, {})",
        time(i.and_then(|i| i.start_time.as_ref())),
        time(i.and_then(|i| i.end_time.as_ref()))
    )
}

pub(super) fn update_versioned_links(
    svc: &Svc,
    call: Call,
    r: UpdateVersionedLinkRelationAttributeRequest,
) -> Result<(), Status> {
    let id = resolve::attribute(&call.view, r.attribute.as_ref(), "Attribute id")?;
    let span = interval_ns(r.interval.as_ref())?.map(|(start, end)| Span { start, end });
    let mut entries = Vec::with_capacity(r.entries.len());
    for entry in &r.entries {
        let mut versions: Vec<LinkVersion> = Vec::with_capacity(entry.versions.len());
        for version in &entry.versions {
            let from = version.valid_from_time.as_ref().ok_or_else(|| {
                Status::invalid_argument(
                    "each new link relation version must have a 'valid_from_time' timestamp",
                )
            })?;
            if let Some(span) = span {
                let ns = nanos_of(from);
                if ns < span.start || ns >= span.end {
                    return Err(Status::invalid_argument(format!(
                        "new link relations versions must be within the replacement interval {}, and {} is not",
                        interval_text(&r),
                        iso(from)
                    )));
                }
            }
            let valid_from = ms_of(from);
            if versions.iter().any(|v| v.valid_from == valid_from) {
                return Err(Status::invalid_argument(format!(
                    "duplicate valid_from_time {} in one link relation entry",
                    iso(from)
                )));
            }
            versions.push(LinkVersion {
                target: version
                    .target_object_id
                    .as_ref()
                    .map(guid_to_uuid)
                    .transpose()?,
                valid_from,
            });
        }
        entries.push(versions);
    }
    call.change(
        svc,
        Change::EditValue {
            attribute: id,
            edit: Edit::LinkVersions { span, entries },
        },
    )?;
    Ok(())
}

/// Whether `value` links to `target`, at any time.
fn links_to(value: &Value, target: Uuid) -> bool {
    match value {
        Value::Link(targets) => targets.contains(&target),
        Value::VersionedLink(entries) => entries.iter().flatten().any(|v| v.target == Some(target)),
        _ => false,
    }
}

pub(super) fn search_linked_from(
    call: Call,
    r: SearchLinkedFromRequest,
) -> Result<Stream<SearchLinkedFromResponse>, Status> {
    let target = resolve::object(&call.view, r.target_object_id.as_ref(), "Target object id")?;
    let model = &call.view.model;
    let mut found: Vec<(String, Uuid)> = model
        .attributes
        .values()
        .filter(|a| links_to(&a.value, target))
        .map(|a| (model.attribute_path(a.id).unwrap_or_default(), a.id))
        .collect();
    // In path order, so that answers do not change from call to call.
    found.sort();
    let Call { guard, view } = call;
    Ok(stream(
        guard,
        found
            .into_iter()
            .map(move |(_, id)| SearchLinkedFromResponse {
                link_relation_id: Some(messages::attribute_ref(&view, id)),
            }),
    ))
}
