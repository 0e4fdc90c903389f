//! Default scopes follow what discovery lists; the consent prompt follows `offline_access`.

use url::Url;

use super::*;

fn metadata(scopes: &[&str]) -> ServerMetadata {
    ServerMetadata {
        issuer: "http://127.0.0.1:9".into(),
        authorization_endpoint: None,
        token_endpoint: None,
        device_authorization_endpoint: None,
        revocation_endpoint: None,
        jwks_uri: None,
        scopes_supported: scopes.iter().map(|s| (*s).to_owned()).collect(),
        code_challenge_methods_supported: Vec::new(),
    }
}

fn standard() -> OAuthClientConfig {
    let url = Url::parse("http://127.0.0.1:9").unwrap();
    OAuthClientConfig::standard(url.clone(), "app", url)
}

#[test]
fn only_the_listed_defaults_are_asked_for_in_a_fixed_order() {
    let listed = metadata(&["email", "offline_access", "openid", "api.read"]);
    assert_eq!(
        default_scopes(&listed),
        ["openid", "email", "offline_access"]
    );
    assert!(default_scopes(&metadata(&[])).is_empty());
}

#[test]
fn configured_scopes_win_over_the_defaults() {
    let mut config = standard();
    config.scopes = vec!["api".into()];
    apply_defaults(&mut config, Some(&metadata(&["openid", "offline_access"])));
    assert_eq!(config.scopes, ["api"]);
    let mut config = standard();
    apply_defaults(&mut config, Some(&metadata(&["openid", "offline_access"])));
    assert_eq!(config.scopes, ["openid", "offline_access"]);
}

#[test]
fn offline_access_brings_a_consent_prompt_unless_one_is_configured_or_the_server_is_openai() {
    let mut config = standard();
    assert_eq!(consent_prompt(&config), None);
    config.scopes = vec!["openid".into(), "offline_access".into()];
    assert_eq!(
        consent_prompt(&config),
        Some(("prompt".to_owned(), "consent".to_owned()))
    );
    config
        .extra_authorize_params
        .push(("prompt".into(), "login consent".into()));
    assert_eq!(consent_prompt(&config), None);
    assert_eq!(consent_prompt(&OAuthClientConfig::openai()), None);
}
