//! Server-wide answers over TCP with the generated client: the version as
//! Mesh gives it, Kerberos reachable without a token, and the metadata
//! calls carried, as a test reads it back.

use std::collections::HashMap;

use mesh_emulator::Identity;

use crate::common::*;

#[test]
fn get_version_names_mesh_and_has_a_build_suffix() {
    let emu = emulator();
    let custom = Emulator::start_local(Config {
        version: "2.22.1+45".into(),
        ..Config::default()
    })
    .unwrap();
    run(async {
        let info = Mesh::connect(&emu)
            .await
            .config
            .get_version(())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(info.name, "Volue Mesh Server");
        let (release, build) = info.version.split_once('+').expect("a build suffix");
        assert_eq!(release, "2.21.0");
        assert!(
            !build.is_empty() && build.chars().all(|c| c.is_ascii_digit()),
            "{build}"
        );
        let info = Mesh::connect(&custom)
            .await
            .config
            .get_version(())
            .await
            .unwrap()
            .into_inner();
        assert_eq!(info.version, "2.22.1+45");
    });
}

#[test]
fn authenticate_kerberos_needs_no_token_when_tokens_are_required() {
    let emu = Emulator::start_local(Config {
        tokens: Some(HashMap::from([(
            "secret".to_string(),
            Identity::named("User"),
        )])),
        ..Config::default()
    })
    .unwrap();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        let e = mesh
            .auth
            .authenticate_kerberos(tokio_stream::iter(vec![b"ticket".to_vec()]))
            .await
            .unwrap_err();
        assert_eq!(e.code(), tonic::Code::Unimplemented, "{e:?}");
        assert!(e.message().contains("no Kerberos"), "{e:?}");
        // Everything else still needs one.
        let e = mesh.config.get_version(()).await.unwrap_err();
        assert_eq!(e.code(), tonic::Code::Unauthenticated);
    });
    assert_eq!(emu.calls("AuthenticateKerberos"), 1);
}

#[test]
fn the_metadata_calls_carry_is_kept_by_value_without_tokens() {
    let emu = Emulator::start_local(Config {
        tokens: Some(HashMap::from([(
            "secret".to_string(),
            Identity::named("User"),
        )])),
        ..Config::default()
    })
    .unwrap();
    run(async {
        let mut mesh = Mesh::connect(&emu).await;
        for version in ["1.16.0", "1.16.0", "1.14.2"] {
            let mut request = tonic::Request::new(());
            let metadata = request.metadata_mut();
            metadata.insert("x-volue-mesh-client-version", version.parse().unwrap());
            metadata.insert("authorization", "Bearer secret".parse().unwrap());
            mesh.config.get_version(request).await.unwrap();
        }
        // Without the key, and refused for want of a token: noted all the same.
        mesh.config.get_version(()).await.unwrap_err();
    });
    assert_eq!(
        emu.metadata_seen("X-Volue-Mesh-Client-Version"),
        [("1.16.0".to_string(), 2), ("1.14.2".to_string(), 1)]
    );
    assert_eq!(emu.total_calls(), 4);
    assert!(emu.metadata_seen("authorization").is_empty(), "a secret");
    assert!(emu.metadata_seen("grpc-timeout").is_empty());
    assert!(emu.metadata_seen("x-no-such-key").is_empty());
    emu.restart().unwrap();
    assert!(emu.metadata_seen("x-volue-mesh-client-version").is_empty());
    assert_eq!(emu.total_calls(), 0);
}
