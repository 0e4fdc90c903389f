//! `netclaw gateway env|setup`: export lines for every shell, and the Codex and Claude Code
//! configurations written with a backup, other settings kept.

use crate::support::Netclaw;

#[tokio::test(flavor = "multi_thread")]
async fn env_creates_a_key_once_and_exports_it_for_both_apis() {
    let netclaw = Netclaw::new();
    let run = netclaw.run(&["gateway", "env", "--key", "shell"], "").await;
    run.expect_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{}", run.stdout);
    assert_eq!(
        lines[0],
        "export OPENAI_BASE_URL='http://127.0.0.1:5199/v1'"
    );
    assert!(
        lines[1].starts_with("export OPENAI_API_KEY='nck_"),
        "{}",
        lines[1]
    );
    assert_eq!(
        lines[2],
        "export ANTHROPIC_BASE_URL='http://127.0.0.1:5199'"
    );
    let key = lines[1].trim_start_matches("export OPENAI_API_KEY=");
    assert_eq!(lines[3], format!("export ANTHROPIC_AUTH_TOKEN={key}"));

    let again = netclaw.run(&["gateway", "env", "--key", "shell"], "").await;
    again.expect_code(2);
    assert!(
        again.stderr.contains("netclaw key revoke shell"),
        "{}",
        again.stderr
    );

    let fish = netclaw
        .run(&["gateway", "env", "--key", "fish", "--shell", "fish"], "")
        .await;
    assert!(
        fish.stdout
            .starts_with("set -gx OPENAI_BASE_URL 'http://127.0.0.1:5199/v1'")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn setup_merges_into_the_clients_files_and_keeps_a_backup() {
    let user = tempfile::tempdir().unwrap();
    let home = user.path().to_str().unwrap().to_owned();
    let netclaw = Netclaw::new().env("HOME", &home);
    let codex = user.path().join(".codex/config.toml");
    std::fs::create_dir_all(codex.parent().unwrap()).unwrap();
    netclaw_config::fs::write_atomic(&codex, b"approval_policy = \"never\"\n").unwrap();
    netclaw
        .run(&["gateway", "setup", "codex", "--write"], "")
        .await
        .expect_code(0);
    let written: toml::Value = std::fs::read_to_string(&codex).unwrap().parse().unwrap();
    assert_eq!(written["approval_policy"].as_str(), Some("never"), "kept");
    assert_eq!(written["model_provider"].as_str(), Some("netclaw"));
    assert_eq!(
        written["model_providers"]["netclaw"]["base_url"].as_str(),
        Some("http://127.0.0.1:5199/v1")
    );
    assert_eq!(
        written["model_providers"]["netclaw"]["wire_api"].as_str(),
        Some("responses")
    );
    let backup = user.path().join(".codex/config.toml.bak");
    assert_eq!(
        std::fs::read_to_string(backup).unwrap(),
        "approval_policy = \"never\"\n"
    );

    let claude = user.path().join(".claude/settings.json");
    std::fs::create_dir_all(claude.parent().unwrap()).unwrap();
    netclaw_config::fs::write_atomic(&claude, br#"{"theme": "dark", "env": {"FOO": "1"}}"#)
        .unwrap();
    netclaw
        .run(
            &["gateway", "setup", "claude", "--key", "claude", "--write"],
            "",
        )
        .await
        .expect_code(0);
    let settings: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&claude).unwrap()).unwrap();
    assert_eq!(settings["theme"], "dark");
    assert_eq!(settings["env"]["FOO"], "1");
    assert_eq!(
        settings["env"]["ANTHROPIC_BASE_URL"],
        "http://127.0.0.1:5199"
    );
    assert!(
        settings["env"]["ANTHROPIC_AUTH_TOKEN"]
            .as_str()
            .unwrap()
            .starts_with("nck_")
    );
    assert!(user.path().join(".claude/settings.json.bak").exists());
}
