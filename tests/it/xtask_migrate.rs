//! `cargo xtask migrate`: a legacy home's `openai-codex` provider migrated with a diff, a `.bak`
//! kept, and `--dry-run` writing nothing.

use std::path::Path;
use std::process::ExitCode;

use netclaw_config::{AuthMethod, Config, EnvSnapshot, Paths};

/// A `netclaw.json` as the original netclaw wrote it in the `openai-codex` era (no
/// `configVersion`), with keys netclaw does not know that must survive.
const LEGACY: &str = r#"{
  "Providers": {
    "codex": {
      "Type": "openai-codex",
      "Endpoint": "https://chatgpt.com/backend-api/codex",
      "OAuthTokenExpiry": "2026-06-23T13:00:00+00:00"
    },
    "local": {
      "Type": "ollama",
      "Endpoint": "http://localhost:11434"
    }
  },
  "Models": {
    "Main": {
      "Provider": "codex",
      "ModelId": "gpt-5.5",
      "ContextWindow": null
    }
  },
  "Daemon": {
    "Host": "127.0.0.1",
    "Port": 5199
  },
  "Slack": {
    "Enabled": false
  }
}
"#;

fn no_env() -> EnvSnapshot {
    EnvSnapshot::from_pairs::<_, &str, &str>([])
}

/// A temp home whose `config/netclaw.json` is `text`.
fn home_with(text: &str) -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    std::fs::create_dir_all(paths.config_dir()).unwrap();
    let mut file = std::fs::File::create(paths.config_file()).unwrap();
    std::io::Write::write_all(&mut file, text.as_bytes()).unwrap();
    (dir, paths)
}

/// Runs `cargo xtask migrate --home HOME EXTRA…` in-process: exit code, stdout with the home
/// shown as `[HOME]`, stderr.
fn migrate(home: &Path, extra: &[&str]) -> (ExitCode, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut argv = vec!["cargo xtask", "migrate", "--home", home.to_str().unwrap()];
    argv.extend_from_slice(extra);
    let code = xtask::cli::run(argv, &no_env(), &mut out, &mut err);
    let out = String::from_utf8(out)
        .unwrap()
        .replace(home.to_str().unwrap(), "[HOME]");
    (code, out, String::from_utf8(err).unwrap())
}

/// The names of the files in `config/`.
fn config_files(paths: &Paths) -> Vec<String> {
    let mut names: Vec<_> = std::fs::read_dir(paths.config_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn dry_run_shows_the_diff_and_writes_nothing() {
    let (_dir, paths) = home_with(LEGACY);
    let (code, out, err) = migrate(paths.home(), &["--dry-run"]);
    assert_eq!(err, "");
    assert_eq!(code, ExitCode::SUCCESS);
    insta::assert_snapshot!(out);
    assert_eq!(
        std::fs::read_to_string(paths.config_file()).unwrap(),
        LEGACY
    );
    assert_eq!(config_files(&paths), ["netclaw.json"]);
}

#[test]
fn migrate_rewrites_the_file_keeps_a_backup_and_shows_the_same_diff() {
    let (_dir, paths) = home_with(LEGACY);
    let (_, dry, _) = migrate(paths.home(), &["--dry-run"]);
    let (code, out, err) = migrate(paths.home(), &[]);
    assert_eq!(err, "");
    assert_eq!(code, ExitCode::SUCCESS);
    let diff = |report: &str| -> String {
        report
            .lines()
            .filter(|l| !l.starts_with("migrated") && !l.starts_with("dry run"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        diff(&out),
        diff(&dry),
        "the dry run showed what was written"
    );
    insta::assert_snapshot!(out.lines().last().unwrap(), @"migrated `[HOME]/config/netclaw.json` from configVersion 1 to 3; the old file is kept as `[HOME]/config/netclaw.json.bak`");

    let backup = paths.config_dir().join("netclaw.json.bak");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), LEGACY);
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(paths.config_file()).unwrap()).unwrap();
    assert_eq!(written["configVersion"], 3);
    assert_eq!(written["Providers"]["codex"]["Type"], "openai");
    assert_eq!(written["Providers"]["codex"]["AuthMethod"], "OAuthPkce");
    assert_eq!(written["Slack"]["Enabled"], false);
    let config = Config::load(&paths, &no_env()).unwrap();
    let (_, codex, _) = config.provider("codex").unwrap();
    assert_eq!(codex.auth_method, AuthMethod::OAuthPkce);

    let after = std::fs::read(paths.config_file()).unwrap();
    let (code, out, _) = migrate(paths.home(), &[]);
    assert_eq!(code, ExitCode::SUCCESS);
    insta::assert_snapshot!(out, @"`[HOME]/config/netclaw.json` is up to date (configVersion 3)");
    assert_eq!(std::fs::read(paths.config_file()).unwrap(), after);
}

#[test]
fn a_home_without_a_config_file_has_nothing_to_migrate() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, _) = migrate(dir.path(), &["--dry-run"]);
    assert_eq!(code, ExitCode::SUCCESS);
    insta::assert_snapshot!(out, @"no `[HOME]/config/netclaw.json`; nothing to migrate");
    assert!(!dir.path().join("config").exists());
}

#[test]
fn a_newer_file_is_refused_and_left_as_it_is() {
    let newer = "{\"configVersion\": 99, \"Providers\": {}}\n";
    let (_dir, paths) = home_with(newer);
    let (code, out, err) = migrate(paths.home(), &[]);
    assert_eq!(code, ExitCode::FAILURE);
    assert_eq!(out, "");
    assert!(err.starts_with("error: migrating `"), "{err}");
    assert!(err.contains("99"), "{err}");
    assert_eq!(std::fs::read_to_string(paths.config_file()).unwrap(), newer);
    assert_eq!(config_files(&paths), [".lock", "netclaw.json"]);
}
