//! The writers split providers across the two files as the original's writers do.

use netclaw_config::{
    AuthMethod, Config, ConfigError, CredentialWrite, EnvSnapshot, ExposeSecret, ModelRef,
    ModelRole, OAuthTokens, ProviderEntry, ProviderWrite,
};
use pretty_assertions::assert_eq;

use crate::common::{Home, api_key_provider, read, secret, tokens};

fn secret_of(home: &Home, name: &str, field: netclaw_config::SecretField) -> Option<String> {
    let mut doc = home.store().read().unwrap();
    doc.provider_secrets(name).unwrap().and_then(|s| {
        s.account("default")?
            .field(field)
            .map(|v| v.expose_secret().to_owned())
    })
}

fn oauth_login(home: &Home) {
    let mut entry = ProviderEntry::new("openai");
    entry.auth_method = AuthMethod::OAuthDevice;
    home.store()
        .write_provider(
            "openai",
            ProviderWrite {
                entry,
                credentials: CredentialWrite::OAuth(OAuthTokens {
                    account_id: Some(secret("acct-1")),
                    ..tokens("at-1", Some("rt-1"), Some("2026-06-23T13:00:00Z"))
                }),
            },
        )
        .unwrap();
}

#[test]
fn a_refresh_without_refresh_token_or_account_keeps_the_stored_ones() {
    use netclaw_config::SecretField::*;
    let home = Home::new();
    oauth_login(&home);
    assert!(
        home.config_text()
            .contains("\"OAuthTokenExpiry\": \"2026-06-23T13:00:00+00:00\"")
    );

    home.store()
        .persist_tokens(
            &netclaw_config::ProviderAccount::default_of("openai"),
            tokens("at-2", None, Some("2026-06-23T14:00:00Z")),
        )
        .unwrap();
    assert_eq!(
        secret_of(&home, "openai", OAuthAccessToken).as_deref(),
        Some("at-2")
    );
    assert_eq!(
        secret_of(&home, "openai", OAuthRefreshToken).as_deref(),
        Some("rt-1")
    );
    assert_eq!(
        secret_of(&home, "openai", OAuthAccountId).as_deref(),
        Some("acct-1")
    );
    assert!(
        home.config_text()
            .contains("\"OAuthTokenExpiry\": \"2026-06-23T14:00:00+00:00\"")
    );

    // A rotated refresh token replaces the stored one; no expiry removes the stored expiry.
    home.store()
        .persist_tokens(
            &netclaw_config::ProviderAccount::default_of("openai"),
            tokens("at-3", Some("rt-3"), None),
        )
        .unwrap();
    assert_eq!(
        secret_of(&home, "openai", OAuthRefreshToken).as_deref(),
        Some("rt-3")
    );
    assert!(!home.config_text().contains("OAuthTokenExpiry"));
}

#[test]
fn a_token_refresh_never_creates_netclaw_json() {
    let home = Home::new();
    home.store()
        .persist_tokens(
            &netclaw_config::ProviderAccount::default_of("envonly"),
            tokens("at-1", Some("rt-1"), Some("2026-06-23T13:00:00Z")),
        )
        .unwrap();
    assert!(!home.paths.config_file().exists());
    assert_eq!(
        secret_of(
            &home,
            "envonly",
            netclaw_config::SecretField::OAuthAccessToken
        )
        .as_deref(),
        Some("at-1")
    );
}

#[test]
fn an_api_key_replaces_stored_tokens_and_their_expiry() {
    use netclaw_config::SecretField::*;
    let home = Home::new();
    oauth_login(&home);
    home.store()
        .write_provider("openai", api_key_provider("openai", "sk-new"))
        .unwrap();
    assert_eq!(
        secret_of(&home, "openai", ApiKey).as_deref(),
        Some("sk-new")
    );
    assert_eq!(secret_of(&home, "openai", OAuthRefreshToken), None);
    assert!(!home.config_text().contains("OAuthTokenExpiry"));
    assert!(home.config_text().contains("\"AuthMethod\": \"ApiKey\""));
}

#[test]
fn remove_and_rename_touch_both_files_and_the_model_roles() {
    use netclaw_config::SecretField::*;
    let home = Home::new();
    oauth_login(&home);
    let store = home.store();
    store
        .write_provider("ant", api_key_provider("anthropic", "sk-ant"))
        .unwrap();
    store
        .set_model_role(ModelRole::Main, Some(ModelRef::new("OpenAI", "gpt-5.5")))
        .unwrap();
    store
        .set_model_role(ModelRole::Fallback, Some(ModelRef::new("ant", "claude")))
        .unwrap();

    store.rename_provider("openai", "chatgpt").unwrap();
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    assert!(config.provider("openai").is_none());
    let (_, _, creds) = config.provider("chatgpt").unwrap();
    assert_eq!(
        creds
            .first()
            .oauth_refresh_token
            .as_ref()
            .unwrap()
            .value
            .expose_secret(),
        "rt-1"
    );
    assert_eq!(
        config.settings.models.main.as_ref().unwrap().provider,
        "chatgpt"
    );
    assert_eq!(
        config.settings.models.fallback.as_ref().unwrap().provider,
        "ant"
    );
    assert_eq!(secret_of(&home, "openai", OAuthAccessToken), None);

    assert!(matches!(
        store.rename_provider("chatgpt", "ANT"),
        Err(ConfigError::ProviderExists { .. })
    ));
    assert!(matches!(
        store.rename_provider("nope", "x"),
        Err(ConfigError::ProviderNotFound { .. })
    ));
    assert!(matches!(
        store.rename_provider("ant", "has.dot"),
        Err(ConfigError::InvalidProviderName { .. })
    ));

    assert!(store.remove_provider("chatgpt").unwrap());
    assert!(!store.remove_provider("chatgpt").unwrap());
    assert_eq!(store.secret_names().unwrap(), ["Providers.ant.ApiKey"]);
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    assert_eq!(
        config.settings.providers.keys().collect::<Vec<_>>(),
        ["ant"]
    );
}

