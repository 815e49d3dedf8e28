//! Changes to the model, each all or nothing: it checks everything first
//! and mutates only after, so a refused change leaves the model as it was.
//! Errors use Mesh's words where clients match them.

use uuid::Uuid;

use super::model::{Attribute, Definition, Kind, Model, ModelError, Object, ObjectType, Value};

impl Model {
    /// Creates object `id` named `name` as a target of ownership attribute
    /// `owner`, with attributes `attribute_ids` (one per definition of the
    /// target type, in order) at their initial values.
    pub(crate) fn create_object(
        &mut self,
        id: Uuid,
        name: &str,
        owner: Uuid,
        attribute_ids: &[Uuid],
    ) -> Result<(), ModelError> {
        let relation = self
            .attributes
            .get(&owner)
            .ok_or(ModelError::OwnerNotFound)?;
        let definition = self
            .definitions
            .get(&relation.definition)
            .ok_or(ModelError::OwnerNotFound)?;
        let Kind::Ownership(type_id) = definition.kind else {
            return Err(ModelError::Invalid(
                "Invalid type of the owner: it is not an ownership relation attribute".into(),
            ));
        };
        self.check_name_free(owner, name, None)?;
        if !definition.collection() && !self.owned_by(owner).is_empty() {
            return Err(ModelError::Invalid(format!(
                "the one-to-one ownership relation {} already owns an object",
                definition.name
            )));
        }
        let object_type = self
            .types
            .get(&type_id)
            .ok_or_else(|| ModelError::NotFound(format!("object type {type_id} not found")))?;
        let attributes = self.initial_attributes(id, name, "object", object_type, attribute_ids)?;
        // Everything is checked: from here on nothing fails.
        self.insert_object(id, name, type_id, Some(owner), attributes);
        self.push_child(owner, id);
        Ok(())
    }

    /// The attributes of new object `id` (`what`: "object" or "model") of
    /// type `object_type` at their initial values, one per definition, or
    /// why it cannot be made; changes nothing.
    fn initial_attributes(
        &self,
        id: Uuid,
        name: &str,
        what: &str,
        object_type: &ObjectType,
        attribute_ids: &[Uuid],
    ) -> Result<Vec<Attribute>, ModelError> {
        if object_type.definitions.len() != attribute_ids.len() {
            return Err(ModelError::Invalid(format!(
                "{} attribute ids for {} definitions",
                attribute_ids.len(),
                object_type.definitions.len()
            )));
        }
        if self.objects.contains_key(&id)
            || attribute_ids
                .iter()
                .any(|a| self.attributes.contains_key(a))
        {
            return Err(ModelError::Invalid(format!("id of {what} {name} is taken")));
        }
        attribute_ids
            .iter()
            .zip(&object_type.definitions)
            .map(|(attribute, definition)| {
                let value = self
                    .definitions
                    .get(definition)
                    .map(Definition::initial_value)
                    .ok_or_else(|| {
                        ModelError::NotFound(format!("definition {definition} not found"))
                    })?;
                Ok(Attribute {
                    id: *attribute,
                    object: id,
                    definition: *definition,
                    value,
                })
            })
            .collect()
    }

    /// Inserts a checked new object and its attributes.
    fn insert_object(
        &mut self,
        id: Uuid,
        name: &str,
        type_id: Uuid,
        owner: Option<Uuid>,
        attributes: Vec<Attribute>,
    ) {
        let attribute_ids = attributes.iter().map(|a| a.id).collect();
        for attribute in attributes {
            self.attributes.insert(attribute.id, attribute);
        }
        self.objects.insert(
            id,
            Object {
                id,
                name: name.to_string(),
                type_id,
                owner,
                attributes: attribute_ids,
            },
        );
    }

    /// Mesh refuses two objects of one name in one ownership attribute.
    fn check_name_free(
        &self,
        owner: Uuid,
        name: &str,
        except: Option<Uuid>,
    ) -> Result<(), ModelError> {
        let taken = self
            .owned_by(owner)
            .iter()
            .any(|c| Some(*c) != except && self.objects.get(c).is_some_and(|o| o.name == name));
        if taken {
            let relation = self.attribute_name(owner).unwrap_or_default();
            return Err(ModelError::Invalid(format!(
                "An element named {name} already exists in the {relation} element array"
            )));
        }
        Ok(())
    }

