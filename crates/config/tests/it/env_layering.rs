//! `NETCLAW_` env overrides and the conventional key variables, with the source of each credential.

use netclaw_config::{
    Config, ConfigError, CredentialSource, EnvSnapshot, ExposeSecret, ProviderCredentials,
};
use pretty_assertions::assert_eq;

use crate::common::{Home, api_key_provider, tokens};

fn api_key(creds: &ProviderCredentials) -> Option<(String, String)> {
    creds
        .first()
        .api_key
        .as_ref()
        .map(|c| (c.value.expose_secret().to_owned(), c.source.to_string()))
}

fn pair(value: &str, source: &str) -> Option<(String, String)> {
    Some((value.to_owned(), source.to_owned()))
}

#[test]
fn env_overrides_settings_and_credentials_keep_their_source() {
    let home = Home::new();
    home.write_config(
        r#"{"configVersion": 2,
            "Providers": {
              "openai": {"Type": "openai", "Endpoint": "https://api.openai.com"},
              "oa": {"Type": "openai", "AuthMethod": "OAuthPkce"},
              "ant": {"Type": "Anthropic", "AuthMethod": "ApiKey"},
              "router": {"Type": "openrouter"},
              "local": {"Type": "ollama", "Endpoint": "http://localhost:11434"}
            },
            "Daemon": {"Host": "127.0.0.1", "Port": 5199}}"#,
    );
    let store = home.store();
    store
        .write_provider("ant", api_key_provider("anthropic", "sk-ant-stored"))
        .unwrap();
    store
        .update(|doc| {
            doc.persist_tokens(
                &netclaw_config::ProviderAccount::default_of("oa"),
                tokens("at-stored", Some("rt-stored"), None),
            )
        })
        .unwrap();

    let env = EnvSnapshot::from_pairs([
        ("OPENAI_API_KEY", "sk-openai-env"),
        ("ANTHROPIC_API_KEY", "sk-ant-env"),
        ("OPENROUTER_API_KEY", "sk-or-conventional"),
        ("NETCLAW_Providers__ROUTER__apikey", "sk-or-netclaw"),
        ("NETCLAW_Providers__OPENAI__Endpoint", "http://127.0.0.1:9"),
        ("NETCLAW_DAEMON__PORT", "7100"),
        ("NETCLAW_Providers__fromenv__Type", "openai"),
        ("NETCLAW_Providers__ghost__ApiKey", "sk-for-nobody"),
        ("NETCLAW_HOME", "/not/a/setting"),
    ]);
    let config = Config::load(&home.paths, &env).unwrap();

    assert_eq!(config.settings.daemon.port, 7100);
    let (_, openai, openai_creds) = config.provider("openai").unwrap();
    assert_eq!(openai.endpoint.as_deref(), Some("http://127.0.0.1:9"));
    assert_eq!(
        api_key(openai_creds),
        pair("sk-openai-env", "env:OPENAI_API_KEY")
    );

    // OAuth providers never pick up a conventional key; their tokens come from the secrets file.
    let (_, _, oa) = config.provider("oa").unwrap();
    assert_eq!(api_key(oa), None);
    let access = oa.first().oauth_access_token.as_ref().unwrap();
    assert_eq!(access.source, CredentialSource::Secrets);
    assert_eq!(access.value.expose_secret(), "at-stored");

    // A stored key wins over the conventional variable; the type matches ignoring case.
    assert_eq!(
        api_key(config.provider("ant").unwrap().2),
        pair("sk-ant-stored", "secrets")
    );
    // A NETCLAW_ variable wins over the conventional one, matched ignoring case.
    assert_eq!(
        api_key(config.provider("router").unwrap().2),
        pair("sk-or-netclaw", "env:NETCLAW_Providers__ROUTER__apikey")
    );
    assert_eq!(api_key(config.provider("local").unwrap().2), None);
    // A provider can be configured by env alone.
    let (_, from_env, from_env_creds) = config.provider("fromenv").unwrap();
    assert!(from_env.is_type("openai"));
    assert_eq!(
        api_key(from_env_creds),
        pair("sk-openai-env", "env:OPENAI_API_KEY")
    );
    // A secret for an unconfigured provider configures nothing.
    assert!(config.provider("ghost").is_none());
    assert_eq!(config.settings.providers.len(), 6);

    // NETCLAW_ secret overrides beat the secrets file too.
    let env = env.with("NETCLAW_Providers__ant__ApiKey", "sk-ant-override");
    let config = Config::load(&home.paths, &env).unwrap();
    assert_eq!(
        api_key(config.provider("ant").unwrap().2),
        pair("sk-ant-override", "env:NETCLAW_Providers__ant__ApiKey")
    );
}

