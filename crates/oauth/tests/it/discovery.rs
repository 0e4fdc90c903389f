//! RFC 8414 / OIDC discovery against wiremock, feeding `OAuthClient::discover`.

use netclaw_oauth::{OAuthClient, OAuthClientConfig, OAuthError, discover};
use serde_json::json;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::http;

fn metadata(issuer: &str) -> serde_json::Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "device_authorization_endpoint": format!("{issuer}/device"),
        "revocation_endpoint": format!("{issuer}/revoke"),
        "jwks_uri": format!("{issuer}/jwks"),
        "code_challenge_methods_supported": ["S256"]
    })
}

#[tokio::test]
async fn falls_back_from_oidc_to_rfc8414_and_explicit_endpoints_win() {
    let server = MockServer::start().await;
    let issuer = format!("{}/tenant", server.uri());
    Mock::given(method("GET"))
        .and(path("/.well-known/oauth-authorization-server/tenant"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata(&issuer)))
        .mount(&server)
        .await;
    let mut config = OAuthClientConfig::standard(
        Url::parse(&issuer).unwrap(),
        "cli",
        Url::parse("http://127.0.0.1:0/cb").unwrap(),
    );
    config.endpoints.token = Some(Url::parse("http://127.0.0.1:9/explicit-token").unwrap());
    let client = OAuthClient::discover(http(), config).await.unwrap();
    let e = client.endpoints();
    assert_eq!(e.token.as_str(), "http://127.0.0.1:9/explicit-token");
    assert_eq!(
        e.authorization.as_ref().unwrap().as_str(),
        format!("{issuer}/authorize")
    );
    assert_eq!(
        e.device_authorization.as_ref().unwrap().as_str(),
        format!("{issuer}/device")
    );
    assert_eq!(
        e.revocation.as_ref().unwrap().as_str(),
        format!("{issuer}/revoke")
    );
    assert_eq!(e.jwks.as_ref().unwrap().as_str(), format!("{issuer}/jwks"));
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/tenant/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server/tenant"
        ]
    );
}

#[tokio::test]
async fn oidc_document_first_and_issuer_must_match() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(metadata("https://someone-else.example")),
        )
        .mount(&server)
        .await;
    let err = discover(&http(), &Url::parse(&server.uri()).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::InvalidResponse { .. }), "{err:?}");
    assert!(err.to_string().contains("someone-else"), "{err}");
}

#[tokio::test]
async fn no_metadata_is_a_config_error_listing_what_was_tried() {
    let server = MockServer::start().await;
    let err = discover(&http(), &Url::parse(&server.uri()).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::Config { .. }), "{err:?}");
    assert!(
        err.to_string().contains("openid-configuration` (404)"),
        "{err}"
    );
}
