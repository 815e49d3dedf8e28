//! Runs a parsed traversal over a model: from a set of objects to the set
//! the traversal outputs. Walks and repeaters are loops, not recursion, so
//! a deep model cannot exhaust the stack; only the query's own nesting
//! (bounded by the parser) recurses.

use uuid::Uuid;

use super::hits::{Hits, Validity};
use super::parser::{Criteria, Traversal, Walk};
use crate::store::model::{Model, Value};

pub(crate) struct Evaluator<'m> {
    pub(crate) model: &'m Model,
}

impl Evaluator<'_> {
    /// What `traversal` outputs from every object of `input`; an output
    /// reached from an input is valid only while that input is.
    pub(crate) fn traverse(&self, traversal: &Traversal, input: &Hits) -> Hits {
        match traversal {
            Traversal::Compose(steps) => steps
                .iter()
                .fold(input.clone(), |set, step| self.traverse(step, &set)),
            Traversal::Union(parts) => {
                let mut out = Hits::new();
                for part in parts {
                    out.extend(self.traverse(part, input));
                }
                out
            }
            Traversal::Intersect(parts) => {
                let mut sets = parts.iter().map(|p| self.traverse(p, input));
                let Some(first) = sets.next() else {
                    return Hits::new();
                };
                let rest: Vec<Hits> = sets.collect();
                let mut out = Hits::new();
                for (id, validity) in first.iter() {
                    let mut v = validity.clone();
                    for other in &rest {
                        v = match other.get(*id) {
                            Some(w) => v.intersect(w),
                            None => Validity::between(0, 0),
                        };
                    }
                    out.push(*id, v);
                }
                out
            }
            Traversal::Repeat { inner, keep_all } => self.repeat(inner, *keep_all, input),
            step => {
                let mut out = Hits::new();
                for (id, validity) in input.iter() {
                    for (found, v) in self.step(step, *id).into_vec() {
                        out.push(found, v.intersect(validity));
                    }
                }
                out
            }
        }
    }

    /// One step from one object.
    fn step(&self, step: &Traversal, id: Uuid) -> Hits {
        let always = Validity::always;
        match step {
            Traversal::Current => Hits::one(id, always()),
            Traversal::Filter(criteria) => {
                if self.matches(criteria, id) {
                    Hits::one(id, always())
                } else {
                    Hits::new()
                }
            }
            Traversal::Children(criteria) => {
                let mut out = Hits::new();
                for child in self.model.children(id) {
                    if self.matches(criteria, child) {
                        out.push(child, always());
                    }
                }
                out
            }
            Traversal::Descend(walk, criteria) => self.descend(id, *walk, criteria.as_ref()),
            Traversal::Parent => match self.model.owner_object(id) {
                Some(parent) => Hits::one(parent, always()),
                None => Hits::new(),
            },
            Traversal::Ascend(walk, criteria) => self.ascend(id, *walk, criteria),
            Traversal::Links(criteria) => self.filtered(self.links_from(id), criteria.as_ref()),
            Traversal::LinkedFrom(criteria) => self.filtered(self.links_to(id), criteria.as_ref()),
            Traversal::Relation(name) => match self.model.attribute_named(id, name) {
                Some(attribute) => targets(&attribute.value),
                None => Hits::new(),
            },
            Traversal::Compose(_)
            | Traversal::Union(_)
            | Traversal::Intersect(_)
            | Traversal::Repeat { .. } => self.traverse(step, &Hits::one(id, always())),
        }
    }

    fn filtered(&self, hits: Hits, criteria: Option<&Criteria>) -> Hits {
        let Some(criteria) = criteria else {
            return hits;
        };
        let mut out = Hits::new();
        for (id, v) in hits.into_vec() {
            if self.matches(criteria, id) {
                out.push(id, v);
            }
        }
        out
    }

    /// `*`, `+`, `{*}`, `{+}`, with or without criteria, from `start`.
    fn descend(&self, start: Uuid, walk: Walk, criteria: Option<&Criteria>) -> Hits {
        let mut out = Hits::new();
        let mut stack = if walk.strict {
            let mut children = self.model.children(start);
            children.reverse();
            children
        } else {
            vec![start]
        };
        while let Some(node) = stack.pop() {
            let children = self.model.children(node);
            let found = match criteria {
                Some(c) => self.matches(c, node),
                // Without criteria a walk finds the leaves.
                None => children.is_empty(),
            };
            if found {
                if walk.keep_path {
                    for on_the_way in self.path_between(start, node, walk.strict) {
                        out.push(on_the_way, Validity::always());
                    }
                }
                out.push(node, Validity::always());
                if criteria.is_some() {
                    // The nearest match ends its branch.
                    continue;
                }
            }
            stack.extend(children.into_iter().rev());
        }
        out
    }

    /// The objects from `start` (unless `strict`) down to `node`'s parent,
    /// top first.
    fn path_between(&self, start: Uuid, node: Uuid, strict: bool) -> Vec<Uuid> {
        let mut path = Vec::new();
        if node == start {
            return path;
        }
        let mut at = self.model.owner_object(node);
        while let Some(object) = at {
            if object == start {
                if !strict {
                    path.push(object);
                }
                break;
            }
            path.push(object);
            at = self.model.owner_object(object);
        }
        path.reverse();
        path
    }

    /// `..*[c]`, `..+[c]` and their `{}` forms from `start`: the nearest
    /// matching ancestor (or `start` itself unless strict).
    fn ascend(&self, start: Uuid, walk: Walk, criteria: &Criteria) -> Hits {
        let mut out = Hits::new();
        let mut visited = Vec::new();
        let mut at = if walk.strict {
            self.model.owner_object(start)
        } else {
            Some(start)
        };
        // An ownership chain is no longer than the model is large.
        let mut steps = self.model.objects.len();
        while let Some(object) = at {
            if self.matches(criteria, object) {
                if walk.keep_path {
                    for v in visited {
                        out.push(v, Validity::always());
                    }
                }
                out.push(object, Validity::always());
                break;
            }
            visited.push(object);
            steps = steps.saturating_sub(1);
            if steps == 0 {
                break;
            }
            at = self.model.owner_object(object);
        }
        out
    }

    /// `~`: every object `id` links to, through its link relations.
    fn links_from(&self, id: Uuid) -> Hits {
        let mut out = Hits::new();
        let Some(object) = self.model.object(id) else {
            return out;
        };
        for attribute in &object.attributes {
            if let Some(a) = self.model.attribute(*attribute) {
                if matches!(a.value, Value::Link(_) | Value::VersionedLink(_)) {
                    out.extend(targets(&a.value));
                }
            }
        }
        out
    }

    /// `~~`: every object with a link relation to `id`, in model order.
    fn links_to(&self, id: Uuid) -> Hits {
        let mut out = Hits::new();
        for root in &self.model.roots {
            for object in self.model.subtree(*root) {
                let Some(o) = self.model.object(object) else {
                    continue;
                };
                for attribute in &o.attributes {
                    let Some(a) = self.model.attribute(*attribute) else {
                        continue;
                    };
                    if !matches!(a.value, Value::Link(_) | Value::VersionedLink(_)) {
                        continue;
                    }
                    if let Some(v) = targets(&a.value).get(id) {
                        out.push(object, v.clone());
                    }
                }
            }
        }
        out
    }

    /// `X+` and `X{+}`: `inner` applied to `input`, then again to what it
    /// output, until nothing new comes. `X+` outputs the objects from which
    /// `inner` leads nowhere (the most nested); `X{+}` everything found.
    fn repeat(&self, inner: &Traversal, keep_all: bool, input: &Hits) -> Hits {
        let mut out = Hits::new();
        let mut expanded = std::collections::HashSet::new();
        let mut frontier = self.traverse(inner, input);
        while !frontier.is_empty() {
            let mut next = Hits::new();
            for (id, validity) in frontier.iter() {
                if keep_all {
                    out.push(*id, validity.clone());
                }
                // Links can make cycles; each object is expanded once.
                if !expanded.insert(*id) {
                    continue;
                }
                let found = self.traverse(inner, &Hits::one(*id, validity.clone()));
                if found.is_empty() {
                    if !keep_all {
                        out.push(*id, validity.clone());
                    }
                } else {
                    next.extend(found);
                }
            }
            frontier = next;
        }
        out
    }
}

/// The objects a relation value points at, and when: always for ownership
/// and links; a versioned link's target from its version's start until the
/// next version's.
pub(crate) fn targets(value: &Value) -> Hits {
    let mut out = Hits::new();
    match value {
        Value::Ownership(ids) | Value::Link(ids) => {
            for id in ids {
                out.push(*id, Validity::always());
            }
        }
        Value::VersionedLink(entries) => {
            for versions in entries {
                for (i, version) in versions.iter().enumerate() {
                    let until = versions.get(i + 1).map_or(i64::MAX, |n| n.valid_from);
                    if let Some(target) = version.target {
                        out.push(target, Validity::between(version.valid_from, until));
                    }
                }
            }
        }
        _ => {}
    }
    out
}
