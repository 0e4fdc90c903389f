//! Unit tests for the secrets payload and identity handling.

use secrecy::ExposeSecret;
use serde_json::json;

use super::*;
use crate::env::{EnvSnapshot, EnvVars};
use crate::paths::Paths;

#[test]
fn payload_keeps_the_spec_shape_and_unknown_entries() {
    let text = r#"{"Providers":{"openai":{"ApiKey":"sk-1","Legacy":"x"}},"DeviceToken":"dt"}"#;
    let payload: SecretsPayload = serde_json::from_str(text).unwrap();
    let openai = &payload.providers["openai"];
    let default = openai.account("default").unwrap();
    assert_eq!(default.api_key.as_ref().unwrap().expose_secret(), "sk-1");
    assert!(!format!("{payload:?}").contains("sk-1"));
    assert_eq!(
        serde_json::to_value(&payload).unwrap(),
        json!({"Providers": {"openai": {"Accounts": {"default": {"ApiKey": "sk-1"}}, "Legacy": "x"}}, "DeviceToken": "dt"})
    );
}

#[test]
fn accounts_are_read_beside_a_file_written_before_them() {
    let text = r#"{"Providers":{"chatgpt":{"OAuthAccessToken":"at-1","Accounts":{"work":{"OAuthAccessToken":"at-2","OAuthAccountId":"acct-2"}}}}}"#;
    let payload: SecretsPayload = serde_json::from_str(text).unwrap();
    let chatgpt = &payload.providers["chatgpt"];
    let token = |account: &str| {
        let secrets = chatgpt.account(account).unwrap();
        secrets
            .oauth_access_token
            .as_ref()
            .unwrap()
            .expose_secret()
            .to_owned()
    };
    assert_eq!(token("default"), "at-1");
    assert_eq!(token("WORK"), "at-2");
    assert_eq!(
        serde_json::to_value(&payload).unwrap(),
        json!({"Providers": {"chatgpt": {"Accounts": {
            "default": {"OAuthAccessToken": "at-1"},
            "work": {"OAuthAccessToken": "at-2", "OAuthAccountId": "acct-2"}
        }}}})
    );
}

#[test]
fn secret_field_parses_ignoring_case() {
    assert_eq!("apikey".parse(), Ok(SecretField::ApiKey));
    assert_eq!("OAUTHIDTOKEN".parse(), Ok(SecretField::OAuthIdToken));
    assert_eq!("Endpoint".parse::<SecretField>(), Err(()));
}

#[test]
fn identity_source_follows_netclaw_age_identity() {
    let paths = Paths::at("/h");
    let default = IdentitySource::resolve(&paths, &EnvSnapshot::default());
    assert_eq!(default.file(), Some(paths.identity_file().as_path()));
    let by_path = IdentitySource::resolve(
        &paths,
        &EnvSnapshot::from_pairs([(EnvVars::NETCLAW_AGE_IDENTITY, "/keys/k.txt")]),
    );
    assert_eq!(by_path.file(), Some(std::path::Path::new("/keys/k.txt")));
    let key = age::x25519::Identity::generate();
    let inline = IdentitySource::resolve(
        &paths,
        &EnvSnapshot::from_pairs([(
            EnvVars::NETCLAW_AGE_IDENTITY,
            key.to_string().expose_secret(),
        )]),
    );
    assert_eq!(inline.file(), None);
    assert_eq!(inline.describe(), "`NETCLAW_AGE_IDENTITY`");
    assert!(!format!("{inline:?}").contains("AGE-SECRET-KEY"));
    assert_eq!(
        inline.load().unwrap().unwrap().recipient.to_string(),
        key.to_public().to_string()
    );
}

#[test]
fn generated_identity_is_written_like_age_keygen_and_reloads() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = Paths::at(tmp.path());
    let source = IdentitySource::resolve(&paths, &EnvSnapshot::default());
    assert!(source.load().unwrap().is_none());
    let made = source.load_or_generate().unwrap();
    let text = std::fs::read_to_string(paths.identity_file()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("# created: "));
    assert_eq!(lines[1], format!("# public key: {}", made.recipient));
    assert!(lines[2].starts_with("AGE-SECRET-KEY-1"));
    let again = source.load_or_generate().unwrap();
    assert_eq!(again.recipient.to_string(), made.recipient.to_string());
}
