//! One home gives the same answers with and without a daemon: the model listing (every
//! role's context window counts), the probe class and message of a login that cannot be
//! renewed, and the model the context-length fallback picks. Both paths are the same
//! providers runtime; these tests run each path on one home and compare.

use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::oauth::{add_openai_with_device_code, start_daemon};
use crate::support::{KEY, Netclaw};

const BIG_ANSWER: &str = concat!(
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"from big\"}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    "data: [DONE]\n\n",
);

/// Provider `p` (OpenAI-compatible, with a key) serving `small` (8k) and `big` (128k); `small`
/// refuses every prompt as too long. Main `p/small`, fallback `p/big`, and the compaction role
/// names `big` with a smaller context window of its own.
async fn home_with_two_windows(server: &MockServer) -> Netclaw {
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "small", "max_model_len": 8192},
            {"id": "big", "max_model_len": 131072}
        ]})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("\"model\":\"small\""))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "code": "context_length_exceeded",
            "message": "This model's maximum context length is 8192 tokens."
        }})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("\"model\":\"big\""))
        .respond_with(ResponseTemplate::new(200).set_body_raw(BIG_ANSWER, "text/event-stream"))
        .mount(server)
        .await;
    let netclaw = Netclaw::new();
    let endpoint = format!("{}/v1", server.uri());
    netclaw
        .run(
            &[
                "provider",
                "add",
                "p",
                "openai-compatible",
                "--api-key-stdin",
                "--endpoint",
                &endpoint,
            ],
            &format!("{KEY}\n"),
        )
        .await
        .expect_code(0);
    for (role, model) in [("main", "p/small"), ("fallback", "p/big")] {
        netclaw
            .run(&["model", "set", role, model], "")
            .await
            .expect_code(0);
    }
    netclaw.edit_config(|config| {
        config["Models"]["Compaction"] =
            json!({"Provider": "p", "ModelId": "big", "ContextWindow": 100_000});
    });
    netclaw
}

