//! `netclaw daemon start` on a port another program holds says why the daemon could not start
//! (from the daemon's own error in its log), not only that it exited.

use super::support::Home;

#[tokio::test(flavor = "multi_thread")]
async fn a_busy_port_is_named_with_the_daemons_own_reason_and_hint() {
    let holder = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = holder.local_addr().unwrap().port().to_string();
    let home = Home::new();
    let start = home.run(&["daemon", "start", "--port", &port], "").await;
    start.expect_code(1);
    assert_eq!(
        start.stderr,
        format!(
            "error: the daemon could not start: cannot listen on `127.0.0.1:{port}`: \
             Address already in use (os error 98)\n\
             hint: pick another port with `--port` (or `Daemon.Port` in netclaw.json)\n"
        )
    );
    drop(holder);
}
