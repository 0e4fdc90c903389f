//! `netclaw usage`: a ChatGPT subscription read from its usage endpoint (no turn spent), and
//! API keys from the limits their last answer reported, each window as the server sent it and
//! the binding one named.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::oauth::{ACCESS, add_openai_with_device_code};
use crate::support::{KEY, Netclaw};
use crate::vendors::API_VENDORS;

/// The report without its read time (which is now).
fn without_time(mut reports: Value) -> Value {
    for report in reports.as_array_mut().unwrap() {
        assert!(report["asOf"].is_string(), "{report}");
        report.as_object_mut().unwrap().remove("asOf");
    }
    reports
}

#[tokio::test(flavor = "multi_thread")]
async fn a_chatgpt_subscription_is_read_from_its_usage_endpoint() {
    let server = MockServer::start().await;
    let netclaw = Netclaw::new();
    add_openai_with_device_code(&netclaw, &server).await;
    Mock::given(method("GET"))
        .and(path("/backend-api/wham/usage"))
        .and(header("authorization", format!("Bearer {ACCESS}").as_str()))
        .and(header("chatgpt-account-id", "acct-42"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"plan_type": "plus",
            "rate_limit": {
                "primary_window": {"used_percent": 6, "reset_at": 4_102_444_800_i64, "limit_window_seconds": 18000},
                "secondary_window": {"used_percent": 24, "reset_at": 4_102_444_800_i64, "limit_window_seconds": 604_800}},
            "credits": {"has_credits": true, "unlimited": false, "balance": "5.39"}})))
        .expect(2)
        .mount(&server)
        .await;
    let usage = netclaw.run(&["usage", "--json"], "").await;
    usage.expect_code(0);
    insta::assert_json_snapshot!(without_time(usage.json()));
    let table = netclaw.run(&["usage", "work"], "").await;
    assert!(
        table.stdout.contains("secondary (7d)") && table.stdout.contains("binds"),
        "{}",
        table.stdout
    );
    // No chat turn was spent reading it.
    let turns = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with("/responses"))
        .count();
    assert_eq!(turns, 0);
}

const ANSWER: &str = "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"output_index\":0,\"content_index\":0,\"delta\":\"hi\"}\n\nevent: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"id\":\"r\",\"status\":\"completed\"}}\n\n";

const CLAUDE_ANSWER: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-opus-4-5\",\"usage\":{\"input_tokens\":3,\"output_tokens\":0}}}\n\nevent: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"hi\"}}\n\nevent: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":1}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

#[tokio::test(flavor = "multi_thread")]
async fn api_keys_show_the_limits_their_last_answer_reported() {
    let openai = MockServer::start().await;
    let anthropic = MockServer::start().await;
    API_VENDORS[0].mount_healthy(&openai).await;
    API_VENDORS[1].mount_healthy(&anthropic).await;
    Mock::given(method("POST"))
        .and(path("/v1/responses"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-ratelimit-limit-requests", "500")
                .insert_header("x-ratelimit-remaining-requests", "499")
                .insert_header("x-ratelimit-limit-tokens", "30000")
                .insert_header("x-ratelimit-remaining-tokens", "6000")
                .set_body_raw(ANSWER, "text/event-stream"),
        )
        .mount(&openai)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("anthropic-ratelimit-requests-limit", "50")
                .insert_header("anthropic-ratelimit-requests-remaining", "10")
                .insert_header("anthropic-ratelimit-requests-reset", "2100-01-01T00:00:00Z")
                .set_body_raw(CLAUDE_ANSWER, "text/event-stream"),
        )
        .mount(&anthropic)
        .await;
    let netclaw = Netclaw::new();
    for (name, vendor, server) in [
        ("key", API_VENDORS[0], &openai),
        ("claude", API_VENDORS[1], &anthropic),
    ] {
        let args = vendor.add_args(name, server);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        netclaw.run(&args, KEY).await.expect_code(0);
    }
    let before = netclaw.run(&["usage", "--json"], "").await;
    assert_eq!(before.json()[0]["source"], "none", "{}", before.stdout);
    for model in ["key/gpt-5.5", "claude/claude-opus-4-5"] {
        let chat = netclaw.run(&["chat", "-m", model, "hi"], "").await;
        chat.expect_code(0);
    }
    let usage = netclaw.run(&["usage", "--json"], "").await;
    usage.expect_code(0);
    insta::assert_json_snapshot!(without_time(usage.json()));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_openrouter_key_shows_its_spend_from_the_key_endpoint() {
    let server = MockServer::start().await;
    API_VENDORS[2].mount_healthy(&server).await;
    Mock::given(method("GET"))
        .and(path("/api/v1/key"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": {
            "label": "sk-or-v1-abc...xyz", "usage": 7.5, "limit": 10, "is_free_tier": false}})))
        .mount(&server)
        .await;
    let netclaw = Netclaw::new();
    let args = API_VENDORS[2].add_args("router", &server);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    netclaw.run(&args, KEY).await.expect_code(0);
    let usage = netclaw.run(&["usage", "--json"], "").await;
    usage.expect_code(0);
    insta::assert_json_snapshot!(without_time(usage.json()));
    let table = netclaw.run(&["usage"], "").await;
    assert!(
        table.stdout.contains("spent  $7.50 of $10.00"),
        "{}",
        table.stdout
    );
}
