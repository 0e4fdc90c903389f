//! Endpoint resolution without network.

use super::*;

#[test]
fn openai_endpoints_derive_from_the_issuer() {
    let client = OAuthClient::new(reqwest::Client::new(), OAuthClientConfig::openai()).unwrap();
    let e = client.endpoints();
    let s = |u: &Option<Url>| u.as_ref().map(|u| u.as_str().to_owned());
    assert_eq!(
        s(&e.authorization).as_deref(),
        Some("https://auth.openai.com/oauth/authorize")
    );
    assert_eq!(e.token.as_str(), "https://auth.openai.com/oauth/token");
    assert_eq!(
        s(&e.device_authorization).as_deref(),
        Some("https://auth.openai.com/api/accounts/deviceauth/usercode")
    );
    assert_eq!(
        s(&e.device_token).as_deref(),
        Some("https://auth.openai.com/api/accounts/deviceauth/token")
    );
    assert_eq!(
        s(&e.device_verification).as_deref(),
        Some("https://auth.openai.com/codex/device")
    );
    assert_eq!(
        s(&e.device_redirect_uri).as_deref(),
        Some("https://auth.openai.com/deviceauth/callback")
    );
    assert_eq!(
        s(&e.revocation).as_deref(),
        Some("https://auth.openai.com/oauth/revoke")
    );
}

#[test]
fn standard_without_token_endpoint_is_a_config_error() {
    let config = OAuthClientConfig::standard(
        Url::parse("https://id.example").unwrap(),
        "cli",
        Url::parse("http://127.0.0.1:0/cb").unwrap(),
    );
    let err = OAuthClient::new(reqwest::Client::new(), config).unwrap_err();
    assert!(matches!(err, OAuthError::Config { .. }), "{err:?}");
}
