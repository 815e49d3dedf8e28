//! ModelService objects over TCP: listing models, getting objects by id,
//! path (full and short) or both, field masks and attribute filters,
//! creating, renaming, moving and deleting objects with Mesh's refusals,
//! searching by query and by definition, new models.

use mesh_emulator::proto::model::{
    AttributesMasks, CloneObjectRequest, CreateModelRequest, CreateObjectRequest, GetObjectRequest,
    ListModelsRequest, Object, SearchObjectsByDefinitionRequest, UpdateObjectRequest,
};
use mesh_emulator::proto::types::{Guid, MeshId};
use prost_types::FieldMask;
use tonic::Code;

use crate::common::model::*;
use crate::common::*;

fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|p| p.to_string()).collect(),
    })
}

async fn get(
    mesh: &mut Mesh,
    s: &Guid,
    id: MeshId,
    object_mask: Option<FieldMask>,
    filter: AttributesMasks,
    attribute_mask: Option<FieldMask>,
) -> Result<Object, tonic::Status> {
    mesh.model
        .get_object(GetObjectRequest {
            session_id: Some(s.clone()),
            object_id: Some(id),
            object_field_mask: object_mask,
            attributes_masks: Some(filter),
            attribute_field_mask: attribute_mask,
        })
        .await
        .map(tonic::Response::into_inner)
}

fn names(o: &Object) -> Vec<String> {
    let mut n: Vec<String> = o.attributes.iter().map(|a| a.name.clone()).collect();
    n.sort();
    n
}

#[test]
fn models_are_listed_each_with_one_ownership_relation_and_no_owner() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let list = |mesh: &mut Mesh, definition: Option<MeshId>, object_mask| {
            let request = ListModelsRequest {
                session_id: Some(s.clone()),
                model_definition_id: definition,
                object_field_mask: object_mask,
            };
            let mut client = mesh.model.clone();
            async move {
                client
                    .list_models(request)
                    .await
                    .map(|r| r.into_inner().models)
            }
        };
        let models = list(&mut mesh, None, None).await.unwrap();
        let mut model_names: Vec<&str> = models.iter().map(|m| m.name.as_str()).collect();
        model_names.sort();
        assert_eq!(model_names, ["SimpleThermalTestModel", "Utility"]);
        for m in &models {
            assert_eq!(m.attributes.len(), 1, "{}", m.name);
            assert_eq!(m.attributes[0].value_type, OWNERSHIP);
            assert!(m.owner_id.is_none());
            assert_eq!(m.path, format!("Model/{}", m.name));
            assert_eq!(uuid(&m.id).as_bytes().len(), 16);
            // Every model owns something: the official traversal example
            // walks down from each and back up to it.
            let owned = targets(&m.attributes[0]);
            assert!(!owned.is_empty(), "{}", m.name);
            let child = mesh.object(&s, by_id(owned[0])).await.unwrap();
            assert_eq!(child.owner_id.map(|o| uuid(&o.id)), Some(uuid(&m.id)));
        }
        let thermal = models
            .iter()
            .find(|m| m.name == "SimpleThermalTestModel")
            .unwrap();
        assert_eq!(thermal.type_name, "SimpleThermalTestRepository");
        let Some(mesh_emulator::proto::model::object::DefinitionOneof::NameSpaceId(space)) =
            &thermal.definition_oneof
        else {
            panic!("a model has a namespace: {:?}", thermal.definition_oneof);
        };
        assert_eq!(
            space.path.as_deref(),
            Some("Repository/SimpleThermalTestRepository")
        );
        // A model definition picks its models; the mask leaves attributes out.
        let only = list(
            &mut mesh,
            Some(by_path("Repository/UtilityRepository")),
            mask(&["id", "name"]),
        )
        .await
        .unwrap();
        assert_eq!(only.len(), 1);
        assert_eq!(only[0].name, "Utility");
        assert!(only[0].attributes.is_empty() && only[0].path.is_empty());
        assert_refused(
            list(
                &mut mesh,
                Some(by_path("Repository/NoSuchRepository")),
                None,
            )
            .await,
            Code::NotFound,
            "model definition not found",
        );
    });
}