#[test]
fn set_secret_takes_dotted_keys_and_rejects_others() {
    let home = Home::new();
    let store = home.store();
    store
        .write_provider("openai", api_key_provider("openai", "sk-1"))
        .unwrap();
    store
        .set_secret("providers.OPENAI.apikey", secret("sk-2"))
        .unwrap();
    assert_eq!(
        secret_of(&home, "openai", netclaw_config::SecretField::ApiKey).as_deref(),
        Some("sk-2")
    );
    for bad in [
        "Providers.openai.Endpoint",
        "Providers.openai",
        "Providers",
        "",
        "a.b",
    ] {
        let err = store.set_secret(bad, secret("x")).unwrap_err();
        assert!(
            matches!(err, ConfigError::InvalidSecretKey { .. }),
            "{bad}: {err:?}"
        );
    }
    assert!(
        store
            .update(|doc| doc.remove_secret("Providers.openai.ApiKey"))
            .unwrap()
    );
    assert!(store.secret_names().unwrap().is_empty());
}

#[test]
fn an_update_that_fails_writes_nothing() {
    let home = Home::new();
    oauth_login(&home);
    let config_before = read(&home.paths.config_file());
    let secrets_before = read(&home.paths.secrets_file());
    let result: Result<(), ConfigError> = home.store().update(|doc| {
        doc.set_secret("Providers.openai.ApiKey", secret("sk-lost"))?;
        doc.set_model_role(ModelRole::Main, Some(ModelRef::new("openai", "x")))?;
        Err(ConfigError::ProviderNotFound {
            name: "stop".to_owned(),
        })
    });
    assert!(result.is_err());
    assert_eq!(read(&home.paths.config_file()), config_before);
    assert_eq!(read(&home.paths.secrets_file()), secrets_before);
}

#[test]
fn reading_a_decision_and_writing_happen_under_one_lock() {
    // The credentials layer's pattern: under the lock, re-read the stored tokens, decide, persist.
    let home = Home::new();
    oauth_login(&home);
    let refreshed = home
        .store()
        .update(|doc| -> Result<bool, ConfigError> {
            let expiry = doc.provider("openai")?.unwrap().first_token_expiry();
            let stored = doc.provider_secrets("openai")?.and_then(|s| {
                s.account("default")?
                    .oauth_refresh_token
                    .as_ref()
                    .map(|t| t.expose_secret().to_owned())
            });
            assert_eq!(stored.as_deref(), Some("rt-1"));
            if expiry < Some("2027-01-01T00:00:00Z".parse().unwrap()) {
                doc.persist_tokens(
                    &netclaw_config::ProviderAccount::default_of("openai"),
                    tokens("at-9", Some("rt-9"), Some("2027-06-01T00:00:00Z")),
                )?;
                return Ok(true);
            }
            Ok(false)
        })
        .unwrap();
    assert!(refreshed);
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    let (_, entry, creds) = config.provider("openai").unwrap();
    assert_eq!(
        entry.first_token_expiry(),
        Some("2027-06-01T00:00:00Z".parse().unwrap())
    );
    assert_eq!(
        creds
            .first()
            .oauth_access_token
            .as_ref()
            .unwrap()
            .value
            .expose_secret(),
        "at-9"
    );
}

#[test]
fn the_files_stamp_changes_only_when_a_file_is_written() {
    let home = Home::new();
    let store = home.store();
    let empty = store.stamp();
    oauth_login(&home);
    let after_login = store.stamp();
    assert_ne!(empty, after_login);
    let _ = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    assert_eq!(store.stamp(), after_login, "loading must not write");
    store
        .set_secret(
            "Providers.openai.ApiKey",
            secret("sk-a-much-longer-key-than-before"),
        )
        .unwrap();
    assert_ne!(store.stamp(), after_login);
}

#[test]
fn an_account_is_written_alone_and_a_write_that_keeps_the_credential_adds_none() {
    let home = Home::new();
    let store = home.store();
    store
        .write_provider("api", api_key_provider("openai", "sk-first"))
        .unwrap();
    store
        .write_account("api", Some("team"), api_key_provider("openai", "sk-team"))
        .unwrap();
    let mut keep = api_key_provider("openai", "unused");
    keep.credentials = netclaw_config::CredentialWrite::Keep;
    store.write_account("api", Some("abandoned"), keep).unwrap();

    let mut doc = store.read().unwrap();
    assert_eq!(doc.account_names("api").unwrap(), ["default", "team"]);
    let secrets = doc.provider_secrets("api").unwrap().unwrap();
    let key = |account: &str| {
        let key = secrets.account(account).unwrap().api_key.as_ref().unwrap();
        netclaw_config::ExposeSecret::expose_secret(key).to_owned()
    };
    assert_eq!(
        (key("default"), key("team")),
        ("sk-first".into(), "sk-team".into())
    );
}
