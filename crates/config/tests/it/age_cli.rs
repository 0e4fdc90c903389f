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
        json!({"Providers": {"openai": {"ApiKey": "sk-proj-from-netclaw"}}})
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
        creds.api_key.as_ref().unwrap().value.expose_secret(),
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
    assert!(config.provider("openai").unwrap().2.api_key.is_some());

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
        json!({"Providers": {"openai": {"ApiKey": "sk-rotated"}}})
    );
}
