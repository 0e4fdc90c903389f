//! `netclaw chat` without a daemon falls back along the configured chain, says which model
//! answered, and `provider list` shows the cooldown it left behind.

use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::Netclaw;

const RESPONSES_SSE: &str = concat!(
    "event: response.output_text.delta\n",
    "data: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"from the spare\"}\n\n",
    "event: response.completed\n",
    "data: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"status\":\"completed\"}}\n\n",
);

async fn add_key_provider(netclaw: &Netclaw, name: &str, server: &MockServer) {
    let endpoint = format!("{}/v1", server.uri());
    netclaw
        .run(
            &[
                "provider",
                "add",
                name,
                "openai",
                "--auth",
                "api-key",
                "--api-key-stdin",
                "--endpoint",
                &endpoint,
                "--skip-probe",
            ],
            "sk-test-key\n",
        )
        .await
        .expect_code(0);
}

#[tokio::test(flavor = "multi_thread")]
async fn chat_says_a_fallback_answered_and_provider_list_shows_the_cooldown() {
    let main = MockServer::start().await;
    let spare = MockServer::start().await;
    let resets_at = jiff::Timestamp::now().as_second() + 3600;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(
            ResponseTemplate::new(429).set_body_json(serde_json::json!({"error": {
                "type": "usage_limit_reached", "message": "limit reached", "resets_at": resets_at,
            }})),
        )
        .expect(1)
        .mount(&main)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(RESPONSES_SSE, "text/event-stream"))
        .expect(2)
        .mount(&spare)
        .await;
    let netclaw = Netclaw::new();
    add_key_provider(&netclaw, "work", &main).await;
    add_key_provider(&netclaw, "spare", &spare).await;
    for (role, model) in [("main", "work/gpt-5"), ("fallback", "spare/gpt-5-mini")] {
        netclaw
            .run(&["model", "set", role, model], "")
            .await
            .expect_code(0);
    }

    let chat = netclaw.run(&["chat", "hello"], "").await;
    chat.expect_code(0);
    assert_eq!(chat.stdout, "from the spare\n");
    assert!(
        chat.stderr
            .contains("served by spare/gpt-5-mini instead of work/gpt-5 (usage_limit)"),
        "{}",
        chat.stderr
    );

    let list = netclaw.run(&["provider", "list", "--json"], "").await;
    list.expect_code(0);
    let rows = list.json();
    let work = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "work")
        .unwrap();
    assert_eq!(work["cooldown"]["reason"], "usage_limit");
    let until: jiff::Timestamp = work["cooldown"]["until"].as_str().unwrap().parse().unwrap();
    assert_eq!(until.as_second(), resets_at);
    let spare_row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "spare");
    assert_eq!(spare_row.unwrap()["cooldown"], serde_json::Value::Null);
    let table = netclaw.run(&["provider", "list"], "").await;
    assert!(
        table
            .stderr
            .contains("chats skip `work` for now: usage limit reached"),
        "{}",
        table.stderr
    );

    // The next chat skips the main model without asking it (its mock expects one request).
    let again = netclaw.run(&["chat", "hello"], "").await;
    again.expect_code(0);
    assert!(
        again.stderr.contains("served by spare/gpt-5-mini"),
        "{}",
        again.stderr
    );
}

/// A `Retry-After` too large for any clock (1e20 s) is clamped instead of crashing the CLI:
/// the spare answers and the chat exits 0.
#[tokio::test(flavor = "multi_thread")]
async fn a_huge_retry_after_falls_back_instead_of_crashing() {
    let main = MockServer::start().await;
    let spare = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1e20")
                .set_body_json(serde_json::json!({"error": {"message": "slow down"}})),
        )
        .mount(&main)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(RESPONSES_SSE, "text/event-stream"))
        .mount(&spare)
        .await;
    let netclaw = Netclaw::new();
    add_key_provider(&netclaw, "work", &main).await;
    add_key_provider(&netclaw, "spare", &spare).await;
    for (role, model) in [("main", "work/gpt-5"), ("fallback", "spare/gpt-5-mini")] {
        netclaw
            .run(&["model", "set", role, model], "")
            .await
            .expect_code(0);
    }
    let chat = netclaw.run(&["chat", "hello"], "").await;
    chat.expect_code(0);
    assert_eq!(chat.stdout, "from the spare\n");
}
