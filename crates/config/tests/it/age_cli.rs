//! The secrets file is a standard age file: the reference `age` CLI reads what netclaw writes,
//! and netclaw reads what `age -e` writes. `.ci/run` installs `age`; without it these fail.

use std::io::Write;
use std::process::{Command, Stdio};

use netclaw_config::{Config, EnvSnapshot, EnvVars, ExposeSecret};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

use crate::common::{Home, api_key_provider, secret};

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd
        .output()
        .expect("the reference `age` CLI must be installed (`.ci/run` installs it with apt)");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

#[test]
fn age_cli_decrypts_the_secrets_file_with_the_identity_file() {
    let home = Home::new();
    let store = home.store();
    store
        .write_provider("openai", api_key_provider("openai", "sk-proj-from-netclaw"))
        .unwrap();
    let plain = run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(home.paths.identity_file())
        .arg(home.paths.secrets_file()));
    let payload: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(
        payload,
        json!({"Providers": {"openai": {"Accounts": {"default": {"ApiKey": "sk-proj-from-netclaw"}}}}})
    );
}

#[test]
fn netclaw_reads_a_file_age_encrypted_for_its_recipient() {
    let home = Home::new();
    home.write_config(r#"{"configVersion": 2, "Providers": {"openai": {"Type": "openai", "AuthMethod": "ApiKey"}}}"#);
    let key_file = home.dir.path().join("key.txt");
    run(Command::new("age-keygen").arg("-o").arg(&key_file));
    let recipient =
        String::from_utf8(run(Command::new("age-keygen").arg("-y").arg(&key_file))).unwrap();
    let mut child = Command::new("age")
        .arg("-e")
        .arg("-r")
        .arg(recipient.trim())
        .arg("-o")
        .arg(home.paths.secrets_file())
        .stdin(Stdio::piped())
        .spawn()
        .expect("the reference `age` CLI must be installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"Providers": {"openai": {"ApiKey": "sk-written-by-age"}}}"#)
        .unwrap();
    assert!(child.wait().unwrap().success());

    // NETCLAW_AGE_IDENTITY as a path.
    let by_path = EnvSnapshot::from_pairs([(
        EnvVars::NETCLAW_AGE_IDENTITY,
        key_file.display().to_string(),
    )]);
    let config = Config::load(&home.paths, &by_path).unwrap();
    let (_, _, creds) = config.provider("openai").unwrap();
    assert_eq!(
        creds
            .first()
            .api_key
            .as_ref()
            .unwrap()
            .value
            .expose_secret(),
        "sk-written-by-age"
    );

    // NETCLAW_AGE_IDENTITY as the key itself.
    let key_text = std::fs::read_to_string(&key_file).unwrap();
    let key_line = key_text
        .lines()
        .find(|l| l.starts_with("AGE-SECRET-KEY-1"))
        .unwrap();
    let inline = EnvSnapshot::from_pairs([(EnvVars::NETCLAW_AGE_IDENTITY, key_line)]);
    let config = Config::load(&home.paths, &inline).unwrap();
    assert!(
        config
            .provider("openai")
            .unwrap()
            .2
            .first()
            .api_key
            .is_some()
    );

    // netclaw writes back for the same recipient, and no identity file is generated.
    home.store_with(&inline)
        .set_secret("Providers.openai.ApiKey", secret("sk-rotated"))
        .unwrap();
    assert!(!home.paths.identity_file().exists());
    let plain = run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key_file)
        .arg(home.paths.secrets_file()));
    let payload: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(
        payload,
        json!({"Providers": {"openai": {"Accounts": {"default": {"ApiKey": "sk-rotated"}}}}})
    );
}

