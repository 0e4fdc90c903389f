//! A crash between the temp write and the rename leaves the old file whole.

use std::os::unix::fs::PermissionsExt;

use netclaw_config::fs::{write_atomic, write_atomic_with_hook};
use netclaw_config::{Config, ConfigError, EnvSnapshot};

use crate::common::{Home, api_key_provider, read};

#[test]
fn failure_before_rename_leaves_the_old_file_and_no_temp_file() {
    let home = Home::new();
    home.store()
        .write_provider("openai", api_key_provider("openai", "sk-old"))
        .unwrap();
    let path = home.paths.config_file();
    let before = read(&path);

    let mut seen_temp = None;
    let err = write_atomic_with_hook(
        &path,
        b"{\"configVersion\": 2, \"Providers\": {}}",
        |temp| {
            // The temp file is complete, private and in the same directory before the rename.
            assert_eq!(
                std::fs::read(temp)?,
                b"{\"configVersion\": 2, \"Providers\": {}}"
            );
            assert_eq!(std::fs::metadata(temp)?.permissions().mode() & 0o777, 0o600);
            assert_eq!(temp.parent(), path.parent());
            seen_temp = Some(temp.to_path_buf());
            Err(std::io::Error::other("simulated crash"))
        },
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            ConfigError::Io {
                action: "write",
                ..
            }
        ),
        "{err:?}"
    );

    assert_eq!(read(&path), before);
    assert!(!seen_temp.unwrap().exists());
    let names: Vec<_> = std::fs::read_dir(home.paths.config_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(names, [".lock", "netclaw.json", "secrets.json.age"]);
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    assert!(
        config
            .provider("openai")
            .unwrap()
            .2
            .first()
            .api_key
            .is_some()
    );
}

#[test]
fn a_temp_file_left_by_a_real_crash_does_not_disturb_loading_or_writing() {
    let home = Home::new();
    home.store()
        .write_provider("openai", api_key_provider("openai", "sk-old"))
        .unwrap();
    // What a killed process leaves: a half-written temp file beside the real one.
    let leftover = home.paths.config_dir().join(".netclaw.json.XXXXXX.tmp");
    write_atomic(&leftover, b"{\"configVersion\": 2, \"Provi").unwrap();
    let config = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    assert_eq!(config.settings.providers.len(), 1);
    home.store()
        .write_provider("other", api_key_provider("anthropic", "sk-2"))
        .unwrap();
    assert_eq!(
        Config::load(&home.paths, &EnvSnapshot::default())
            .unwrap()
            .settings
            .providers
            .len(),
        2
    );
}