#[test]
fn an_object_is_found_by_id_by_path_in_both_forms_and_by_both() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        for target in [
            by_id(PLANT_ID),
            by_path(PLANT),
            by_path(PLANT_SHORT),
            by_both(PLANT_ID, PLANT),
            by_both(PLANT_ID, PLANT_SHORT),
        ] {
            let o = mesh.object(&s, target.clone()).await.unwrap();
            assert_eq!(uuid(&o.id), PLANT_ID, "{target:?}");
            assert_eq!(o.path, PLANT);
            assert_eq!(o.name, "SomePowerPlant1");
            assert_eq!(o.type_name, "PlantElementType");
            let owner = o.owner_id.expect("an owner");
            assert_eq!(owner.path.as_deref(), Some(PLANTS));
            assert!(owner.id.is_some(), "owners carry their id");
            assert!(o.attributes.len() >= 32);
            assert!(o.attributes.iter().all(|a| a.definition.is_some()));
        }
        // A first-level object is owned by its model; a model by nothing.
        let component = mesh.object(&s, by_id(COMPONENT_ID)).await.unwrap();
        let owner = component.owner_id.unwrap();
        assert_eq!(owner.path.as_deref(), Some(MODEL));
        let model = mesh.object(&s, by_path(MODEL)).await.unwrap();
        assert_eq!(uuid(&owner.id), uuid(&model.id));
        assert!(model.owner_id.is_none());
        assert_eq!(model.attributes.len(), 1);
    });
}

#[test]
fn object_lookups_that_fail_say_why() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let cases: Vec<(MeshId, Code, &str)> = vec![
            (
                by_id(uuid::Uuid::new_v4()),
                Code::NotFound,
                "object not found:",
            ),
            (
                by_path("non_existing_path"),
                Code::NotFound,
                "object not found:",
            ),
            (
                by_path(&format!("{PLANT}/Nope")),
                Code::NotFound,
                "object not found:",
            ),
            (by_path(PLANTS), Code::InvalidArgument, "invalid type"),
            (
                by_path(&plant_attribute("DblAtt")),
                Code::InvalidArgument,
                "invalid type",
            ),
            (
                by_both(PLANT_ID, CHIMNEY_1_PATH),
                Code::InvalidArgument,
                "do not name the same object",
            ),
            (by_key(3), Code::NotFound, "object not found:"),
            (MeshId::default(), Code::InvalidArgument, "none of id, path"),
        ];
        for (target, code, text) in cases {
            assert_refused(mesh.object(&s, target).await, code, text);
        }
        let missing = mesh
            .model
            .get_object(GetObjectRequest {
                session_id: Some(s.clone()),
                ..GetObjectRequest::default()
            })
            .await;
        assert_refused(missing, Code::InvalidArgument, "is missing");
    });
}

