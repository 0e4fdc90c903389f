//! The authorize URL, snapshotted for OpenAI so any change to order or escaping is seen.

use super::*;
use crate::config::OAuthClientConfig;

fn openai_pending() -> PendingAuthorization {
    let config = OAuthClientConfig::openai();
    let endpoint = Url::parse("https://auth.openai.com/oauth/authorize").unwrap();
    PendingAuthorization::with(
        &endpoint,
        &config,
        &config.redirect_uri,
        Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
        "fixed-state".to_owned(),
    )
}

#[test]
fn openai_authorize_url() {
    insta::assert_snapshot!(openai_pending().authorization_url.as_str());
}

#[test]
fn extras_replace_earlier_keys_in_place_and_spaces_are_percent_20() {
    let mut config = OAuthClientConfig::openai();
    config
        .extra_authorize_params
        .push(("response_type".into(), "code id_token".into()));
    let endpoint = Url::parse("https://id.example/authorize?tenant=a").unwrap();
    let url = authorize_url(&endpoint, &config, &config.redirect_uri, "c", "s");
    let query = url.query().unwrap();
    assert!(
        query.starts_with("tenant=a&response_type=code%20id_token&client_id="),
        "{query}"
    );
    assert_eq!(query.matches("response_type").count(), 1);
}

#[test]
fn escape_data_keeps_unreserved_only() {
    assert_eq!(
        escape_data("a-b.c_d~e f/g:h?i&j=k+l"),
        "a-b.c_d~e%20f%2Fg%3Ah%3Fi%26j%3Dk%2Bl"
    );
    assert_eq!(escape_data("é"), "%C3%A9");
}

#[test]
fn debug_hides_the_verifier() {
    let shown = format!("{:?}", openai_pending());
    assert!(!shown.contains("dBjftJeZ4CVP"), "{shown}");
}
