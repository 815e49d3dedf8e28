//! Attributes: get one, search them, and update simple values and time
//! series attributes (connect or disconnect a resource, set or clear a
//! local expression). Updates follow the field mask, not presence: key 0
//! and the empty expression are absent on the wire and still mean
//! something.

use tonic::Status;

use super::masks::{Mask, ATTRIBUTE_FIELDS};
use super::messages::{self, Definitions};
use super::{resolve, stream, Call, Stream};
use crate::proto::model::{
    attribute_value::ValueOneof, Attribute, AttributeValue, GetAttributeRequest,
    SearchAttributesRequest, UpdateSimpleAttributeRequest, UpdateTimeseriesAttributeRequest,
};
use crate::services::Svc;
use crate::store::model::{Definition, Kind, Value};
use crate::store::values::Edit;
use crate::store::Change;
use crate::wire::{mask_paths, ms_of};

pub(super) fn get_attribute(call: Call, r: GetAttributeRequest) -> Result<Attribute, Status> {
    let mask = Mask::parse(r.field_mask.as_ref(), ATTRIBUTE_FIELDS, "field_mask")?;
    let id = resolve::attribute(&call.view, r.attribute_id.as_ref(), "Attribute id")?;
    messages::attribute(&call.view, id, &mask, &mut Definitions::default())
        .ok_or_else(|| Status::not_found("attribute not found"))
}

pub(super) fn search_attributes(
    call: Call,
    r: SearchAttributesRequest,
) -> Result<Stream<Attribute>, Status> {
    let mask = Mask::parse(r.field_mask.as_ref(), ATTRIBUTE_FIELDS, "field_mask")?;
    let start = resolve::object(&call.view, r.start_object_id.as_ref(), "Start object id")?;
    let found = crate::search::attributes(&call.view.model, start, &r.query)
        .map_err(super::search_status)?;
    let Call { guard, view } = call;
    let mut definitions = Definitions::default();
    Ok(stream(
        guard,
        found
            .into_iter()
            .filter_map(move |id| messages::attribute(&view, id, &mask, &mut definitions)),
    ))
}

/// What the client got wrong about singular and collection values.
fn dimension(definition: &Definition, detail: &str) -> Status {
    Status::invalid_argument(format!(
        "invalid value for {} ({}): {detail}. Check if you correctly applied the singular value/collection values",
        definition.name,
        definition.type_name()
    ))
}

fn given(v: &AttributeValue) -> &'static str {
    match &v.value_oneof {
        Some(ValueOneof::IntValue(_)) => "an int",
        Some(ValueOneof::DoubleValue(_)) => "a double",
        Some(ValueOneof::BooleanValue(_)) => "a boolean",
        Some(ValueOneof::StringValue(_)) => "a string",
        Some(ValueOneof::UtcTimeValue(_)) => "a UTC time",
        Some(_) => "a relation or time series value",
        None => "no value",
    }
}

/// `values` as a value of `definition`'s kind; an int is taken for a
/// double, nothing else converts.
fn simple_value(definition: &Definition, values: &[AttributeValue]) -> Result<Value, Status> {
    let wrong = |v: &AttributeValue| {
        Status::invalid_argument(format!(
            "Invalid type: {} is a {}, and {} was given",
            definition.name,
            definition.type_name(),
            given(v)
        ))
    };
    macro_rules! collect {
        ($variant:ident, $pattern:pat => $out:expr) => {
            values
                .iter()
                .map(|v| match &v.value_oneof {
                    Some($pattern) => Ok($out),
                    _ => Err(wrong(v)),
                })
                .collect::<Result<Vec<_>, Status>>()
                .map(Value::$variant)
        };
    }
    match &definition.kind {
        Kind::Int { .. } => collect!(Int, ValueOneof::IntValue(x) => *x),
        Kind::Double { .. } => values
            .iter()
            .map(|v| match &v.value_oneof {
                Some(ValueOneof::DoubleValue(x)) => Ok(*x),
                Some(ValueOneof::IntValue(x)) => Ok(*x as f64),
                _ => Err(wrong(v)),
            })
            .collect::<Result<Vec<_>, Status>>()
            .map(Value::Double),
        Kind::Bool { .. } => collect!(Bool, ValueOneof::BooleanValue(x) => *x),
        Kind::Str { .. } => collect!(Str, ValueOneof::StringValue(x) => x.clone()),
        Kind::UtcTime { .. } => collect!(UtcTime, ValueOneof::UtcTimeValue(t) => ms_of(t)),
        _ => Err(Status::invalid_argument(format!(
            "Invalid type: {} is a {}, not a simple attribute",
            definition.name,
            definition.type_name()
        ))),
    }
}