#[test]
fn masks_choose_fields_and_filters_choose_attributes() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let none = AttributesMasks::default();
        // Without attributes: every other field is there.
        let fields = [
            "id",
            "path",
            "name",
            "type_name",
            "owner_id",
            "object_definition_id",
        ];
        let o = get(
            &mut mesh,
            &s,
            by_path(PLANT),
            mask(&fields),
            none.clone(),
            None,
        )
        .await
        .unwrap();
        assert!(o.attributes.is_empty());
        assert_eq!(
            (o.name.as_str(), o.path.as_str()),
            ("SomePowerPlant1", PLANT)
        );
        assert!(o.owner_id.is_some() && o.definition_oneof.is_some());
        // Attributes without their definitions.
        let view = [
            "id",
            "path",
            "name",
            "values",
            "value_type",
            "value_type_collection",
            "owner_id",
        ];
        let o = get(
            &mut mesh,
            &s,
            by_path(PLANT),
            None,
            none.clone(),
            mask(&view),
        )
        .await
        .unwrap();
        assert!(o.attributes.len() >= 32);
        assert!(o
            .attributes
            .iter()
            .all(|a| a.definition.is_none() && a.id.is_some()));
        let dbl = o.attributes.iter().find(|a| a.name == "DblAtt").unwrap();
        assert_eq!(doubles(dbl), [1000.0]);

        let filtered =
            |names: &[&str], tags: &[&str], spaces: &[&str], types: &[i32]| AttributesMasks {
                name_mask: mask(names),
                tag_mask: mask(tags),
                namespace_mask: mask(spaces),
                types: types.to_vec(),
            };
        let pick = |f: AttributesMasks| {
            let mut mesh = mesh.clone();
            let s = s.clone();
            async move { get(&mut mesh, &s, by_path(PLANT), None, f, None).await }
        };
        let o = pick(filtered(&["StringAtt", "BoolArrayAtt"], &[], &[], &[]))
            .await
            .unwrap();
        assert_eq!(names(&o), ["BoolArrayAtt", "StringAtt"]);
        let o = pick(filtered(&["NoSuchAtt"], &[], &[], &[])).await.unwrap();
        assert!(o.attributes.is_empty());
        let o = pick(filtered(&[], &["Tag3"], &[], &[])).await.unwrap();
        assert_eq!(names(&o), ["DblAtt"]);
        let all = pick(filtered(&[], &[], &["SimpleThermalTestRepository"], &[]))
            .await
            .unwrap();
        assert!(all.attributes.len() >= 32);
        let o = pick(filtered(&[], &["Tag1"], &["NON_EXISTING"], &[]))
            .await
            .unwrap();
        assert!(o.attributes.is_empty(), "tags AND namespaces");
        let o = pick(filtered(&[], &[], &[], &[INT, BOOL])).await.unwrap();
        assert!(o
            .attributes
            .iter()
            .all(|a| [INT, BOOL].contains(&a.value_type)));
        assert!(
            names(&o).contains(&"Int64Att".to_string())
                && names(&o).contains(&"BoolAtt".to_string())
        );

        let refusals: Vec<(AttributesMasks, &str)> = vec![
            (filtered(&["DblAtt"], &["Tag1"], &[], &[]), "name_mask"),
            (filtered(&["DblAtt"], &[], &[], &[INT]), "name_mask"),
            (
                filtered(&[], &[], &["SimpleThermalTestRepository"], &[INT]),
                "types",
            ),
            (filtered(&[], &[], &[], &[0]), "UNSPECIFIED"),
            (filtered(&[], &[], &["A.B"], &[]), "'A.B'"),
        ];
        for (f, text) in refusals {
            assert_refused(pick(f).await, Code::InvalidArgument, text);
        }
        assert_refused(
            get(
                &mut mesh,
                &s,
                by_path(PLANT),
                mask(&["nope"]),
                none.clone(),
                None,
            )
            .await,
            Code::InvalidArgument,
            "object_field_mask: unknown field 'nope'",
        );
        assert_refused(
            get(&mut mesh, &s, by_path(PLANT), None, none, mask(&["nope"])).await,
            Code::InvalidArgument,
            "attribute_field_mask: unknown field 'nope'",
        );
    });
}

/// A refused update: object, new name, new owner, and what Mesh says.
type UpdateRefusal<'a> = (MeshId, Option<&'a str>, Option<MeshId>, Code, &'a str);

async fn update(
    mesh: &mut Mesh,
    s: &Guid,
    id: MeshId,
    name: Option<&str>,
    owner: Option<MeshId>,
) -> Result<(), tonic::Status> {
    let mut paths = Vec::new();
    if name.is_some() {
        paths.push("new_name");
    }
    if owner.is_some() {
        paths.push("new_owner_id");
    }
    mesh.model
        .update_object(UpdateObjectRequest {
            session_id: Some(s.clone()),
            object_id: Some(id),
            field_mask: mask(&paths),
            new_name: name.unwrap_or_default().to_string(),
            new_owner_id: owner,
        })
        .await
        .map(drop)
}

#[test]
fn objects_are_created_renamed_moved_and_deleted() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let new = mesh
            .create_object(&s, by_path(CHIMNEYS), "NewChimney")
            .await
            .unwrap();
        assert_eq!(new.name, "NewChimney");
        assert_eq!(new.path, format!("{CHIMNEYS}/NewChimney"));
        assert_eq!(new.type_name, "ChimneyElementType");
        assert_eq!(
            new.owner_id.as_ref().and_then(|o| o.path.as_deref()),
            Some(CHIMNEYS)
        );
        assert_eq!(new.attributes.len(), 7);
        // Required simple values start at their defaults.
        let dbl = new.attributes.iter().find(|a| a.name == "DblAtt").unwrap();
        assert_eq!(doubles(dbl), [1000.0]);
        let id = uuid(&new.id);
        let read = mesh.object(&s, by_id(id)).await.unwrap();
        assert_eq!(
            (read.path.as_str(), read.owner_id.clone()),
            (new.path.as_str(), new.owner_id.clone())
        );
        // The plant's ownership relation lists it.
        let owned = mesh.plant_attribute(&s, "PlantToChimneyRef").await;
        assert!(targets(&owned).contains(&id));

        update(&mut mesh, &s, by_id(id), Some("Renamed"), None)
            .await
            .unwrap();
        assert_eq!(
            mesh.object(&s, by_id(id)).await.unwrap().path,
            format!("{CHIMNEYS}/Renamed")
        );
        let new_owner = format!("{CHIMNEY_1_PATH}.ChimneyToChimneyRef");
        update(
            &mut mesh,
            &s,
            by_path(&format!("{CHIMNEYS}/Renamed")),
            Some("Moved"),
            Some(by_path(&new_owner)),
        )
        .await
        .unwrap();
        let moved = mesh.object(&s, by_id(id)).await.unwrap();
        assert_eq!(moved.path, format!("{new_owner}/Moved"));
        assert_eq!(moved.owner_id.and_then(|o| o.path), Some(new_owner));
        assert!(!targets(&mesh.plant_attribute(&s, "PlantToChimneyRef").await).contains(&id));

        mesh.delete_object(&s, by_id(id), false).await.unwrap();
        assert_refused(
            mesh.object(&s, by_id(id)).await,
            Code::NotFound,
            "object not found:",
        );
    });
}

