//! Shared fixtures: clients pointed at wiremock, unsigned JWTs, form-body decoding.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use netclaw_oauth::{EndpointOverrides, Flavour, OAuthClient, OAuthClientConfig};
use serde_json::Value;
use url::Url;
use wiremock::MockServer;

pub(crate) fn now() -> Timestamp {
    "2026-06-23T12:00:00Z".parse().unwrap()
}

pub(crate) fn http() -> reqwest::Client {
    reqwest::Client::builder().no_proxy().build().unwrap()
}

/// OpenAI's defaults with the issuer on the mock server and the callback on any free port.
pub(crate) fn openai_client(server: &MockServer) -> OAuthClient {
    let mut config = OAuthClientConfig::openai_with_issuer(Url::parse(&server.uri()).unwrap());
    config.redirect_uri = Url::parse("http://localhost:0/auth/callback").unwrap();
    OAuthClient::new(http(), config).unwrap()
}

/// A standard server whose endpoints are all on the mock server.
pub(crate) fn standard_client(server: &MockServer) -> OAuthClient {
    let at = |p: &str| Some(Url::parse(&format!("{}{p}", server.uri())).unwrap());
    let config = OAuthClientConfig {
        flavour: Flavour::Standard,
        issuer: None,
        endpoints: EndpointOverrides {
            authorization: at("/authorize"),
            token: at("/token"),
            device_authorization: at("/device"),
            revocation: at("/revoke"),
            jwks: None,
        },
        client_id: "netclaw-cli".into(),
        scopes: vec!["openid".into(), "offline_access".into()],
        redirect_uri: Url::parse("http://127.0.0.1:0/callback").unwrap(),
        extra_authorize_params: Vec::new(),
    };
    OAuthClient::new(http(), config).unwrap()
}

pub(crate) fn unsigned_jwt(payload: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    format!(
        "{header}.{}.sig",
        URL_SAFE_NO_PAD.encode(payload.to_string())
    )
}

/// A form body as ordered pairs (for snapshots).
pub(crate) fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(crate) fn header<'a>(request: &'a wiremock::Request, name: &str) -> &'a str {
    request
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}
