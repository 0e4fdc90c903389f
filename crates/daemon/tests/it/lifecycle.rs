//! Start and stop: run files, the pid lock, stale files, the typed client.

use std::os::unix::fs::PermissionsExt;

use netclaw_daemon::{DaemonClient, DaemonOptions, StartError, api::DaemonInfo};
use pretty_assertions::assert_eq;

use crate::support::Home;

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn start_writes_run_files_and_clean_exit_removes_daemon_json() {
    let home = Home::new();
    let daemon = home.spawn().await;
    let info: DaemonInfo =
        serde_json::from_str(&std::fs::read_to_string(home.paths.daemon_info_file()).unwrap())
            .unwrap();
    assert_eq!(info.pid, std::process::id());
    assert_eq!(info.address, daemon.addr());
    assert_ne!(info.address.port(), 0, "port 0 resolves to the bound port");
    assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(mode(&home.paths.daemon_info_file()), 0o600);
    assert_eq!(mode(&home.paths.daemon_token_file()), 0o600);
    let token = std::fs::read_to_string(home.paths.daemon_token_file()).unwrap();
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit()));

    let client = DaemonClient::from_run_files(&home.paths).unwrap();
    let health = client.health().await.unwrap();
    assert_eq!(health.pid, std::process::id());

    daemon.shutdown().await.unwrap();
    assert!(!home.paths.daemon_info_file().exists());
    let err = DaemonClient::from_run_files(&home.paths).unwrap_err();
    assert!(err.is_not_running(), "{err}");
}

#[tokio::test]
async fn each_start_rotates_the_token() {
    let home = Home::new();
    let first = home.spawn().await;
    let first_token = std::fs::read_to_string(home.paths.daemon_token_file()).unwrap();
    first.shutdown().await.unwrap();
    let second = home.spawn().await;
    let second_token = std::fs::read_to_string(home.paths.daemon_token_file()).unwrap();
    assert_ne!(first_token, second_token);
    second.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_second_daemon_on_the_same_home_is_refused() {
    let home = Home::new();
    let daemon = home.spawn().await;
    let err = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        DaemonOptions {
            port: Some(0),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, StartError::AlreadyRunning { pid: Some(p), .. } if p == std::process::id())
    );
    let message = err
        .to_string()
        .replace(home.dir.path().to_str().unwrap(), "[HOME]");
    insta::assert_snapshot!(message.replace(&std::process::id().to_string(), "[PID]"), @"a netclaw daemon is already running for home `[HOME]` (pid [PID])");
    assert_eq!(
        netclaw_config::Hint::hint(&err).as_deref(),
        Some("stop it with `netclaw daemon stop`, or use another `--home`")
    );
    // The running daemon's files are untouched.
    assert!(home.paths.daemon_info_file().exists());
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_stale_daemon_json_from_a_crash_is_replaced() {
    let home = Home::new();
    std::fs::create_dir_all(home.paths.run_dir()).unwrap();
    std::fs::File::create(home.paths.daemon_info_file()).unwrap();
    {
        use std::io::Write;
        let mut f = std::fs::File::create(home.paths.daemon_info_file()).unwrap();
        f.write_all(br#"{"pid": 999999, "address": "127.0.0.1:1", "startedAt": "2020-01-01T00:00:00Z", "version": "0.0.1"}"#)
            .unwrap();
    }
    let daemon = home.spawn().await;
    let client = DaemonClient::from_run_files(&home.paths).unwrap();
    assert_eq!(client.health().await.unwrap().pid, std::process::id());
    daemon.shutdown().await.unwrap();
}

#[tokio::test]
async fn open_connections_do_not_block_shutdown_past_the_deadline() {
    let home = Home::new();
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        DaemonOptions {
            port: Some(0),
            shutdown_deadline: std::time::Duration::from_millis(200),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    // An idle keep-alive connection that never sends a request.
    let _idle = tokio::net::TcpStream::connect(daemon.addr()).await.unwrap();
    daemon.shutdown().await.unwrap();
    assert!(!home.paths.daemon_info_file().exists());
}

#[tokio::test]
async fn the_environment_overrides_the_configured_port() {
    let home = Home::new();
    // netclaw.json names a port something else holds; `NETCLAW_Daemon__Port=0` must win.
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = squatter.local_addr().unwrap().port();
    let config = home.paths.config_file();
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let mut file = std::fs::File::create(&config).unwrap();
    std::io::Write::write_all(
        &mut file,
        serde_json::json!({"configVersion": 1, "Daemon": {"Host": "127.0.0.1", "Port": busy}})
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    let env = home.env().with("NETCLAW_Daemon__Port", "0");
    let options = DaemonOptions {
        watch_interval: None,
        refresh: None,
        ..Default::default()
    };
    let daemon = netclaw_daemon::spawn(home.paths.clone(), env, options)
        .await
        .unwrap();
    assert_ne!(daemon.addr().port(), busy);
    assert_ne!(daemon.addr().port(), 0);
    // Without the override the configured (busy) port is used, and refused.
    daemon.shutdown().await.unwrap();
    let refused = netclaw_daemon::spawn(
        home.paths.clone(),
        home.env(),
        DaemonOptions {
            watch_interval: None,
            refresh: None,
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert!(
        matches!(refused, StartError::Bind { address, .. } if address.port() == busy),
        "{refused}"
    );
}