#[test]
fn objects_are_created_under_a_model_of_a_given_definition() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let create = |definition: Option<&str>| {
            let request = CreateObjectRequest {
                session_id: Some(s.clone()),
                name: "NewComponent".into(),
                owner_id: Some(by_path(MODEL)),
                object_definition_id: definition.map(by_path),
            };
            let mut client = mesh.model.clone();
            async move { client.create_object(request).await.map(|r| r.into_inner()) }
        };
        assert_refused(
            create(None).await,
            Code::InvalidArgument,
            "object_definition_id is required",
        );
        assert_refused(
            create(Some(
                "Repository/SimpleThermalTestRepository/PlantElementType",
            ))
            .await,
            Code::InvalidArgument,
            "Invalid type of the owner",
        );
        assert_refused(
            create(Some("Repository/SimpleThermalTestRepository/NoSuchType")).await,
            Code::NotFound,
            "object definition not found",
        );
        let new = create(Some(
            "Repository/SimpleThermalTestRepository/ThermalComponentType",
        ))
        .await
        .unwrap();
        assert_eq!(new.path, format!("{MODEL}/NewComponent"));
        assert_eq!(new.owner_id.and_then(|o| o.path).as_deref(), Some(MODEL));
    });
}

#[test]
fn creating_and_moving_objects_is_refused_in_meshs_words() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let creates: Vec<(MeshId, &str, Code, &str)> = vec![
            (by_path(PLANT), "X", Code::InvalidArgument, "Invalid type of the owner"),
            (by_id(PLANT_ID), "X", Code::InvalidArgument, "Invalid type of the owner"),
            (by_path(&plant_attribute("DblAtt")), "X", Code::InvalidArgument, "Invalid type of the owner"),
            (by_path("non_existing_path"), "X", Code::NotFound, "Owner of the object not found"),
            (by_id(uuid::Uuid::new_v4()), "X", Code::NotFound, "Owner of the object not found"),
            (
                by_path(CHIMNEYS),
                "SomePowerPlantChimney1",
                Code::InvalidArgument,
                "An element named SomePowerPlantChimney1 already exists in the PlantToChimneyRef element array",
            ),
            (by_path(CHIMNEYS), "", Code::InvalidArgument, "the object name is empty"),
            (by_path(CHIMNEYS), "a/b", Code::InvalidArgument, "invalid object name 'a/b'"),
            (by_path(CHIMNEYS), "a.b", Code::InvalidArgument, "invalid object name 'a.b'"),
        ];
        for (owner, name, code, text) in creates {
            assert_refused(mesh.create_object(&s, owner, name).await, code, text);
        }
        // A one-to-one ownership relation owns one object at most.
        let one = by_path(&plant_attribute("SimpleOwnershipAtt"));
        mesh.create_object(&s, one.clone(), "Only").await.unwrap();
        assert_refused(
            mesh.create_object(&s, one, "Second").await,
            Code::InvalidArgument,
            "already owns an object",
        );

        let chimney = by_id(CHIMNEY_2);
        let updates: Vec<UpdateRefusal> = vec![
            (
                chimney.clone(),
                None,
                None,
                Code::InvalidArgument,
                "nothing is set to be updated",
            ),
            (
                chimney.clone(),
                None,
                Some(by_path(PLANT)),
                Code::InvalidArgument,
                "Invalid type of the new owner",
            ),
            (
                chimney.clone(),
                None,
                Some(by_path(COMPONENT)),
                Code::InvalidArgument,
                "Invalid type of the new owner",
            ),
            (
                chimney.clone(),
                None,
                Some(by_path(PLANTS)),
                Code::InvalidArgument,
                "Invalid type of the new owner",
            ),
            (
                chimney.clone(),
                None,
                Some(by_path("non_existing_path")),
                Code::NotFound,
                "New owner of the object not found",
            ),
            (
                chimney.clone(),
                Some("SomePowerPlantChimney1"),
                None,
                Code::InvalidArgument,
                "already exists in the PlantToChimneyRef element array",
            ),
            (
                by_path(PLANTS),
                Some("X"),
                None,
                Code::InvalidArgument,
                "invalid type",
            ),
            (
                by_id(uuid::Uuid::new_v4()),
                Some("X"),
                None,
                Code::NotFound,
                "object not found:",
            ),
            (
                by_path(MODEL),
                Some("X"),
                None,
                Code::InvalidArgument,
                "Invalid type",
            ),
        ];
        for (target, name, owner, code, text) in updates {
            assert_refused(update(&mut mesh, &s, target, name, owner).await, code, text);
        }
        // A chimney cannot move under itself.
        let own = format!("{CHIMNEY_1_PATH}.ChimneyToChimneyRef");
        assert_refused(
            update(&mut mesh, &s, by_id(CHIMNEY_1), None, Some(by_path(&own))).await,
            Code::InvalidArgument,
            "Invalid type of the new owner",
        );
        let unknown = mesh
            .model
            .update_object(UpdateObjectRequest {
                session_id: Some(s.clone()),
                object_id: Some(chimney),
                field_mask: mask(&["new_colour"]),
                ..UpdateObjectRequest::default()
            })
            .await;
        assert_refused(unknown, Code::InvalidArgument, "unknown field 'new_colour'");
    });
}