pub(super) fn update_simple_attribute(
    svc: &Svc,
    call: Call,
    r: UpdateSimpleAttributeRequest,
) -> Result<(), Status> {
    let view = &call.view;
    let id = resolve::attribute(view, r.attribute_id.as_ref(), "Attribute id")?;
    let definition = view
        .model
        .definition_of(id)
        .ok_or_else(|| Status::not_found("attribute definition not found"))?;
    let values = match (&r.new_singular_value, definition.collection()) {
        (Some(_), true) => {
            return Err(dimension(
                definition,
                "a singular value was given for a collection attribute",
            ))
        }
        (Some(one), false) => {
            if !r.new_collection_values.is_empty() {
                return Err(dimension(
                    definition,
                    "both a singular value and collection values were given",
                ));
            }
            std::slice::from_ref(one)
        }
        (None, true) => r.new_collection_values.as_slice(),
        (None, false) => {
            return Err(dimension(
                definition,
                "collection values were given for a singular attribute",
            ))
        }
    };
    if values.len() as i64 > definition.max_cardinality {
        return Err(Status::invalid_argument(format!(
            "{} takes at most {} values, not {}",
            definition.name,
            definition.max_cardinality,
            values.len()
        )));
    }
    let value = simple_value(definition, values)?;
    call.change(
        svc,
        Change::SetValue {
            attribute: id,
            value,
        },
    )?;
    Ok(())
}

pub(super) fn update_timeseries_attribute(
    svc: &Svc,
    call: Call,
    r: UpdateTimeseriesAttributeRequest,
) -> Result<(), Status> {
    let view = &call.view;
    let id = resolve::attribute(view, r.attribute_id.as_ref(), "Attribute id")?;
    let definition = view
        .model
        .definition_of(id)
        .ok_or_else(|| Status::not_found("attribute definition not found"))?;
    if !matches!(definition.kind, Kind::Timeseries { .. }) {
        return Err(Status::invalid_argument(format!(
            "Invalid type: {} is a {}, not a time series attribute",
            definition.name,
            definition.type_name()
        )));
    }
    let paths = mask_paths(r.field_mask.as_ref());
    if paths.is_empty() {
        return Err(Status::invalid_argument("nothing is set to be updated"));
    }
    let (mut resource, mut expression) = (None, None);
    for path in paths {
        match path {
            "new_timeseries_resource_key" => {
                let key = r.new_timeseries_resource_key;
                resource = Some(if key == 0 {
                    None
                } else {
                    let found = view.catalog.by_key(key).ok_or_else(|| {
                        Status::not_found(format!("time series key: {key} not found"))
                    })?;
                    Some(found.id)
                });
            }
            "new_local_expression" => {
                let text = &r.new_local_expression;
                expression = Some((!text.is_empty()).then(|| text.clone()));
            }
            other => {
                return Err(Status::invalid_argument(format!(
                    "field_mask: unknown field '{other}' (known: new_timeseries_resource_key, new_local_expression)"
                )))
            }
        }
    }
    call.change(
        svc,
        Change::EditValue {
            attribute: id,
            edit: Edit::Timeseries {
                resource,
                expression,
            },
        },
    )?;
    Ok(())
}
