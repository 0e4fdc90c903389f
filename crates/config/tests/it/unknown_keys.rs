//! A user's hand-edited keys survive every writer, in place.

use netclaw_config::{Config, EnvSnapshot, ModelRef, ModelRole};
use pretty_assertions::assert_eq;

use crate::common::{Home, api_key_provider, tokens};

const HAND_EDITED: &str = r#"{
  "configVersion": 2,
  "Logging": { "Level": "Debug" },
  "Providers": {
    "openai": {
      "Type": "openai",
      "MyNote": "keep me",
      "AuthMethod": "OAuthDevice",
      "Endpoint": "https://api.openai.com",
      "VendorOptions": { "Organization": "org-1", "Beta": [1, 2] },
      "OAuth": { "ClientId": "app_custom", "Audience": "kept" }
    }
  },
  "Models": {
    "Main": { "Provider": "openai", "ModelId": "gpt-5.5", "Provenance": "Manual", "Temperature": 0.2 },
    "FallbackChain": ["openai/gpt-5-mini", "openai/o3"],
    "FallbackOnExplicit": true,
    "SwitchAtUsedPercent": 85.5,
    "Experimental": { "A": 1 }
  },
  "Daemon": { "Host": "127.0.0.1", "Port": 5199, "ExposureMode": "local" },
  "Slack": { "Enabled": false }
}
"#;

#[test]
fn unknown_keys_survive_every_writer_in_place() {
    let home = Home::new();
    home.write_config(HAND_EDITED);
    let store = home.store();
    store
        .write_provider("ant", api_key_provider("anthropic", "sk-ant"))
        .unwrap();
    store
        .persist_tokens(
            &netclaw_config::ProviderAccount::default_of("openai"),
            tokens("at-1", Some("rt-1"), Some("2026-06-23T13:00:00Z")),
        )
        .unwrap();
    store
        .set_model_role(
            ModelRole::Compaction,
            Some(ModelRef::new("ant", "claude-haiku")),
        )
        .unwrap();
    store.rename_provider("openai", "oai").unwrap();
    store
        .update(|doc| doc.edit_daemon(|d| d.port = 7100))
        .unwrap();

    insta::assert_snapshot!("unknown_keys_after_writes", home.config_text());

    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    let models = &config.settings.models;
    assert_eq!(
        models
            .fallback_chain
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["oai/gpt-5-mini", "oai/o3"]
    );
    assert_eq!(models.fallback_on_explicit, Some(true));
    assert_eq!(models.switch_at_used_percent, Some(85.5));
    assert_eq!(models.extra["Experimental"], serde_json::json!({"A": 1}));
    assert_eq!(
        config.settings.extra["Slack"],
        serde_json::json!({"Enabled": false})
    );
    let oai = &config.settings.providers["oai"];
    assert_eq!(oai.extra["MyNote"], "keep me");
    assert_eq!(
        oai.oauth.as_ref().unwrap().client_id.as_deref(),
        Some("app_custom")
    );
}