/// `model list --json` reduced to what both paths must agree on.
fn windows(listing: &serde_json::Value) -> Vec<(String, u64, String)> {
    listing[0]["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["id"].as_str().unwrap().to_owned(),
                m["contextWindow"]["value"].as_u64().unwrap(),
                m["contextWindow"]["source"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The dim "served by" line of a chat.
fn served_line(stderr: &str) -> String {
    stderr
        .lines()
        .find(|l| l.starts_with("served by"))
        .unwrap_or_else(|| panic!("no served-by line:\n{stderr}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn listings_and_the_fallback_choice_are_the_same_with_and_without_a_daemon() {
    let server = MockServer::start().await;
    let netclaw = home_with_two_windows(&server).await;

    let direct_chat = netclaw.run(&["chat", "a very long prompt"], "").await;
    direct_chat.expect_code(0);
    let direct_list = netclaw.run(&["model", "list", "--json"], "").await;
    direct_list.expect_code(0);

    let daemon = start_daemon(&netclaw);
    let daemon_list = netclaw.run(&["model", "list", "--json"], "").await;
    daemon_list.expect_code(0);
    let daemon_chat = netclaw.run(&["chat", "-v", "a very long prompt"], "").await;
    daemon_chat.expect_code(0);
    assert!(daemon_chat.stderr.contains("through the daemon"));
    crate::oauth::stop_daemon(&netclaw, daemon).await;

    assert_eq!(
        windows(&direct_list.json()),
        [
            ("small".to_owned(), 8192, "observed".to_owned()),
            ("big".to_owned(), 100_000, "override".to_owned()),
        ],
        "the compaction role's window counts, and `small` stated its own when it refused"
    );
    assert_eq!(windows(&daemon_list.json()), windows(&direct_list.json()));

    assert_eq!(direct_chat.stdout, "from big\n");
    assert_eq!(daemon_chat.stdout, direct_chat.stdout);
    assert_eq!(
        served_line(&direct_chat.stderr),
        "served by p/big instead of p/small (context_length_exceeded)"
    );
    assert_eq!(
        served_line(&daemon_chat.stderr),
        served_line(&direct_chat.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_that_cannot_be_renewed_probes_the_same_with_and_without_a_daemon() {
    let server = MockServer::start().await;
    let netclaw = Netclaw::new();
    add_openai_with_device_code(&netclaw, &server).await;
    // The access token has expired and the token endpoint fails every refresh.
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string_contains("refresh_token"))
        .respond_with(ResponseTemplate::new(500).set_body_string("upstream trouble"))
        .mount(&server)
        .await;
    netclaw.edit_config(|config| {
        config["Providers"]["work"]["Accounts"]["default"]["OAuthTokenExpiry"] =
            json!("2020-01-01T00:00:00+00:00");
    });

    let direct = netclaw
        .run(&["provider", "probe", "work", "--json"], "")
        .await;
    direct.expect_code(1);
    let direct = &direct.json()[0];

    let daemon = start_daemon(&netclaw);
    let paths = netclaw_config::Paths::at(netclaw.home());
    let through_daemon = netclaw_daemon::DaemonClient::from_run_files(&paths)
        .unwrap()
        .probe("work")
        .await
        .unwrap();
    crate::oauth::stop_daemon(&netclaw, daemon).await;

    assert_eq!(direct["status"], "unreachable");
    assert_eq!(
        serde_json::to_value(through_daemon.summary.status).unwrap(),
        direct["status"]
    );
    assert_eq!(
        through_daemon.summary.message.as_deref(),
        direct["message"].as_str()
    );
    insta::assert_snapshot!(
        direct["message"].as_str().unwrap().replace(&server.uri(), "[issuer]"),
        @"the login of provider `work` could not be renewed: `[issuer]/oauth/token` returned HTTP 500: upstream trouble"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_window_stated_in_a_refusal_is_learnt_used_by_the_fallback_and_listed() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "huge", "max_model_len": 1_048_576},
            {"id": "mid", "max_model_len": 400_000}
        ]})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("\"model\":\"huge\""))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "code": "context_length_exceeded",
            "message": "This model's maximum context length is 370000 tokens. However, you requested 380000 tokens."
        }})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("\"model\":\"mid\""))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(BIG_ANSWER.replace("big", "mid"), "text/event-stream"),
        )
        .mount(&server)
        .await;
    let netclaw = Netclaw::new();
    netclaw.add_compatible("p", &server.uri()).await;
    netclaw.set_model("main", "p/huge").await;
    netclaw.set_model("fallback", "p/mid").await;

    // `huge` is listed at 1M but refuses at 370k: `mid` (400k) can still take the prompt.
    let chat = netclaw.run(&["chat", "a very long prompt"], "").await;
    chat.expect_code(0);
    assert_eq!(chat.stdout, "from mid\n");
    assert_eq!(
        served_line(&chat.stderr),
        "served by p/mid instead of p/huge (context_length_exceeded)"
    );

    // The window is remembered with its provenance, beside what was advertised, by both paths.
    let direct = netclaw.run(&["model", "list", "--json"], "").await;
    let daemon = start_daemon(&netclaw);
    let through_daemon = netclaw.run(&["model", "list", "--json"], "").await;
    crate::oauth::stop_daemon(&netclaw, daemon).await;
    for listing in [direct.json(), through_daemon.json()] {
        let huge = &listing[0]["models"][0];
        assert_eq!(huge["id"], "huge");
        assert_eq!(
            huge["contextWindow"],
            json!({"value": 370_000, "source": "observed"})
        );
        assert_eq!(
            huge["advertisedContextWindow"],
            json!({"value": 1_048_576, "source": "live"})
        );
        assert!(huge["observedAt"].is_string(), "{huge}");
    }
    let table = netclaw.run(&["model", "list"], "").await;
    assert!(
        table
            .stdout
            .contains("context: observed just now, advertised 1048k live"),
        "{}",
        table.stdout
    );
}
