//! `GET /api/usage`: a ChatGPT login's usage read from its usage endpoint with its bearer and
//! account id, then served from that read until it is five minutes old (or a refresh is asked
//! for), so clients may ask as often as they like without a read per question.

use secrecy::SecretString;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::Home;

#[tokio::test(flavor = "multi_thread")]
async fn usage_is_read_once_and_served_until_a_refresh_is_asked_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/backend-api/wham/usage"))
        .and(header("authorization", "Bearer usage-access"))
        .and(header("chatgpt-account-id", "acct-u"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"plan_type": "pro",
            "rate_limit": {"primary_window": null,
                           "secondary_window": {"used_percent": 40, "reset_after_seconds": 600, "limit_window_seconds": 604_800}}})))
        .expect(2)
        .mount(&server)
        .await;
    let home = Home::new();
    let mut entry = netclaw_config::ProviderEntry::new("openai");
    entry.auth_method = netclaw_config::AuthMethod::OAuthDevice;
    entry.endpoint = Some(format!("{}/backend-api/codex", server.uri()));
    entry.oauth = Some(netclaw_config::OAuthOverrides {
        issuer: Some(server.uri()),
        ..Default::default()
    });
    home.store()
        .write_provider(
            "chatgpt",
            netclaw_config::ProviderWrite {
                entry,
                credentials: netclaw_config::CredentialWrite::OAuth(netclaw_config::OAuthTokens {
                    access_token: SecretString::from("usage-access"),
                    refresh_token: Some(SecretString::from("usage-refresh")),
                    id_token: None,
                    account_id: Some(SecretString::from("acct-u")),
                    expires_at: Some(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(8)),
                }),
            },
        )
        .unwrap();
    // No background reader: every read below is the test's own.
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            refresh: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let client = daemon.client();

    let first = client.usage(false).await.unwrap();
    let report = &first.providers[0];
    assert_eq!(report.plan.as_deref(), Some("pro"));
    assert_eq!(report.windows.len(), 1, "a null window is left out");
    assert_eq!(report.windows[0].window_seconds, Some(604_800));
    assert_eq!(report.binding.as_deref(), Some("secondary"));

    let again = client.usage(false).await.unwrap();
    assert_eq!(again, first, "served from the first read");
    let refreshed = client.usage(true).await.unwrap();
    let window = &refreshed.providers[0].windows[0];
    assert_eq!(window.used_percent, Some(40.0));
    assert!(refreshed.providers[0].as_of >= first.providers[0].as_of);
    daemon.shutdown().await.unwrap();
}
