//! `secrets`, `config` and `completions`.

use crate::support::{KEY, Netclaw};

#[tokio::test(flavor = "multi_thread")]
async fn secrets_come_from_stdin_and_are_listed_by_name_only() {
    let netclaw = Netclaw::new();
    netclaw
        .run(&["secrets", "set", "Providers.work.ApiKey"], KEY)
        .await
        .expect_code(0);
    let list = netclaw.run(&["secrets", "list"], "").await;
    list.expect_code(0);
    assert_eq!(list.stdout, "Providers.work.ApiKey\n");
    let raw = std::fs::read(netclaw.home().join("config/secrets.json.age")).unwrap();
    assert!(
        !String::from_utf8_lossy(&raw).contains(KEY),
        "the file is encrypted"
    );

    let empty = netclaw
        .run(&["secrets", "set", "Providers.work.ApiKey"], "")
        .await;
    empty.expect_code(2);
}

#[tokio::test(flavor = "multi_thread")]
async fn config_show_masks_secrets_and_path_lists_files() {
    let server = wiremock::MockServer::start().await;
    crate::vendors::API_VENDORS[1].mount_healthy(&server).await;
    let netclaw = Netclaw::new();
    let uri = server.uri();
    netclaw
        .run(
            &[
                "provider",
                "add",
                "claude",
                "anthropic",
                "--api-key-stdin",
                "--endpoint",
                &uri,
            ],
            KEY,
        )
        .await
        .expect_code(0);
    let show = netclaw.run(&["config", "show"], "").await;
    show.expect_code(0);
    let json = show.json();
    assert_eq!(
        json["Providers"]["claude"]["Accounts"]["default"]["ApiKey"],
        "******** (secrets)"
    );

    let path = netclaw.run(&["config", "path", "--json"], "").await;
    path.expect_code(0);
    let config = path.json()["config"].as_str().unwrap().to_owned();
    assert!(config.ends_with("config/netclaw.json"), "{config}");

    let migrate = netclaw.run(&["config", "migrate"], "").await;
    migrate.expect_code(0);
    assert!(
        migrate.stderr.contains("already at configVersion"),
        "{}",
        migrate.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_are_generated_for_each_shell() {
    let netclaw = Netclaw::new();
    for shell in ["bash", "zsh", "fish"] {
        let run = netclaw.run(&["completions", shell], "").await;
        run.expect_code(0);
        assert!(run.stdout.contains("provider"), "{shell}");
    }
    let help = netclaw.run(&["--help"], "").await;
    help.expect_code(0);
    assert!(help.stdout.contains("Exit codes:"), "{}", help.stdout);
}

#[tokio::test(flavor = "multi_thread")]
async fn daemon_install_writes_a_user_unit_and_uninstall_removes_it() {
    let user = tempfile::tempdir().unwrap();
    let netclaw = Netclaw::new().env("HOME", user.path().to_str().unwrap());
    let printed = netclaw.run(&["daemon", "install", "--print"], "").await;
    printed.expect_code(0);
    assert!(
        printed.stdout.contains("Restart=on-failure"),
        "{}",
        printed.stdout
    );
    assert!(
        printed
            .stdout
            .contains(&format!("--home {}", netclaw.home().display()))
    );

    let unit = user
        .path()
        .join(".config/systemd/user/netclaw-daemon.service");
    netclaw.run(&["daemon", "install"], "").await.expect_code(0);
    let written = std::fs::read_to_string(&unit).unwrap();
    assert_eq!(written.trim_end(), printed.stdout.trim_end());
    netclaw
        .run(&["daemon", "uninstall"], "")
        .await
        .expect_code(0);
    assert!(!unit.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn daemon_logs_follow_prints_lines_as_they_are_written() {
    use std::io::{BufRead, BufReader, Write};
    let netclaw = Netclaw::new();
    let log = netclaw.home().join("logs/daemon.log");
    std::fs::create_dir_all(log.parent().unwrap()).unwrap();
    netclaw_config::fs::write_atomic(&log, b"first line\n").unwrap();
    let mut follower = netclaw.command(&["daemon", "logs", "-f"]).spawn().unwrap();
    let mut stdout = BufReader::new(follower.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "first line\n");
    let mut file = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    file.write_all(b"a new line\n").unwrap();
    line.clear();
    stdout.read_line(&mut line).unwrap();
    assert_eq!(line, "a new line\n");
    follower.kill().unwrap();
    follower.wait().unwrap();
}
