//! Unit tests for the settings model.

use serde_json::json;

use super::*;

#[test]
fn auth_method_parses_ignoring_case_and_writes_pascal_case() {
    for (text, want) in [
        ("none", AuthMethod::None),
        ("APIKEY", AuthMethod::ApiKey),
        ("oauthdevice", AuthMethod::OAuthDevice),
        (" OAuthPkce ", AuthMethod::OAuthPkce),
    ] {
        assert_eq!(text.parse::<AuthMethod>(), Ok(want));
        assert_eq!(serde_json::to_value(want).unwrap(), json!(want.as_str()));
    }
    assert_eq!(
        "password".parse::<AuthMethod>(),
        Err(UnknownAuthMethod("password".to_owned()))
    );
}

#[test]
fn provider_defaults_match_the_original() {
    let entry: ProviderEntry = serde_json::from_value(json!({"Endpoint": ""})).unwrap();
    assert_eq!(entry, ProviderEntry::new("ollama"));
    assert_eq!(
        serde_json::to_value(&entry).unwrap(),
        json!({"Type": "ollama"})
    );
}

#[test]
fn expiry_reads_the_originals_round_trip_format_and_writes_utc_offset() {
    let entry: ProviderEntry = serde_json::from_value(json!({
        "Type": "openai",
        "Accounts": {"default": {"OAuthTokenExpiry": "2026-06-23T15:00:00.0000000+02:00"}}
    }))
    .unwrap();
    assert_eq!(
        serde_json::to_value(&entry).unwrap()["Accounts"]["default"]["OAuthTokenExpiry"],
        json!("2026-06-23T13:00:00+00:00")
    );
    let bad = serde_json::from_value::<ProviderEntry>(
        json!({"Accounts": {"a": {"OAuthTokenExpiry": "tomorrow"}}}),
    );
    assert!(
        bad.unwrap_err()
            .to_string()
            .contains("`tomorrow` is not an RFC 3339 timestamp")
    );
}

#[test]
fn modalities_and_fallback_chain_accept_lists_or_strings() {
    let models: Models = serde_json::from_value(json!({
        "Main": {"Provider": "p", "ModelId": "m", "InputModalities": ["Text", "Image"]},
        "FallbackChain": "a/x, openrouter/anthropic/claude"
    }))
    .unwrap();
    let main = models.main.as_ref().unwrap();
    assert_eq!(
        main.input_modalities,
        Some(Modalities(vec!["Text".to_owned(), "Image".to_owned()]))
    );
    assert_eq!(
        models.fallback_chain,
        vec![
            ProviderModel {
                provider: "a".to_owned(),
                model: "x".to_owned()
            },
            ProviderModel {
                provider: "openrouter".to_owned(),
                model: "anthropic/claude".to_owned()
            },
        ]
    );
    assert_eq!(
        serde_json::to_value(&models).unwrap()["Main"]["InputModalities"],
        json!("Text, Image")
    );
    assert!("nomodel".parse::<ProviderModel>().is_err());
    assert!("/m".parse::<ProviderModel>().is_err());
}

#[test]
fn settings_lookup_ignores_case_and_keeps_unknown_keys() {
    let settings: Settings = serde_json::from_value(json!({
        "Providers": {"OpenAI": {"Type": "openai", "X": 1}},
        "Extra": true
    }))
    .unwrap();
    assert_eq!(settings.config_version, crate::migrate::CURRENT_VERSION);
    let (name, entry) = settings.provider("openai").unwrap();
    assert_eq!(name, "OpenAI");
    assert_eq!(entry.extra["X"], json!(1));
    assert_eq!(settings.extra["Extra"], json!(true));
    assert_eq!(settings.daemon, DaemonSettings::default());
    assert_eq!(settings.daemon.port, 5199);
}

#[test]
fn merge_object_keeps_positions_of_surviving_keys() {
    let mut raw = match json!({"a": 1, "b": 2, "c": 3}) {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let typed = match json!({"c": 30, "a": 10, "d": 4}) {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    merge_object(&mut raw, typed);
    assert_eq!(
        serde_json::to_string(&raw).unwrap(),
        r#"{"a":10,"c":30,"d":4}"#
    );
}

#[test]
fn an_account_reference_splits_at_the_slash_and_a_bare_name_is_the_default_account() {
    assert_eq!(
        ProviderAccount::split("work/personal"),
        ("work", Some("personal"))
    );
    assert_eq!(ProviderAccount::split("work"), ("work", None));
    assert_eq!(ProviderAccount::split("work/"), ("work", None));
    assert_eq!(ProviderAccount::parse("work").key(), "work");
    assert_eq!(
        ProviderAccount::parse("work/personal").key(),
        "work/personal"
    );
    assert_eq!(ProviderAccount::parse("work/Default").key(), "work");
}
