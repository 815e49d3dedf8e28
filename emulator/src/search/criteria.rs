//! Whether an object meets criteria: `.Name`, `.Type` and attribute values
//! compared with a value, existence checks, and their `&&`, `||`, `!`.
//!
//! A comparison holds when any value found holds it (a collection
//! attribute, or an operand that reaches several objects). Numbers compare
//! as numbers (`=`, `<`, `>`, `<=`, `>=`), times as times (the value written
//! `UTC20220510072415` or RFC 3339), booleans as `true`/`false`, text as
//! text (`=`, `~` contains, `#` a regular expression matching the whole
//! text); `{i}` makes text comparisons ignore case. A comparison that does
//! not apply to a value's kind (text ordered with `<`, a number with `~`)
//! does not hold. Relations and series have no values to compare; an
//! existence check (`[.PlantToChimneyRef]`) finds them all the same.

use std::cmp::Ordering;

use uuid::Uuid;

use super::eval::Evaluator;
use super::hits::{Hits, Validity};
use super::parser::{Comparison, Criteria, Op, Property, Test};
use crate::store::model::{parse_mesh_time, Value};

/// One value an operand found.
enum Scalar<'a> {
    Num(f64),
    Text(&'a str),
    Bool(bool),
    Time(i64),
}

impl Evaluator<'_> {
    pub(crate) fn matches(&self, criteria: &Criteria, id: Uuid) -> bool {
        self.holds(&criteria.test, id, criteria.ignore_case)
    }

    fn holds(&self, test: &Test, id: Uuid, ignore_case: bool) -> bool {
        match test {
            Test::And(parts) => parts.iter().all(|t| self.holds(t, id, ignore_case)),
            Test::Or(parts) => parts.iter().any(|t| self.holds(t, id, ignore_case)),
            Test::Not(inner) => !self.holds(inner, id, ignore_case),
            Test::Check {
                operand,
                comparison,
            } => {
                let reached = self.traverse(&operand.traversal, &Hits::one(id, Validity::always()));
                let mut found = false;
                let mut holds = false;
                for (object, _) in reached.iter() {
                    self.each_value(*object, &operand.property, &mut |value| {
                        found = true;
                        if let Some(c) = comparison {
                            holds = holds || compare(&value, c, ignore_case);
                        }
                    });
                }
                match comparison {
                    None => found,
                    Some(_) => holds,
                }
            }
        }
    }

    /// Calls `f` with every value of `property` of object `id`; an attribute
    /// without comparable values (a relation, a series) is reported once as
    /// present, with no value.
    fn each_value(&self, id: Uuid, property: &Property, f: &mut dyn FnMut(Option<Scalar<'_>>)) {
        let Some(object) = self.model.object(id) else {
            return;
        };
        match property {
            Property::Name => f(Some(Scalar::Text(&object.name))),
            Property::Type => {
                if let Some(t) = self.model.types.get(&object.type_id) {
                    f(Some(Scalar::Text(&t.name)));
                }
            }
            Property::Attribute(name) => {
                let Some(attribute) = self.model.attribute_named(id, name) else {
                    return;
                };
                let mut any = false;
                let mut each = |s: Scalar<'_>| {
                    any = true;
                    f(Some(s));
                };
                match &attribute.value {
                    Value::Int(xs) => xs.iter().for_each(|x| each(Scalar::Num(*x as f64))),
                    Value::Double(xs) => xs.iter().for_each(|x| each(Scalar::Num(*x))),
                    Value::Bool(xs) => xs.iter().for_each(|x| each(Scalar::Bool(*x))),
                    Value::Str(xs) => xs.iter().for_each(|x| each(Scalar::Text(x))),
                    Value::UtcTime(xs) => xs.iter().for_each(|x| each(Scalar::Time(*x))),
                    _ => {}
                }
                if !any {
                    f(None);
                }
            }
        }
    }
}

fn compare(value: &Option<Scalar<'_>>, c: &Comparison, ignore_case: bool) -> bool {
    let Some(value) = value else {
        return false;
    };
    let rhs = c.value.as_str();
    match (value, c.op) {
        (Scalar::Text(text), Op::Eq) => {
            if ignore_case {
                text.to_lowercase() == rhs.to_lowercase()
            } else {
                *text == rhs
            }
        }
        (Scalar::Text(text), Op::Contains) => {
            if ignore_case {
                text.to_lowercase().contains(&rhs.to_lowercase())
            } else {
                text.contains(rhs)
            }
        }
        (Scalar::Text(text), Op::Matches) => c.regex.as_ref().is_some_and(|r| r.is_match(text)),
        (Scalar::Num(x), op) => match rhs.parse::<f64>() {
            Ok(y) => ordered(x.partial_cmp(&y), op),
            Err(_) => false,
        },
        (Scalar::Time(t), op) => match parse_time(rhs) {
            Some(u) => ordered(Some(t.cmp(&u)), op),
            None => false,
        },
        (Scalar::Bool(b), Op::Eq) => match rhs.to_ascii_lowercase().as_str() {
            "true" => *b,
            "false" => !*b,
            _ => false,
        },
        _ => false,
    }
}

/// Whether `ordering` (of the value against the criterion's) meets `op`.
fn ordered(ordering: Option<Ordering>, op: Op) -> bool {
    let Some(o) = ordering else {
        return false;
    };
    match op {
        Op::Eq => o == Ordering::Equal,
        Op::Lt => o == Ordering::Less,
        Op::Gt => o == Ordering::Greater,
        Op::Le => o != Ordering::Greater,
        Op::Ge => o != Ordering::Less,
        Op::Contains | Op::Matches => false,
    }
}

/// A time in a criterion: `UTC20220510072415[123]` or RFC 3339.
fn parse_time(text: &str) -> Option<i64> {
    parse_mesh_time(text).or_else(|| {
        chrono::DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| t.timestamp_millis())
    })
}
