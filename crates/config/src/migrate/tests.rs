//! Unit tests for version detection and the migration steps.

use serde_json::json;

use super::*;

fn obj(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

#[test]
fn missing_version_is_one_and_is_migrated_to_current() {
    let mut doc = obj(json!({"Providers": {}}));
    assert_eq!(migrate(&mut doc).unwrap(), 1);
    assert_eq!(doc[VERSION_KEY], json!(CURRENT_VERSION));
}

#[test]
fn current_version_is_left_alone() {
    let original = obj(
        json!({"configVersion": CURRENT_VERSION, "Providers": {"x": {"Type": "openai-codex"}}}),
    );
    let mut doc = original.clone();
    migrate(&mut doc).unwrap();
    assert_eq!(doc, original);
}

#[test]
fn newer_and_invalid_versions_are_refused() {
    let mut doc = obj(json!({"configVersion": CURRENT_VERSION + 1}));
    assert_eq!(
        migrate(&mut doc),
        Err(MigrationError::Newer {
            found: u64::from(CURRENT_VERSION) + 1
        })
    );
    for bad in [json!("2"), json!(0), json!(-1), json!(1.5)] {
        let mut doc = obj(json!({ "configVersion": bad }));
        assert!(
            matches!(migrate(&mut doc), Err(MigrationError::Invalid { .. })),
            "{bad}"
        );
    }
}

#[test]
fn codex_type_matches_ignoring_case_and_keeps_other_keys() {
    let mut doc = obj(json!({"configVersion": 1, "Providers": {
        "c": {"Type": "OpenAI-Codex", "Endpoint": "https://chatgpt.com/backend-api/codex", "Custom": 1},
        "o": {"Type": "openai", "AuthMethod": "ApiKey"}
    }}));
    migrate(&mut doc).unwrap();
    assert_eq!(
        Value::Object(doc),
        json!({"configVersion": CURRENT_VERSION, "Providers": {
            "c": {"Type": "openai", "Endpoint": "https://chatgpt.com/backend-api/codex", "Custom": 1, "AuthMethod": "OAuthPkce"},
            "o": {"Type": "openai", "AuthMethod": "ApiKey"}
        }})
    );
}

#[test]
fn a_providers_credential_fields_move_to_its_default_account() {
    let mut doc = obj(json!({"configVersion": 2, "Providers": {
        "chatgpt": {"Type": "openai", "AuthMethod": "OAuthPkce", "OAuthTokenExpiry": "2026-12-06T10:00:00+00:00"},
        "imported": {"Type": "openai", "CredentialFile": "/home/u/.codex/auth.json", "Note": 1},
        "keyed": {"Type": "anthropic"}
    }}));
    migrate(&mut doc).unwrap();
    assert_eq!(
        Value::Object(doc),
        json!({"configVersion": 3, "Providers": {
            "chatgpt": {"Type": "openai", "AuthMethod": "OAuthPkce", "Accounts": {"default": {"OAuthTokenExpiry": "2026-12-06T10:00:00+00:00"}}},
            "imported": {"Type": "openai", "Note": 1, "Accounts": {"default": {"CredentialFile": "/home/u/.codex/auth.json"}}},
            "keyed": {"Type": "anthropic"}
        }})
    );
}