/// A home written before accounts: `netclaw.json` at version 2 and a secrets file (written by
/// `age -e`) with the provider's fields directly under its name.
fn home_before_accounts() -> (Home, std::path::PathBuf) {
    let home = Home::new();
    home.write_config(
        r#"{"configVersion": 2, "Providers": {"chatgpt": {"Type": "openai", "AuthMethod": "OAuthPkce", "OAuthTokenExpiry": "2026-12-06T12:00:00+00:00"}}}"#,
    );
    let key_file = home.paths.identity_file();
    std::fs::create_dir_all(key_file.parent().unwrap()).unwrap();
    run(Command::new("age-keygen").arg("-o").arg(&key_file));
    let recipient = run(Command::new("age-keygen").arg("-y").arg(&key_file));
    let mut child = Command::new("age")
        .arg("-e")
        .arg("-r")
        .arg(String::from_utf8(recipient).unwrap().trim())
        .arg("-o")
        .arg(home.paths.secrets_file())
        .stdin(Stdio::piped())
        .spawn()
        .expect("the reference `age` CLI must be installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"Providers": {"chatgpt": {"OAuthAccessToken": "at-old", "OAuthRefreshToken": "rt-old", "OAuthAccountId": "acct-old"}}}"#)
        .unwrap();
    assert!(child.wait().unwrap().success());
    (home, key_file)
}

fn default_account_of(config: &Config) -> (String, Option<jiff::Timestamp>) {
    let (_, entry, creds) = config.provider("chatgpt").unwrap();
    let account = creds
        .account("default")
        .expect("the old credential is the default account");
    let token = account.oauth_access_token.as_ref().unwrap();
    (
        token.value.expose_secret().to_owned(),
        entry.token_expiry("default"),
    )
}

#[test]
fn a_home_before_accounts_loads_unchanged_and_migrates_to_a_shape_age_still_reads() {
    let (home, key_file) = home_before_accounts();
    let config_before = std::fs::read(home.paths.config_file()).unwrap();
    let secrets_before = std::fs::read(home.paths.secrets_file()).unwrap();

    let loaded = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    let expected = (
        "at-old".to_owned(),
        Some("2026-12-06T12:00:00Z".parse().unwrap()),
    );
    assert_eq!(default_account_of(&loaded), expected);
    assert_eq!(
        std::fs::read(home.paths.config_file()).unwrap(),
        config_before
    );
    assert_eq!(
        std::fs::read(home.paths.secrets_file()).unwrap(),
        secrets_before
    );

    let report = home.store().migrate().unwrap();
    assert!(
        matches!(
            report,
            netclaw_config::MigrationReport::Migrated { from: 2, to: 3, .. }
        ),
        "{report:?}"
    );
    let bak = |path: std::path::PathBuf| {
        let mut name = path.into_os_string();
        name.push(".bak");
        std::fs::read(std::path::PathBuf::from(name)).unwrap()
    };
    assert_eq!(bak(home.paths.config_file()), config_before);
    assert_eq!(bak(home.paths.secrets_file()), secrets_before);
    let plain = run(Command::new("age")
        .arg("-d")
        .arg("-i")
        .arg(&key_file)
        .arg(home.paths.secrets_file()));
    assert_eq!(
        serde_json::from_slice::<Value>(&plain).unwrap(),
        json!({"Providers": {"chatgpt": {"Accounts": {"default": {
            "OAuthAccessToken": "at-old", "OAuthRefreshToken": "rt-old", "OAuthAccountId": "acct-old"
        }}}}})
    );
    let migrated: Value = serde_json::from_str(&home.config_text()).unwrap();
    assert_eq!(
        migrated["Providers"]["chatgpt"],
        json!({"Type": "openai", "AuthMethod": "OAuthPkce", "Accounts": {"default": {"OAuthTokenExpiry": "2026-12-06T12:00:00+00:00"}}})
    );
    let reloaded = Config::load(&home.paths, &EnvSnapshot::default()).unwrap();
    assert_eq!(default_account_of(&reloaded), expected);
    assert_eq!(
        home.store().migrate().unwrap(),
        netclaw_config::MigrationReport::UpToDate { version: 3 }
    );
}
