//! A corrupt or truncated secrets file, or the wrong identity, gives a typed error that names
//! the file, and neither file is changed by a program that could not read them.

use netclaw_config::Hint;
use netclaw_config::{Config, ConfigError, ConfigStore, EnvSnapshot, EnvVars, ExposeSecret};
use pretty_assertions::assert_eq;

use crate::common::{Home, api_key_provider, read, secret};

fn home_with_secrets() -> Home {
    let home = Home::new();
    let store = home.store();
    store
        .write_provider("openai", api_key_provider("openai", "sk-a"))
        .unwrap();
    store
        .write_provider("anthropic", api_key_provider("anthropic", "sk-b"))
        .unwrap();
    home
}

/// Load, a secret write and a provider removal all fail with `check`, and both files stay
/// byte-identical.
fn assert_refused(
    home: &Home,
    store: &ConfigStore,
    env: &EnvSnapshot,
    check: impl Fn(&ConfigError),
) -> String {
    let secrets_before = read(&home.paths.secrets_file());
    let config_before = read(&home.paths.config_file());
    let load_err = Config::load(&home.paths, env).unwrap_err();
    check(&load_err);
    check(
        &store
            .set_secret("Providers.openai.ApiKey", secret("sk-new"))
            .unwrap_err(),
    );
    check(&store.remove_provider("openai").unwrap_err());
    check(&store.secret_names().unwrap_err());
    assert_eq!(read(&home.paths.secrets_file()), secrets_before);
    assert_eq!(read(&home.paths.config_file()), config_before);
    home.redact(&format!(
        "error: {load_err}\nhint: {}",
        load_err.hint().unwrap()
    ))
}

#[test]
fn a_damaged_secrets_file_is_reported_and_left_untouched() {
    let home = home_with_secrets();
    let original = read(&home.paths.secrets_file());
    let mut flipped = original.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    crate::common::overwrite(home.paths.secrets_file(), &flipped);
    let msg = assert_refused(&home, &home.store(), &EnvSnapshot::default(), |e| {
        assert!(
            matches!(e, ConfigError::SecretsCorrupt { path, .. } if *path == home.paths.secrets_file()),
            "{e:?}"
        );
    });
    insta::assert_snapshot!("damaged_secrets", msg);
}

#[test]
fn a_truncated_secrets_file_is_reported_and_left_untouched() {
    let home = home_with_secrets();
    let original = read(&home.paths.secrets_file());
    for len in [0, 20, original.len() / 2, original.len() - 1] {
        crate::common::overwrite(home.paths.secrets_file(), &original[..len]);
        let msg = assert_refused(&home, &home.store(), &EnvSnapshot::default(), |e| {
            assert!(
                matches!(e, ConfigError::SecretsCorrupt { .. }),
                "len {len}: {e:?}"
            );
        });
        assert!(msg.contains("[HOME]/config/secrets.json.age"), "{msg}");
    }
}

#[test]
fn garbage_instead_of_an_age_file_is_reported() {
    let home = home_with_secrets();
    crate::common::overwrite(home.paths.secrets_file(), b"{\"Providers\": {}}");
    let msg = assert_refused(&home, &home.store(), &EnvSnapshot::default(), |e| {
        assert!(matches!(e, ConfigError::SecretsCorrupt { .. }), "{e:?}");
    });
    insta::assert_snapshot!("garbage_secrets", msg);
}

#[test]
fn the_wrong_identity_is_reported_and_the_file_left_untouched() {
    let home = home_with_secrets();
    let other = age::x25519::Identity::generate();
    let env = EnvSnapshot::from_pairs([(
        EnvVars::NETCLAW_AGE_IDENTITY,
        other.to_string().expose_secret().to_owned(),
    )]);
    let store = home.store_with(&env);
    let msg = assert_refused(&home, &store, &env, |e| {
        assert!(
            matches!(e, ConfigError::WrongIdentity { path, .. } if *path == home.paths.secrets_file()),
            "{e:?}"
        );
    });
    insta::assert_snapshot!("wrong_identity", msg);
    // The right identity still reads it.
    assert!(Config::load(&home.paths, &EnvSnapshot::default()).is_ok());
}

#[test]
fn a_missing_or_damaged_identity_file_is_reported() {
    let home = home_with_secrets();
    let identity = read(&home.paths.identity_file());

    std::fs::remove_file(home.paths.identity_file()).unwrap();
    let msg = assert_refused(&home, &home.store(), &EnvSnapshot::default(), |e| {
        assert!(matches!(e, ConfigError::IdentityMissing { .. }), "{e:?}");
    });
    assert!(
        !home.paths.identity_file().exists(),
        "a new identity must not replace the lost one"
    );
    insta::assert_snapshot!("missing_identity", msg);

    crate::common::overwrite(home.paths.identity_file(), &identity[..identity.len() - 10]);
    let msg = assert_refused(&home, &home.store(), &EnvSnapshot::default(), |e| {
        assert!(matches!(e, ConfigError::IdentityInvalid { .. }), "{e:?}");
    });
    insta::assert_snapshot!("truncated_identity", msg);

    let env = EnvSnapshot::from_pairs([(EnvVars::NETCLAW_AGE_IDENTITY, "/nonexistent/key.txt")]);
    let err = Config::load(&home.paths, &env).unwrap_err();
    assert!(
        matches!(err, ConfigError::IdentityInvalid { .. }),
        "{err:?}"
    );
}
