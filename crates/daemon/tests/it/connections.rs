//! Idle and half-open connections cannot starve the daemon: with the common 1 024-descriptor
//! limit, 1 100 idle connections still leave `/api/health` answering, and a client that sends
//! no headers is disconnected.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::Home;

/// A daemon process, killed and reaped when dropped.
struct DaemonProcess(std::process::Child);

impl Drop for DaemonProcess {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the real daemon binary under `ulimit -n 1024` and returns it with its address.
async fn daemon_with_1024_descriptors(home: &Home) -> (DaemonProcess, String) {
    let child = DaemonProcess(
        Command::new("sh")
            .args([
                "-c",
                "ulimit -n 1024 && exec \"$0\" --home \"$1\" --port 0 --foreground",
                env!("CARGO_BIN_EXE_netclaw-daemon"),
                home.dir.path().to_str().unwrap(),
            ])
            .env("NETCLAW_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    loop {
        if let Ok(info) = netclaw_daemon::read_daemon_info(&home.paths) {
            return (child, info.address.to_string());
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the daemon did not start"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

async fn health(address: &str) -> String {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let request =
        format!("GET /api/health HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eleven_hundred_idle_connections_leave_the_health_check_answering() {
    let home = Home::new();
    let (daemon, address) = daemon_with_1024_descriptors(&home).await;
    let mut idle = Vec::new();
    for _ in 0..1100 {
        idle.push(TcpStream::connect(&address).await.unwrap());
    }
    let answer = tokio::time::timeout(Duration::from_secs(20), health(&address))
        .await
        .expect("the health check answers while 1 100 idle connections are open");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    drop(idle);
    drop(daemon);
}

#[tokio::test]
async fn a_client_that_sends_no_headers_is_disconnected() {
    let home = Home::new();
    let daemon = netclaw_daemon::spawn(
        home.paths.clone(),
        netclaw_config::EnvSnapshot::default(),
        netclaw_daemon::DaemonOptions {
            port: Some(0),
            watch_interval: None,
            refresh: None,
            header_read_timeout: Duration::from_millis(200),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut silent = TcpStream::connect(daemon.addr()).await.unwrap();
    // Half a request line, then nothing: the daemon closes the connection by itself.
    silent.write_all(b"GET /api/heal").await.unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), silent.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the daemon kept a silent connection open");
    daemon.shutdown().await.unwrap();
}
