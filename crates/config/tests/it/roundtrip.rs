//! Config and secrets survive a trip through the files, and netclaw.json holds no secret bytes.

use netclaw_config::{
    AuthMethod, Config, CredentialSource, CredentialWrite, EnvSnapshot, ExposeSecret, ModelRef,
    ModelRole, OAuthTokens, ProviderEntry, ProviderWrite, SecretField,
};
use pretty_assertions::assert_eq;

use crate::common::{Home, api_key_provider, read, secret};

const SECRETS: &[&str] = &[
    "at-0123456789-access",
    "rt-0123456789-refresh",
    "idt-0123456789-idtoken",
    "acct-0123456789",
    "sk-ant-0123456789-key",
    "sk-or-0123456789-devicetoken",
];

fn populate(home: &Home) {
    let store = home.store();
    let mut openai = ProviderEntry::new("openai");
    openai.auth_method = AuthMethod::OAuthDevice;
    openai.endpoint = Some("https://api.openai.com".to_owned());
    store
        .write_provider(
            "openai",
            ProviderWrite {
                entry: openai,
                credentials: CredentialWrite::OAuth(OAuthTokens {
                    access_token: secret(SECRETS[0]),
                    refresh_token: Some(secret(SECRETS[1])),
                    id_token: Some(secret(SECRETS[2])),
                    account_id: Some(secret(SECRETS[3])),
                    expires_at: Some("2026-06-23T13:00:00Z".parse().unwrap()),
                }),
            },
        )
        .unwrap();
    store
        .write_provider("my-anthropic", api_key_provider("anthropic", SECRETS[4]))
        .unwrap();
    store.set_secret("DeviceToken", secret(SECRETS[5])).unwrap();
    let mut main = ModelRef::new("openai", "gpt-5.5");
    main.provenance = Some("Manual".to_owned());
    store.set_model_role(ModelRole::Main, Some(main)).unwrap();
}

#[test]
fn config_and_secrets_round_trip_through_the_files() {
    let home = Home::new();
    populate(&home);

    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    let (name, entry, creds) = config.provider("OPENAI").unwrap();
    assert_eq!(name, "openai");
    assert_eq!(entry.auth_method, AuthMethod::OAuthDevice);
    assert_eq!(entry.endpoint.as_deref(), Some("https://api.openai.com"));
    assert_eq!(
        entry.first_token_expiry(),
        Some("2026-06-23T13:00:00Z".parse().unwrap())
    );
    let got: Vec<(&str, String)> = SecretField::ALL
        .iter()
        .filter_map(|f| creds.first().get(*f).map(|c| (f.key(), c)))
        .map(|(k, c)| {
            assert_eq!(c.source, CredentialSource::Secrets);
            (k, c.value.expose_secret().to_owned())
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("OAuthAccessToken", SECRETS[0].to_owned()),
            ("OAuthRefreshToken", SECRETS[1].to_owned()),
            ("OAuthIdToken", SECRETS[2].to_owned()),
            ("OAuthAccountId", SECRETS[3].to_owned()),
        ]
    );
    let (_, _, ant) = config.provider("my-anthropic").unwrap();
    assert_eq!(
        ant.first().api_key.as_ref().unwrap().value.expose_secret(),
        SECRETS[4]
    );
    assert_eq!(
        config.settings.models.main.as_ref().unwrap().model_id,
        "gpt-5.5"
    );
    assert_eq!(config.settings.daemon.port, 5199);
    assert!(config.warnings.is_empty(), "{:?}", config.warnings);

    assert_eq!(
        home.store().secret_names().unwrap(),
        [
            "DeviceToken",
            "Providers.my-anthropic.ApiKey",
            "Providers.openai.OAuthAccessToken",
            "Providers.openai.OAuthAccountId",
            "Providers.openai.OAuthIdToken",
            "Providers.openai.OAuthRefreshToken",
        ]
    );
    insta::assert_snapshot!("roundtrip_netclaw_json", home.config_text());
}

#[test]
fn netclaw_json_and_debug_output_hold_no_secret_bytes() {
    let home = Home::new();
    populate(&home);
    let plain = read(&home.paths.config_file());
    let encrypted = read(&home.paths.secrets_file());
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    let debug = format!("{config:?}");
    for s in SECRETS {
        let needle = s.as_bytes();
        for (what, haystack) in [
            ("netclaw.json", plain.as_slice()),
            ("secrets.json.age", encrypted.as_slice()),
            ("Debug of Config", debug.as_bytes()),
        ] {
            assert!(
                !haystack.windows(needle.len()).any(|w| w == needle),
                "{what} contains the secret `{s}`"
            );
        }
    }
    assert!(debug.contains("REDACTED"));
}