#[test]
fn a_bad_env_value_names_the_variable() {
    let home = Home::new();
    let env = EnvSnapshot::from_pairs([("NETCLAW_Daemon__Port", "seventy")]);
    let err = Config::load(&home.paths, &env).unwrap_err();
    assert!(matches!(err, ConfigError::Invalid { .. }), "{err:?}");
    insta::assert_snapshot!(err.to_string(), @r#"invalid configuration: `Daemon.Port` from `NETCLAW_Daemon__Port`: invalid type: found string "seventy", expected u16"#);
}

#[test]
fn a_plaintext_secret_in_netclaw_json_is_ignored_with_a_warning() {
    let home = Home::new();
    home.write_config(
        r#"{"configVersion": 2, "Providers": {"openai": {"Type": "openai", "ApiKey": "sk-plain"}}}"#,
    );
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    assert!(
        config
            .provider("openai")
            .unwrap()
            .2
            .first()
            .api_key
            .is_none()
    );
    assert!(
        !config.settings.providers["openai"]
            .extra
            .contains_key("ApiKey")
    );
    let warnings: Vec<String> = config.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"), @"`Providers.openai.ApiKey` in netclaw.json is ignored: move it to the secrets file with `netclaw secrets set Providers.openai.ApiKey` and delete it from netclaw.json");
}

#[test]
fn an_accounts_secrets_come_from_the_env_and_never_from_netclaw_json() {
    let home = Home::new();
    home.write_config(
        r#"{"configVersion": 3, "Providers": {"openai": {"Type": "openai",
            "Accounts": {"default": {}, "team": {"ApiKey": "sk-plain-team"}}}}}"#,
    );
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    let (_, entry, creds) = config.provider("openai").unwrap();
    assert!(creds.accounts.iter().all(|a| a.api_key.is_none()));
    assert!(
        entry
            .accounts
            .values()
            .all(|a| !a.extra.contains_key("ApiKey")),
        "a plaintext secret never reaches the settings (nor `config show`)"
    );
    let warnings: Vec<String> = config.warnings.iter().map(ToString::to_string).collect();
    insta::assert_snapshot!(warnings.join("\n"), @"`Providers.openai.Accounts.team.ApiKey` in netclaw.json is ignored: move it to the secrets file with `netclaw secrets set Providers.openai.Accounts.team.ApiKey` and delete it from netclaw.json");

    let env = EnvSnapshot::from_pairs([
        (
            "NETCLAW_Providers__openai__Accounts__team__ApiKey",
            "sk-env-team",
        ),
        ("NETCLAW_Providers__openai__ApiKey", "sk-env-first"),
    ]);
    let config = Config::load(&home.paths, &env).unwrap();
    let (_, entry, creds) = config.provider("openai").unwrap();
    let key = |account: &str| {
        let account = creds.account(account).unwrap();
        let key = account.api_key.as_ref().unwrap();
        (key.value.expose_secret().to_owned(), key.source.to_string())
    };
    assert_eq!(
        key("team"),
        (
            "sk-env-team".to_owned(),
            "env:NETCLAW_Providers__openai__Accounts__team__ApiKey".to_owned()
        )
    );
    assert_eq!(key("default").0, "sk-env-first");
    assert!(
        entry
            .accounts
            .values()
            .all(|a| !a.extra.contains_key("ApiKey"))
    );
}
