//! The CLI on files netclaw did not write as it would: nothing is rewritten, nothing hangs,
//! and crashed saves leave homes every command still works on.

use std::time::{Duration, Instant};

use netclaw_config::{ConfigStore, EnvSnapshot, Paths, SaveHook, SavePoint};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::Netclaw;

async fn models_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"object": "list", "data": [{"id": "m1", "object": "model"}]}),
        ))
        .mount(&server)
        .await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_add_never_rewrites_a_config_it_cannot_parse() {
    let server = models_server().await;
    let endpoint = format!("{}/v1", server.uri());
    for case in [
        r#"{"configVersion": 2, "Providers": {"a": 5}}"#,
        r#"{"configVersion": 2, "Providers": {"a": {"Type": "openai", "AuthMethod": "Telepathy"}}}"#,
        r#"{"configVersion": 2, "Daemon": {"Port": 70000}}"#,
        r#"{"configVersion": 2, "Providers": 5}"#,
    ] {
        let netclaw = Netclaw::new();
        netclaw_config::fs::write_atomic(&netclaw.config_file(), case.as_bytes()).unwrap();
        let run = netclaw
            .run(
                &[
                    "provider",
                    "add",
                    "fresh",
                    "openai-compatible",
                    "--endpoint",
                    &endpoint,
                    "--auth",
                    "api-key",
                    "--api-key-stdin",
                ],
                "sk-fresh\n",
            )
            .await;
        assert_ne!(run.code, 0, "{case}: {}", run.stderr);
        assert!(run.stderr.contains("error:"), "{case}: {}", run.stderr);
        assert_eq!(
            std::fs::read_to_string(netclaw.config_file()).unwrap(),
            case,
            "{case}"
        );
        assert!(
            !netclaw.home().join("config/secrets.json.age").exists(),
            "{case}"
        );
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing was probed for a home that cannot be written"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fifo_or_an_empty_config_is_a_clear_error_within_a_second() {
    for content in [None, Some("")] {
        let netclaw = Netclaw::new();
        let file = netclaw.config_file();
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        match content {
            None => assert!(
                std::process::Command::new("mkfifo")
                    .arg(&file)
                    .status()
                    .unwrap()
                    .success()
            ),
            Some(text) => netclaw_config::fs::write_atomic(&file, text.as_bytes()).unwrap(),
        }
        for args in [&["provider", "list"][..], &["doctor"]] {
            let started = Instant::now();
            let run = netclaw.run(args, "").await;
            assert!(started.elapsed() < Duration::from_secs(5), "{args:?} hung");
            assert_ne!(run.code, 0, "{args:?}: {}", run.stderr);
            let expected = if content.is_none() {
                "is a FIFO"
            } else {
                "is empty"
            };
            let shown = format!("{}{}", run.stdout, run.stderr);
            assert!(shown.contains(expected), "{args:?}: {shown}");
        }
    }
}

/// Homes a save left when stopped at each point of a rename: `provider list` and `doctor`
/// still work on each, and a second rename finishes the job.
#[tokio::test(flavor = "multi_thread")]
async fn every_command_works_after_a_rename_stopped_at_any_point() {
    for point in SavePoint::ALL {
        let netclaw = Netclaw::new();
        let run = netclaw
            .run(
                &[
                    "provider",
                    "add",
                    "a",
                    "openai",
                    "--auth",
                    "api-key",
                    "--api-key-stdin",
                    "--skip-probe",
                    "--endpoint",
                    "http://127.0.0.1:9/v1",
                ],
                "sk-a-key\n",
            )
            .await;
        run.expect_code(0);
        let store = ConfigStore::new(Paths::at(netclaw.home()), &EnvSnapshot::default())
            .with_save_hook(SaveHook::new(move |at| {
                if at == point {
                    Err(std::io::Error::other("simulated crash"))
                } else {
                    Ok(())
                }
            }));
        let _ = store.rename_provider("a", "b");
        let list = netclaw.run(&["provider", "list", "--json"], "").await;
        list.expect_code(0);
        let doctor = netclaw.run(&["doctor"], "").await;
        // A copy left under the old name may be reported (removing it is safe: `b` has its
        // own), but the pair parses and decrypts.
        let shown = format!("{}{}", doctor.stdout, doctor.stderr);
        assert!(shown.contains("✔  secrets"), "{point:?}: {shown}");
        let names: Vec<String> = list
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        let current = names.first().unwrap().clone();
        if current == "a" {
            netclaw
                .run(&["provider", "rename", "a", "b"], "")
                .await
                .expect_code(0);
        }
        let list = netclaw.run(&["provider", "list", "--json"], "").await;
        let provider = &list.json()[0];
        assert_eq!(provider["name"], "b", "{point:?}");
        assert_eq!(
            provider["credentialSource"], "secrets",
            "{point:?}: {provider}"
        );
    }
}