#[test]
fn deleting_needs_recursion_only_for_one_to_many_children_and_takes_links_along() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        for target in [by_path(PLANT), by_id(PLANT_ID)] {
            assert_refused(
                mesh.delete_object(&s, target, false).await,
                Code::InvalidArgument,
                "has child objects",
            );
        }
        assert_refused(
            mesh.delete_object(&s, by_path(MODEL), true).await,
            Code::InvalidArgument,
            "Invalid type",
        );
        assert_refused(
            mesh.delete_object(&s, by_path(PLANTS), true).await,
            Code::InvalidArgument,
            "invalid type",
        );

        // Links to a deleted object go with it.
        mesh.delete_object(&s, by_id(CHIMNEY_2), false)
            .await
            .unwrap();
        assert!(targets(&mesh.plant_attribute(&s, "SimpleReference").await).is_empty());
        assert_eq!(
            targets(
                &mesh
                    .plant_attribute(&s, "PlantToChimneyRefCollection")
                    .await
            ),
            [CHIMNEY_1]
        );
        let series = versions(&mesh.plant_attribute(&s, "ReferenceSeriesAtt").await);
        assert!(series[0].iter().all(|(t, _)| *t != Some(CHIMNEY_2)));
        assert!(
            series[0].iter().any(|(t, _)| t.is_none()),
            "the version stays, with no target"
        );

        // What a one-to-one relation owns is part of its owner.
        let parent = mesh
            .create_object(&s, by_path(PLANTS), "Parent")
            .await
            .unwrap();
        let part = mesh
            .create_object(
                &s,
                by_path(&format!("{PLANTS}/Parent.SimpleOwnershipAtt")),
                "Part",
            )
            .await
            .unwrap();
        mesh.delete_object(&s, by_id(uuid(&parent.id)), false)
            .await
            .unwrap();
        assert_refused(
            mesh.object(&s, by_id(uuid(&part.id))).await,
            Code::NotFound,
            "object not found:",
        );

        mesh.delete_object(&s, by_path(PLANT_SHORT), true)
            .await
            .unwrap();
        for gone in [PLANT_ID, CHIMNEY_1] {
            assert_refused(
                mesh.object(&s, by_id(gone)).await,
                Code::NotFound,
                "object not found:",
            );
        }
    });
}

