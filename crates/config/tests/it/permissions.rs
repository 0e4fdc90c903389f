//! Files are 0600 and directories 0700; a readable secrets or identity file is warned about.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use netclaw_config::{Config, EnvSnapshot, LoadWarning, PermissionWarning};

use crate::common::{Home, api_key_provider};

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn written_files_are_0600_and_created_dirs_0700() {
    let home = Home::new();
    home.store()
        .write_provider("openai", api_key_provider("openai", "sk-x"))
        .unwrap();
    for file in [
        home.paths.config_file(),
        home.paths.secrets_file(),
        home.paths.identity_file(),
        home.paths.config_lock_file(),
    ] {
        assert_eq!(mode(&file), 0o600, "{}", file.display());
    }
    home.paths.ensure_dirs().unwrap();
    for dir in [
        home.paths.home().to_path_buf(),
        home.paths.config_dir(),
        home.paths.keys_dir(),
        home.paths.run_dir(),
        home.paths.logs_dir(),
        home.paths.state_dir(),
        home.paths.cache_dir(),
    ] {
        assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    }
}

#[test]
fn a_group_readable_secrets_or_identity_file_gives_a_warning() {
    let home = Home::new();
    home.store()
        .write_provider("openai", api_key_provider("openai", "sk-x"))
        .unwrap();
    let load = || Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    assert!(load().warnings.is_empty());

    let set =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    set(&home.paths.secrets_file(), 0o640);
    set(&home.paths.identity_file(), 0o604);
    let warnings = load().warnings;
    assert_eq!(
        warnings,
        vec![
            LoadWarning::InsecurePermissions(PermissionWarning {
                path: home.paths.secrets_file(),
                mode: 0o640
            }),
            LoadWarning::InsecurePermissions(PermissionWarning {
                path: home.paths.identity_file(),
                mode: 0o604
            }),
        ]
    );
    assert_eq!(home.paths.permission_warnings().len(), 2);
    insta::assert_snapshot!(home.redact(&warnings[0].to_string()), @"`[HOME]/config/secrets.json.age` is accessible by group or others (mode 0640): run `chmod 600 [HOME]/config/secrets.json.age`");
}
