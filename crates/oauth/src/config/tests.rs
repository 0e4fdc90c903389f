//! Unit tests of the client configuration defaults.

use super::*;

#[test]
fn openai_defaults_match_the_codex_client() {
    let config = OAuthClientConfig::openai();
    assert_eq!(config.flavour, Flavour::OpenAi);
    assert_eq!(
        config.issuer.as_ref().map(Url::as_str),
        Some("https://auth.openai.com/")
    );
    assert_eq!(config.client_id, "app_EMoamEEZ73f0CkXaXp7hrann");
    assert_eq!(
        config.scope().as_deref(),
        Some("openid profile email offline_access")
    );
    assert_eq!(
        config.redirect_uri.as_str(),
        "http://localhost:1455/auth/callback"
    );
    assert_eq!(config.callback_ports(), vec![1455, 1457]);
}

#[test]
fn standard_server_uses_the_redirect_port_only() {
    let issuer = Url::parse("https://id.example").unwrap();
    let fixed = OAuthClientConfig::standard(
        issuer.clone(),
        "cli",
        Url::parse("http://127.0.0.1:8765/cb").unwrap(),
    );
    assert_eq!(fixed.callback_ports(), vec![8765]);
    let any =
        OAuthClientConfig::standard(issuer, "cli", Url::parse("http://127.0.0.1:0/cb").unwrap());
    assert_eq!(any.callback_ports(), vec![0]);
    assert_eq!(any.scope(), None);
}

#[test]
fn join_path_ignores_a_trailing_slash() {
    let a = join_path(&Url::parse("http://127.0.0.1:9/").unwrap(), "/oauth/token").unwrap();
    let b = join_path(&Url::parse("http://127.0.0.1:9").unwrap(), "/oauth/token").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.as_str(), "http://127.0.0.1:9/oauth/token");
}