    /// Object `id` and what it owns through one-to-one ownership
    /// relations, transitively.
    fn parts(&self, id: Uuid) -> Vec<Uuid> {
        let mut out = vec![id];
        let mut i = 0;
        while i < out.len() {
            let Some(object) = self.objects.get(&out[i]) else {
                break;
            };
            for a in &object.attributes {
                if self.definition_of(*a).is_some_and(|d| !d.collection()) {
                    out.extend(self.owned_by(*a).iter().copied());
                }
            }
            i += 1;
        }
        out
    }

    fn push_child(&mut self, owner: Uuid, child: Uuid) {
        if let Some(Attribute {
            value: Value::Ownership(children),
            ..
        }) = self.attributes.get_mut(&owner)
        {
            children.push(child);
        }
    }

    fn not_found(&self, id: Uuid) -> ModelError {
        ModelError::NotFound(format!("object not found: {}", crate::wire::braced(id)))
    }

    /// Deletes object `id` with what it owns through one-to-one ownership
    /// relations (parts of it), and, when `recursive`, everything else it
    /// owns; without `recursive`, objects owned through a one-to-many
    /// relation are in the way. Links to deleted objects go with them.
    pub(crate) fn delete_object(&mut self, id: Uuid, recursive: bool) -> Result<(), ModelError> {
        let object = self.objects.get(&id).ok_or_else(|| self.not_found(id))?;
        if object.owner.is_none() {
            return Err(ModelError::Invalid(
                "Invalid type: a model cannot be deleted as an object".into(),
            ));
        }
        if !recursive {
            let in_the_way = |o: &Uuid| {
                self.objects.get(o).is_some_and(|o| {
                    o.attributes.iter().any(|a| {
                        self.definition_of(*a).is_some_and(|d| d.collection())
                            && !self.owned_by(*a).is_empty()
                    })
                })
            };
            if let Some(owner) = self.parts(id).into_iter().find(in_the_way) {
                let path = self.object_path(owner).unwrap_or_default();
                return Err(ModelError::Invalid(format!(
                    "object {path} has child objects; delete them first or delete recursively"
                )));
            }
        }
        let gone = self.subtree(id);
        if let Some(owner) = object.owner {
            if let Some(Attribute {
                value: Value::Ownership(children),
                ..
            }) = self.attributes.get_mut(&owner)
            {
                children.retain(|c| *c != id);
            }
        }
        self.availability.forget(&gone);
        for object in &gone {
            if let Some(object) = self.objects.remove(object) {
                for attribute in object.attributes {
                    self.attributes.remove(&attribute);
                }
            }
        }
        for attribute in self.attributes.values_mut() {
            match &mut attribute.value {
                Value::Link(targets) => targets.retain(|t| !gone.contains(t)),
                Value::VersionedLink(entries) => {
                    for version in entries.iter_mut().flatten() {
                        if version.target.is_some_and(|t| gone.contains(&t)) {
                            version.target = None;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Renames object `id` and/or moves it to ownership attribute `owner`.
    pub(crate) fn update_object(
        &mut self,
        id: Uuid,
        name: Option<&str>,
        owner: Option<Uuid>,
    ) -> Result<(), ModelError> {
        let object = self.objects.get(&id).ok_or_else(|| self.not_found(id))?;
        let (old_owner, type_id) = (object.owner, object.type_id);
        let new_name = name.unwrap_or(&object.name).to_string();
        let Some(old_owner) = old_owner else {
            return Err(ModelError::Invalid(
                "Invalid type: a model cannot be moved or renamed as an object".into(),
            ));
        };
        let new_owner = owner.unwrap_or(old_owner);
        if new_owner != old_owner {
            let relation = self
                .attributes
                .get(&new_owner)
                .ok_or_else(|| ModelError::NotFound("New owner of the object not found".into()))?;
            match self.definitions.get(&relation.definition).map(|d| &d.kind) {
                Some(Kind::Ownership(target)) if *target == type_id => {}
                _ => {
                    return Err(ModelError::Invalid(
                        "Invalid type of the new owner: it cannot own this object".into(),
                    ))
                }
            }
            if self.subtree(id).contains(&relation.object) {
                return Err(ModelError::Invalid(
                    "Invalid type of the new owner: it is owned by the object".into(),
                ));
            }
        }
        self.check_name_free(new_owner, &new_name, Some(id))?;
        if new_owner != old_owner {
            if let Some(Attribute {
                value: Value::Ownership(children),
                ..
            }) = self.attributes.get_mut(&old_owner)
            {
                children.retain(|c| *c != id);
            }
            self.push_child(new_owner, id);
        }
        if let Some(object) = self.objects.get_mut(&id) {
            object.name = new_name;
            object.owner = Some(new_owner);
        }
        Ok(())
    }

    /// Sets attribute `id`'s value, which must have the definition's type
    /// (and be one value unless the attribute is a collection).
    pub(crate) fn set_value(&mut self, id: Uuid, value: Value) -> Result<(), ModelError> {
        let attribute = self.attributes.get(&id).ok_or_else(|| {
            ModelError::NotFound(format!("attribute {} not found", crate::wire::braced(id)))
        })?;
        let definition = self
            .definitions
            .get(&attribute.definition)
            .ok_or_else(|| ModelError::NotFound("attribute definition not found".into()))?;
        if matches!(value, Value::Ownership(_)) {
            return Err(ModelError::Invalid(format!(
                "Invalid type: {} is an ownership relation; its objects change by creating, moving and deleting them",
                definition.name
            )));
        }
        let fits =
            std::mem::discriminant(&definition.initial_value()) == std::mem::discriminant(&value);
        if !fits {
            return Err(ModelError::Invalid(format!(
                "Invalid type: {} takes other values",
                definition.name
            )));
        }
        let many = match &value {
            Value::Int(v) => v.len(),
            Value::Double(v) => v.len(),
            Value::Bool(v) => v.len(),
            Value::Str(v) => v.len(),
            Value::UtcTime(v) => v.len(),
            _ => 0,
        };
        if !definition.collection() && many > 1 {
            return Err(ModelError::Invalid(format!(
                "{} takes one value, not {many}",
                definition.name
            )));
        }
        let targets: Vec<Uuid> = match &value {
            Value::Link(targets) => targets.clone(),
            Value::VersionedLink(entries) => {
                entries.iter().flatten().filter_map(|v| v.target).collect()
            }
            _ => Vec::new(),
        };
        if let Some(missing) = targets.iter().find(|t| !self.objects.contains_key(t)) {
            return Err(self.not_found(*missing));
        }
        if let Some(attribute) = self.attributes.get_mut(&id) {
            attribute.value = value;
        }
        Ok(())
    }
}

impl Model {
    /// Creates model `id` named `name`, a root object of type `type_id`,
    /// with attributes `attribute_ids` (one per definition, in order).
    pub(crate) fn create_model(
        &mut self,
        id: Uuid,
        name: &str,
        type_id: Uuid,
        attribute_ids: &[Uuid],
    ) -> Result<(), ModelError> {
        if name.is_empty() || name.contains(['/', '.']) {
            return Err(ModelError::Invalid(format!("invalid model name '{name}'")));
        }
        if self
            .roots
            .iter()
            .any(|r| self.objects.get(r).is_some_and(|o| o.name == name))
        {
            return Err(ModelError::Invalid(format!(
                "A model named {name} already exists"
            )));
        }
        let object_type = self.types.get(&type_id).ok_or_else(|| {
            ModelError::NotFound(format!(
                "model definition {} not found",
                crate::wire::braced(type_id)
            ))
        })?;
        let attributes = self.initial_attributes(id, name, "model", object_type, attribute_ids)?;
        self.insert_object(id, name, type_id, None, attributes);
        self.roots.push(id);
        Ok(())
    }

    /// Changes time series definition `id`'s description and/or template
    /// expression, for every attribute of it.
    pub(crate) fn update_definition(
        &mut self,
        id: Uuid,
        description: Option<&str>,
        template: Option<&str>,
    ) -> Result<(), ModelError> {
        let definition = self.definitions.get_mut(&id).ok_or_else(|| {
            ModelError::NotFound(format!(
                "attribute definition not found: {}",
                crate::wire::braced(id)
            ))
        })?;
        let Kind::Timeseries {
            template: current, ..
        } = &mut definition.kind
        else {
            return Err(ModelError::Invalid(format!(
                "Invalid type: {} is a {}, not a time series attribute definition",
                definition.name,
                definition.type_name()
            )));
        };
        if let Some(template) = template {
            *current = template.to_string();
        }
        if let Some(description) = description {
            definition.description = description.to_string();
        }
        Ok(())
    }
}
