//! Server-wide answers over TCP with the generated client: the version as
//! Mesh gives it, and Kerberos reachable without a token.

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
