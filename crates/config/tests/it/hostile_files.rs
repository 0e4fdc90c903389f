//! Files netclaw did not write as it would: a config of the wrong types is never rewritten, a
//! FIFO or an empty file is a clear error at once, stale temp files are swept, and two adds
//! of one name never both succeed.

use netclaw_config::Hint;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use netclaw_config::{ConfigError, EnvSnapshot, ExposeSecret};

use crate::common::{Home, api_key_provider, overwrite, read};

#[test]
fn a_config_of_the_wrong_types_is_never_written() {
    let cases = [
        r#"{"configVersion": 2, "Providers": {"a": 5}}"#,
        r#"{"configVersion": 2, "Providers": {"a": {"Type": 7}}}"#,
        r#"{"configVersion": 2, "Providers": {"a": {"Type": "openai", "AuthMethod": "Telepathy"}}}"#,
        r#"{"configVersion": 2, "Models": ["gpt-5"]}"#,
        r#"{"configVersion": 2, "Daemon": {"Port": "abc"}}"#,
        r#"{"configVersion": 2, "Daemon": {"Port": 70000}}"#,
        r#"{"configVersion": 2, "Providers": {"a": {"Type": "openai", "OAuthTokenExpiry": "yesterday"}}}"#,
        r#"{"configVersion": 2, "Providers": 5}"#,
    ];
    for case in cases {
        let home = Home::new();
        home.write_config(case);
        let before = read(&home.paths.config_file());
        let store = home.store();
        let error = store
            .add_provider("fresh", api_key_provider("openai", "sk-fresh"))
            .unwrap_err();
        assert!(
            matches!(
                error,
                ConfigError::Parse { .. } | ConfigError::Invalid { .. }
            ),
            "{case}: {error:?}"
        );
        assert_eq!(read(&home.paths.config_file()), before, "{case}");
        assert!(
            !home.paths.secrets_file().exists(),
            "{case}: secrets written"
        );
    }
}

#[test]
fn a_fifo_in_place_of_either_file_is_an_error_within_a_second() {
    for which in ["config", "secrets"] {
        let home = Home::new();
        home.store()
            .write_provider("a", api_key_provider("openai", "sk-a"))
            .unwrap();
        let path = match which {
            "config" => home.paths.config_file(),
            _ => home.paths.secrets_file(),
        };
        std::fs::remove_file(&path).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(&path)
            .status()
            .unwrap();
        assert!(status.success());
        let started = Instant::now();
        let error = home
            .store()
            .load(&EnvSnapshot::default())
            .map(drop)
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(
            matches!(error, ConfigError::NotAFile { kind: "a FIFO", .. }),
            "{which}: {error:?}"
        );
        assert!(
            error.to_string().contains("is a FIFO, not a regular file"),
            "{error}"
        );
        assert!(error.hint().unwrap().contains("move"), "{error:?}");
    }
}

#[test]
fn an_empty_config_is_an_error_that_names_the_backup() {
    let home = Home::new();
    home.store()
        .write_provider("a", api_key_provider("openai", "sk-a"))
        .unwrap();
    let secrets = read(&home.paths.secrets_file());
    overwrite(home.paths.config_file(), b"");
    let error = home
        .store()
        .load(&EnvSnapshot::default())
        .map(drop)
        .unwrap_err();
    assert!(
        matches!(error, ConfigError::EmptyConfig { backup: None, .. }),
        "{error:?}"
    );
    assert!(error.hint().unwrap().contains("netclaw init"), "{error:?}");
    // The next write refuses too, and the secrets stay as they were.
    let add = home
        .store()
        .add_provider("b", api_key_provider("openai", "sk-b"));
    assert!(
        matches!(add, Err(ConfigError::EmptyConfig { .. })),
        "{add:?}"
    );
    assert_eq!(read(&home.paths.secrets_file()), secrets);

    let mut backup = home.paths.config_file().into_os_string();
    backup.push(".bak");
    overwrite(&backup, b"{\"configVersion\": 1}");
    let error = home
        .store()
        .load(&EnvSnapshot::default())
        .map(drop)
        .unwrap_err();
    let hint = error.hint().unwrap();
    assert!(hint.contains("netclaw.json.bak"), "{hint}");
}

#[test]
fn stale_temp_files_are_gone_after_the_next_write() {
    let home = Home::new();
    let store = home.store();
    store
        .write_provider("a", api_key_provider("openai", "sk-a"))
        .unwrap();
    let stale = [
        home.paths.config_dir().join(".netclaw.json.AbC123.tmp"),
        home.paths.config_dir().join(".secrets.json.age.XyZ789.tmp"),
        home.paths.config_dir().join(".netclaw.json.bak.Q1w2E3.tmp"),
        home.paths
            .identity_file()
            .with_file_name(".identity.txt.k9L8m7.tmp"),
    ];
    let unrelated = home.paths.config_dir().join("notes.tmp");
    for path in stale.iter().chain([&unrelated]) {
        overwrite(path, b"left by a killed write");
    }
    store
        .write_provider("b", api_key_provider("openai", "sk-b"))
        .unwrap();
    for path in &stale {
        assert!(!path.exists(), "{} is still there", path.display());
    }
    assert!(
        unrelated.exists(),
        "only netclaw's own temp names are swept"
    );
}

#[test]
fn of_two_racing_adds_of_one_name_exactly_one_succeeds() {
    for round in 0..10 {
        let home = Arc::new(Home::new());
        let start = Arc::new(Barrier::new(2));
        let adds: Vec<_> = ["sk-first", "sk-second"]
            .into_iter()
            .map(|key| {
                let (home, start) = (Arc::clone(&home), Arc::clone(&start));
                std::thread::spawn(move || {
                    start.wait();
                    home.store()
                        .add_provider("same", api_key_provider("openai", key))
                        .map(|()| key)
                })
            })
            .collect();
        let outcomes: Vec<_> = adds.into_iter().map(|a| a.join().unwrap()).collect();
        let won: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
        assert_eq!(won.len(), 1, "round {round}: {outcomes:?}");
        assert!(
            outcomes
                .iter()
                .any(|o| matches!(o, Err(ConfigError::ProviderExists { .. }))),
            "round {round}: {outcomes:?}"
        );
        let config = home.store().load(&EnvSnapshot::default()).unwrap();
        let (_, _, creds) = config.provider("same").unwrap();
        assert_eq!(
            creds
                .first()
                .api_key
                .as_ref()
                .unwrap()
                .value
                .expose_secret(),
            *won[0]
        );
    }
}
