//! A save stopped at any point between or inside its two replaces (as a `kill -9` or a full
//! disk would stop it) leaves a pair of files where every configured provider still has its
//! secrets, and every later write works.

use netclaw_config::{
    AuthMethod, Config, ConfigDocument, ConfigError, ConfigStore, CredentialWrite, EnvSnapshot,
    ExposeSecret, LoadWarning, ProviderEntry, ProviderWrite, SaveHook, SavePoint,
};

use crate::common::{Home, api_key_provider, tokens};

type Edit = fn(&mut ConfigDocument) -> Result<(), ConfigError>;

/// The edits that touch both files, each starting from providers `a` (key `sk-a`) and
/// `b` (key `sk-b`).
fn edits() -> Vec<(&'static str, Edit)> {
    vec![
        ("rename a → c", |doc| doc.rename_provider("a", "c")),
        ("remove a", |doc| doc.remove_provider("a").map(drop)),
        ("add d", |doc| {
            doc.add_provider("d", api_key_provider("openai", "sk-d"))
        }),
        ("a logs in with OAuth", |doc| {
            let mut entry = ProviderEntry::new("openai");
            entry.auth_method = AuthMethod::OAuthDevice;
            doc.write_provider(
                "a",
                ProviderWrite {
                    entry,
                    credentials: CredentialWrite::OAuth(tokens(
                        "at-a",
                        Some("rt-a"),
                        Some("2030-01-01T00:00:00Z"),
                    )),
                },
            )
        }),
    ]
}

fn home_with_two_providers() -> Home {
    let home = Home::new();
    let store = home.store();
    store
        .write_provider("a", api_key_provider("openai", "sk-a"))
        .unwrap();
    store
        .write_provider("b", api_key_provider("anthropic", "sk-b"))
        .unwrap();
    home
}

/// Every configured provider that needs a credential has one; returns `name=credential`.
fn consistent(home: &Home) -> Vec<String> {
    let config = Config::load(&home.paths, &EnvSnapshot::default()).expect("the pair loads");
    let mut seen = Vec::new();
    for (name, entry) in &config.settings.providers {
        let (_, _, creds) = config.provider(name).unwrap();
        let credential = creds
            .first()
            .api_key
            .as_ref()
            .or(creds.first().oauth_access_token.as_ref())
            .unwrap_or_else(|| panic!("`{name}` ({:?}) lost its secret", entry.auth_method));
        seen.push(format!("{name}={}", credential.value.expose_secret()));
    }
    for warning in &config.warnings {
        // A copy left by the crash may be reported, but never with a suggestion to delete a
        // key a configured provider is missing.
        if let LoadWarning::OrphanSecrets { unprovided, .. } = warning {
            assert!(unprovided.is_empty(), "{warning}");
        }
    }
    seen
}

#[test]
fn a_save_stopped_at_any_point_leaves_a_working_pair() {
    for (what, edit) in edits() {
        for point in SavePoint::ALL {
            let home = home_with_two_providers();
            let stopping = home.store().with_save_hook(SaveHook::new(move |at| {
                if at == point {
                    Err(std::io::Error::other("simulated crash"))
                } else {
                    Ok(())
                }
            }));
            // Some edits never reach some points (nothing dropped, no final secrets write).
            let _ = stopping.update(edit);
            let after_crash = consistent(&home);
            assert!(
                after_crash.iter().any(|p| p == "b=sk-b"),
                "{what} at {point:?}: {after_crash:?}"
            );
            assert!(
                after_crash
                    .iter()
                    .any(|p| p == "a=sk-a" || p == "c=sk-a" || p == "a=at-a")
                    || what == "remove a",
                "{what} at {point:?}: `a`'s key is gone: {after_crash:?}"
            );

            // Every later write works, and running the edit again completes it.
            let store = home.store();
            let _ = store.update(edit);
            store
                .write_provider("e", api_key_provider("openai", "sk-e"))
                .unwrap();
            assert!(
                consistent(&home).iter().any(|p| p == "e=sk-e"),
                "{what} at {point:?}"
            );
        }
    }
}

#[test]
fn a_rename_stopped_between_the_replaces_keeps_the_key_under_the_old_name() {
    let home = home_with_two_providers();
    let stopping = home.store().with_save_hook(SaveHook::new(|at| {
        if at == SavePoint::SecretsReplaced {
            Err(std::io::Error::other("no space left on device"))
        } else {
            Ok(())
        }
    }));
    let error = stopping.rename_provider("a", "c").unwrap_err();
    assert!(matches!(error, ConfigError::Io { .. }), "{error:?}");
    // netclaw.json still names `a`, and `a` still has its key.
    assert_eq!(consistent(&home), ["a=sk-a", "b=sk-b"]);
    let names = home.store().secret_names().unwrap();
    assert!(
        names.contains(&"Providers.a.ApiKey".to_owned()),
        "{names:?}"
    );
}

#[test]
fn the_orphan_warning_never_suggests_deleting_a_key_a_provider_is_missing() {
    // What an interrupted rename of an older netclaw left: `a` configured without its key,
    // the key under `b` in the secrets file.
    let home = Home::new();
    let store = home.store();
    store
        .write_provider("b", api_key_provider("openai", "sk-a"))
        .unwrap();
    let text = home.config_text().replace("\"b\"", "\"a\"");
    home.write_config(&text);
    let config = ConfigStore::new(home.paths.clone(), &EnvSnapshot::default())
        .load(&EnvSnapshot::default())
        .unwrap();
    let warning = config
        .warnings
        .iter()
        .find(|w| matches!(w, LoadWarning::OrphanSecrets { .. }))
        .unwrap()
        .to_string();
    assert!(!warning.contains("provider remove"), "{warning}");
    assert!(warning.contains("`a` has none"), "{warning}");
}