#[test]
fn objects_are_searched_by_query_and_by_definition() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        for start in [by_path(COMPONENT), by_id(COMPONENT_ID)] {
            let found = mesh
                .search_objects(&s, start, "*[.Type=ChimneyElementType]")
                .await
                .unwrap();
            let mut ids: Vec<_> = found.iter().map(|o| uuid(&o.id)).collect();
            ids.sort();
            assert_eq!(ids, [CHIMNEY_1, CHIMNEY_2]);
            assert!(found.iter().all(|o| o.attributes.len() == 7));
        }
        let none = mesh
            .search_objects(&s, by_path(COMPONENT), "*[.Name=NoSuchObject]")
            .await;
        assert_eq!(none.unwrap().len(), 0, "nothing found is an empty stream");
        assert_refused(
            mesh.search_objects(&s, by_path(COMPONENT), "*[.Name=")
                .await,
            Code::InvalidArgument,
            "invalid search query",
        );
        assert_refused(
            mesh.search_objects(&s, by_path(COMPONENT), "{*}.DblAtt")
                .await,
            Code::InvalidArgument,
            "finds attributes",
        );
        assert_refused(
            mesh.search_objects(&s, by_path(PLANTS), "{*}").await,
            Code::InvalidArgument,
            "invalid type",
        );
        assert_refused(
            mesh.search_objects(&s, by_path("non_existing_path"), "{*}")
                .await,
            Code::NotFound,
            "object not found:",
        );

        let by_definition = |definition: &str| {
            let request = SearchObjectsByDefinitionRequest {
                session_id: Some(s.clone()),
                object_definition_id: Some(by_path(definition)),
                object_field_mask: mask(&["id", "name"]),
                attributes_masks: None,
                attribute_field_mask: None,
            };
            let mut client = mesh.model.clone();
            async move {
                let mut stream = client
                    .search_objects_by_definition(request)
                    .await?
                    .into_inner();
                let mut out = Vec::new();
                while let Some(o) = stream.message().await? {
                    out.push(o.name);
                }
                Ok::<_, tonic::Status>(out)
            }
        };
        assert_eq!(
            by_definition("Repository/SimpleThermalTestRepository/ChimneyElementType")
                .await
                .unwrap(),
            ["SomePowerPlantChimney1", "SomePowerPlantChimney2"]
        );
        assert_refused(
            by_definition("Repository/SimpleThermalTestRepository/NoSuchType").await,
            Code::NotFound,
            "object definition not found",
        );
    });
}

#[test]
fn a_new_model_is_the_sessions_own_until_commit() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let (a, b) = (mesh.open().await, mesh.open().await);
        let client = mesh.model.clone();
        let create = |s: &Guid, name: &str, definition: &str| {
            let request = CreateModelRequest {
                session_id: Some(s.clone()),
                name: name.into(),
                model_definition_id: Some(by_path(definition)),
            };
            let mut client = client.clone();
            async move { client.create_model(request).await.map(|r| r.into_inner()) }
        };
        let model = create(&a, "NewModel", "Repository/UtilityRepository")
            .await
            .unwrap();
        assert_eq!(
            (model.path.as_str(), model.attributes.len()),
            ("Model/NewModel", 1)
        );
        assert!(model.owner_id.is_none());
        assert!(mesh.object(&a, by_path("Model/NewModel")).await.is_ok());
        assert_refused(
            mesh.object(&b, by_path("Model/NewModel")).await,
            Code::NotFound,
            "object not found:",
        );
        assert_refused(
            create(&a, "Utility", "Repository/UtilityRepository").await,
            Code::InvalidArgument,
            "already exists",
        );
        assert_refused(
            create(
                &a,
                "Other",
                "Repository/SimpleThermalTestRepository/PlantElementType",
            )
            .await,
            Code::NotFound,
            "model definition not found",
        );
        mesh.commit(&a).await.unwrap();
        assert!(mesh.object(&b, by_path("Model/NewModel")).await.is_ok());
    });
}

#[test]
fn cloning_is_not_implemented_and_says_so() {
    let emu = emulator();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let s = mesh.open().await;
        let cloned = mesh
            .model
            .clone_object(CloneObjectRequest {
                session_id: Some(s),
                source_object_id: Some(by_path(PLANT)),
                new_owner_id: None,
                new_object_name: "Copy".into(),
                timeseries_copy_mode: 0,
            })
            .await;
        assert_refused(
            cloned,
            Code::Unimplemented,
            "CloneObject is not implemented by mesh-emulator",
        );
    });
}
