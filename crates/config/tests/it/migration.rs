//! The `openai-codex` migration, `netclaw config migrate` with its `.bak`, and newer versions refused.

use netclaw_config::Hint;
use netclaw_config::{
    AuthMethod, Config, ConfigError, EnvSnapshot, MigrationReport, ModelRef, ModelRole,
};
use pretty_assertions::assert_eq;

use crate::common::{Home, read};

const LEGACY: &str = r#"{
  "configVersion": 1,
  "Providers": {
    "codex": {
      "Type": "openai-codex",
      "Endpoint": "https://chatgpt.com/backend-api/codex",
      "OAuthTokenExpiry": "2026-06-23T13:00:00.0000000+00:00"
    },
    "my-ollama": { "Type": "ollama", "Endpoint": "http://localhost:11434", "VendorOptions": { "DisableThinking": true } }
  },
  "Models": { "Main": { "Provider": "codex", "ModelId": "gpt-5.5", "Provenance": "Manual" } },
  "Slack": { "Enabled": false }
}
"#;

#[test]
fn legacy_openai_codex_loads_as_openai_with_pkce_without_touching_the_file() {
    let home = Home::new();
    home.write_config(LEGACY);
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    let (_, codex, _) = config.provider("codex").unwrap();
    assert_eq!(codex.provider_type, "openai");
    assert_eq!(codex.auth_method, AuthMethod::OAuthPkce);
    assert_eq!(
        codex.first_token_expiry(),
        Some("2026-06-23T13:00:00Z".parse().unwrap())
    );
    assert_eq!(read(&home.paths.config_file()), LEGACY.as_bytes());
}

#[test]
fn migrate_rewrites_in_the_current_version_and_keeps_a_bak() {
    let home = Home::new();
    home.write_config(LEGACY);
    let store = home.store();
    let report = store.migrate().unwrap();
    let bak = home.paths.config_dir().join("netclaw.json.bak");
    assert_eq!(
        report,
        MigrationReport::Migrated {
            from: 1,
            to: 3,
            backup: bak.clone()
        }
    );
    assert_eq!(read(&bak), LEGACY.as_bytes());
    let migrated: serde_json::Value = serde_json::from_str(&home.config_text()).unwrap();
    insta::assert_json_snapshot!("migrated_openai_codex", migrated);
    assert_eq!(
        store.migrate().unwrap(),
        MigrationReport::UpToDate { version: 3 }
    );
}

#[test]
fn a_write_to_an_old_file_keeps_a_bak_first() {
    let home = Home::new();
    home.write_config(LEGACY);
    home.store()
        .set_model_role(
            ModelRole::Compaction,
            Some(ModelRef::new("my-ollama", "qwen3")),
        )
        .unwrap();
    assert_eq!(
        read(&home.paths.config_dir().join("netclaw.json.bak")),
        LEGACY.as_bytes()
    );
    assert!(home.config_text().starts_with("{\n  \"configVersion\": 3,"));
}

#[test]
fn a_newer_version_is_refused_and_never_rewritten() {
    let home = Home::new();
    let newer = r#"{"configVersion": 4, "Providers": {"x": {"Type": "future"}}}"#;
    home.write_config(newer);
    let err = Config::load(&home.paths, &EnvSnapshot::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::NewerVersion {
                found: 4,
                supported: 3,
                ..
            }
        ),
        "{err:?}"
    );
    insta::assert_snapshot!(
        home.redact(&format!("error: {err}\nhint: {}", err.hint().unwrap())),
        @r"
    error: `[HOME]/config/netclaw.json` has configVersion 4, newer than this netclaw understands (3)
    hint: upgrade netclaw; this build writes configVersion 3 and refuses to touch newer files
    "
    );
    let store = home.store();
    assert!(matches!(
        store.set_model_role(ModelRole::Main, None),
        Err(ConfigError::NewerVersion { .. })
    ));
    assert!(matches!(
        store.migrate(),
        Err(ConfigError::NewerVersion { .. })
    ));
    assert_eq!(home.config_text(), newer);
    assert!(!home.paths.config_dir().join("netclaw.json.bak").exists());
}
