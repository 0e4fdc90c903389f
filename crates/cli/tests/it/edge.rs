//! What stands between netclaw and a vendor is named as such: a CDN's browser check, a region
//! block, a proxy; and a vendor's own 429 or 5xx comes with a `hint:`, its retries announced.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::Netclaw;

const CHALLENGE_PAGE: &str = "<!DOCTYPE html><html><head><title>Just a moment...</title></head>\
    <body><script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1\"></script>\
    </body></html>";

fn challenge() -> ResponseTemplate {
    ResponseTemplate::new(403)
        .insert_header("cf-mitigated", "challenge")
        .set_body_raw(CHALLENGE_PAGE, "text/html; charset=UTF-8")
}

/// Provider `p` at `server`, added while the server still answered.
async fn added(server: &MockServer) -> Netclaw {
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "m"}]})))
        .mount(server)
        .await;
    let netclaw = Netclaw::new();
    netclaw.add_compatible("p", &server.uri()).await;
    netclaw.set_model("main", "p/m").await;
    server.reset().await;
    netclaw
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cdn_challenge_is_named_in_chat_probe_and_doctor_with_its_remedy() {
    let server = MockServer::start().await;
    let netclaw = added(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(challenge())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(challenge())
        .mount(&server)
        .await;

    let chat = netclaw.run(&["chat", "hi"], "").await;
    chat.expect_code(1);
    insta::assert_snapshot!(chat.stderr);

    let probe = netclaw.run(&["provider", "probe", "p", "--json"], "").await;
    probe.expect_code(1);
    let report = &probe.json()[0];
    assert_eq!(report["status"], "edge_challenge", "{report}");

    let doctor = netclaw.run(&["doctor"], "").await;
    assert!(
        doctor
            .stdout
            .contains("edge_challenge: The CDN in front of"),
        "{}",
        doctor.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_region_block_is_not_called_forbidden() {
    let server = MockServer::start().await;
    let netclaw = added(&server).await;
    let refusal = json!({"error": {"code": "unsupported_country_region_territory",
        "message": "Country, region, or territory not supported", "type": "request_forbidden"}});
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(403).set_body_json(refusal))
        .mount(&server)
        .await;
    let probe = netclaw.run(&["provider", "probe", "p", "--json"], "").await;
    probe.expect_code(1);
    assert_eq!(probe.json()[0]["status"], "region_blocked");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_vendors_429_and_5xx_come_with_a_hint() {
    let server = MockServer::start().await;
    let netclaw = added(&server).await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_json(json!({"error": {"message": "Rate limit reached"}})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(500).set_body_json(json!({"error": {"message": "boom"}})),
        )
        .mount(&server)
        .await;
    let limited = netclaw.run(&["chat", "hi"], "").await;
    limited.expect_code(1);
    assert!(limited.stderr.contains("\nhint: "), "{}", limited.stderr);
    let failed = netclaw.run(&["chat", "hi"], "").await;
    failed.expect_code(1);
    assert!(
        failed.stderr.contains("hint: netclaw retried already"),
        "{}",
        failed.stderr
    );
    // Each retry was announced while it waited, directly and through the daemon.
    let announced = "(500). The provider may be experiencing issues — retry 1/4 in";
    assert!(failed.stderr.contains(announced), "{}", failed.stderr);
    let daemon = crate::oauth::start_daemon(&netclaw);
    let through = netclaw.run(&["chat", "-v", "hi"], "").await;
    crate::oauth::stop_daemon(&netclaw, daemon).await;
    through.expect_code(1);
    assert!(
        through.stderr.contains("through the daemon"),
        "{}",
        through.stderr
    );
    assert!(through.stderr.contains(announced), "{}", through.stderr);
    assert!(through.stderr.contains("hint: "), "{}", through.stderr);
}
