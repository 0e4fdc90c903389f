//! `provider add/list/probe/rename/remove` for every provider type, failed probes, exit codes.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{KEY, Netclaw};
use crate::vendors::API_VENDORS;

fn redact_list(value: &serde_json::Value) -> serde_json::Value {
    let mut value = value.clone();
    for row in value.as_array_mut().unwrap() {
        row["endpoint"] = json!("[endpoint]");
        if let Some(probe) = row.get_mut("lastProbe").and_then(|p| p.as_object_mut()) {
            probe.insert("at".into(), json!("[time]"));
            probe.insert("latencyMs".into(), json!("[ms]"));
        }
    }
    value
}

#[tokio::test(flavor = "multi_thread")]
async fn every_type_is_added_listed_probed_renamed_and_removed() {
    for vendor in API_VENDORS {
        let server = MockServer::start().await;
        vendor.mount_healthy(&server).await;
        let netclaw = Netclaw::new();
        let args = vendor.add_args("first", &server);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let added = netclaw.run(&args, vendor.stdin()).await;
        added.expect_code(0);
        assert!(
            added.stderr.contains("Added provider `first`"),
            "{}",
            added.stderr
        );

        let list = netclaw.run(&["provider", "list", "--json"], "").await;
        list.expect_code(0);
        insta::assert_json_snapshot!(
            format!("list_{}", vendor.type_key),
            redact_list(&list.json())
        );

        let probe = netclaw
            .run(&["provider", "probe", "first", "--json"], "")
            .await;
        probe.expect_code(0);
        assert_eq!(probe.json()[0]["status"], "ok", "{}", vendor.type_key);

        netclaw
            .run(&["provider", "rename", "first", "second"], "")
            .await
            .expect_code(0);
        // The renamed provider still has its credential: the probe passes under the new name.
        let probe = netclaw
            .run(&["provider", "probe", "second", "--json"], "")
            .await;
        probe.expect_code(0);

        netclaw
            .run(&["provider", "remove", "second"], "")
            .await
            .expect_code(0);
        let list = netclaw.run(&["provider", "list", "--json"], "").await;
        assert_eq!(list.json(), json!([]), "{}", vendor.type_key);
        let secrets = netclaw.run(&["secrets", "list", "--json"], "").await;
        assert_eq!(
            secrets.json(),
            json!([]),
            "both files forget {}",
            vendor.type_key
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn add_refuses_to_save_when_the_probe_fails() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": {"message": format!("Incorrect API key provided: {KEY}")}
        })))
        .mount(&server)
        .await;
    let netclaw = Netclaw::new();
    let endpoint = format!("{}/v1", server.uri());
    let run = netclaw
        .run(
            &[
                "provider",
                "add",
                "work",
                "openai",
                "--auth",
                "api-key",
                "--api-key-stdin",
                "--endpoint",
                &endpoint,
            ],
            KEY,
        )
        .await;
    run.expect_code(1);
    insta::assert_snapshot!(run.stderr.replace(&server.uri(), "[server]"));
    assert!(!netclaw.config_file().exists(), "nothing was written");

    let saved = netclaw
        .run(
            &[
                "provider",
                "add",
                "work",
                "openai",
                "--auth",
                "api-key",
                "--api-key-stdin",
                "--endpoint",
                &endpoint,
                "--skip-probe",
            ],
            KEY,
        )
        .await;
    saved.expect_code(0);
    assert!(
        saved.stderr.contains("Not checked (--skip-probe)"),
        "{}",
        saved.stderr
    );
    let probe = netclaw
        .run(&["provider", "probe", "--all", "--json"], "")
        .await;
    probe.expect_code(1);
    assert_eq!(probe.json()[0]["status"], "auth");
    let list = netclaw.run(&["provider", "list"], "").await;
    assert!(
        list.stdout.contains("auth"),
        "the last probe is remembered: {}",
        list.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn remove_refuses_while_a_model_role_points_at_the_provider() {
    let server = MockServer::start().await;
    crate::vendors::API_VENDORS[3].mount_healthy(&server).await;
    let netclaw = Netclaw::new();
    let uri = server.uri();
    netclaw
        .run(
            &["provider", "add", "local", "ollama", "--endpoint", &uri],
            "",
        )
        .await
        .expect_code(0);
    netclaw
        .run(&["model", "set", "main", "local/llama3.2:3b"], "")
        .await
        .expect_code(0);
    netclaw
        .run(
            &[
                "model",
                "set",
                "compaction",
                "local/llama3.2:3b",
                "--context-window",
                "32768",
            ],
            "",
        )
        .await
        .expect_code(0);
    let refused = netclaw.run(&["provider", "remove", "local"], "").await;
    refused.expect_code(1);
    insta::assert_snapshot!(refused.stderr);

    netclaw
        .run(&["provider", "rename", "local", "gpu"], "")
        .await
        .expect_code(0);
    let config = netclaw.config_json();
    assert_eq!(config["Models"]["Main"]["Provider"], "gpu");
    assert_eq!(config["Models"]["Compaction"]["Provider"], "gpu");
    assert_eq!(config["Models"]["Compaction"]["ContextWindow"], 32768);

    let main = netclaw.run(&["model", "clear", "main"], "").await;
    main.expect_code(2);
    assert!(
        main.stderr.contains("netclaw model set main"),
        "{}",
        main.stderr
    );
    netclaw
        .run(&["model", "clear", "compaction"], "")
        .await
        .expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_errors_exit_2_with_a_hint() {
    let netclaw = Netclaw::new();
    let unknown = netclaw.run(&["provider", "add", "x", "mistral"], "").await;
    unknown.expect_code(2);
    assert!(
        unknown
            .stderr
            .contains("Known: anthropic, gemini, github-copilot, ollama, openai"),
        "{}",
        unknown.stderr
    );

    // No terminal to prompt on and nothing piped: the key is empty, and the hint says how to pipe it.
    let no_tty = netclaw
        .run(&["provider", "add", "x", "anthropic"], "")
        .await;
    no_tty.expect_code(2);
    insta::assert_snapshot!(no_tty.stderr);

    let bad_flag = netclaw
        .run(&["provider", "add", "x", "anthropic", "--api-key", KEY], "")
        .await;
    bad_flag.expect_code(2);

    let no_endpoint = netclaw
        .run(&["provider", "add", "x", "openai-compatible"], "")
        .await;
    no_endpoint.expect_code(2);
    assert!(
        no_endpoint.stderr.contains("--endpoint"),
        "{}",
        no_endpoint.stderr
    );

    let missing = netclaw.run(&["provider", "remove", "ghost"], "").await;
    missing.expect_code(1);
    assert!(missing.stderr.contains("no provider named `ghost`"));
}

#[tokio::test(flavor = "multi_thread")]
async fn typos_in_the_type_and_the_endpoint_are_caught_where_they_are_typed() {
    let netclaw = Netclaw::new();
    let typo = netclaw.run(&["provider", "add", "x", "opena"], "").await;
    typo.expect_code(2);
    assert!(
        typo.stderr.contains("did you mean `openai`"),
        "{}",
        typo.stderr
    );
    let relative = netclaw
        .run(
            &[
                "provider",
                "add",
                "x",
                "openai-compatible",
                "--endpoint",
                "127.0.0.1:4111/v1",
            ],
            "",
        )
        .await;
    relative.expect_code(2);
    assert!(
        relative.stderr.contains("not an absolute http(s) URL"),
        "{}",
        relative.stderr
    );
    assert!(!netclaw.config_file().exists(), "nothing written");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_model_the_provider_does_not_list_is_named_with_the_close_match() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": [
                {"id": "mock-gpt"}, {"id": "other-model"}
            ]})),
        )
        .mount(&server)
        .await;
    let netclaw = Netclaw::new();
    netclaw.add_compatible("p", &server.uri()).await;
    let strict = netclaw
        .run(&["model", "set", "main", "p/mock-gtp", "--strict"], "")
        .await;
    strict.expect_code(2);
    assert!(
        strict.stderr.contains("did you mean `p/mock-gpt`?"),
        "{}",
        strict.stderr
    );
    assert!(
        netclaw.config_json()["Models"].get("Main").is_none(),
        "nothing set"
    );

    let warned = netclaw
        .run(&["model", "set", "main", "p/mock-gtp"], "")
        .await;
    warned.expect_code(0);
    assert!(
        warned.stderr.contains("did you mean `p/mock-gpt`?"),
        "{}",
        warned.stderr
    );
    // doctor flags it too, with the command that fixes it.
    let doctor = netclaw.run(&["doctor", "--json"], "").await;
    let findings: serde_json::Value = serde_json::from_str(&doctor.stdout).unwrap();
    let models: Vec<&serde_json::Value> = findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "models" && f["level"] != "ok")
        .collect();
    assert_eq!(
        models,
        [&json!({"check": "models", "level": "warning",
                 "message": "`p` does not list the main model `mock-gtp`; did you mean `mock-gpt`?",
                 "fix": "netclaw model set main p/mock-gpt"})]
    );
    let listed = netclaw
        .run(&["model", "set", "main", "p/mock-gpt"], "")
        .await;
    assert!(
        !listed.stderr.contains("does not list"),
        "{}",
        listed.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_piped_key_is_taken_with_auth_api_key_alone_and_main_cannot_be_cleared() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "m"}]})))
        .mount(&server)
        .await;
    let netclaw = Netclaw::new();
    let endpoint = format!("{}/v1", server.uri());
    let added = netclaw
        .run(
            &[
                "provider",
                "add",
                "p",
                "openai-compatible",
                "--auth",
                "api-key",
                "--endpoint",
                &endpoint,
            ],
            &format!("{KEY}\n"),
        )
        .await;
    added.expect_code(0);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].headers["authorization"],
        format!("Bearer {KEY}").as_str(),
        "the piped key was used"
    );

    let clear_main = netclaw.run(&["model", "clear", "main"], "").await;
    clear_main.expect_code(2);
    assert!(
        clear_main.stderr.contains("netclaw model set main"),
        "{}",
        clear_main.stderr
    );
    let help = netclaw.run(&["model", "clear", "--help"], "").await;
    assert!(!help.stdout.contains("- main"), "{}", help.stdout);
    assert!(help.stdout.contains("- fallback"), "{}", help.stdout);
}
