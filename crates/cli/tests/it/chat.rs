//! `netclaw chat` streaming through a running daemon to a loopback Codex backend, with piped
//! stdin, and `daemon run|status|stop` around it.

use std::io::{BufRead, BufReader};

use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::oauth::{ACCESS, add_openai_with_device_code};
use crate::support::Netclaw;

const CODEX_SSE: &str = include_str!("codex_text.sse");

#[tokio::test(flavor = "multi_thread")]
async fn chat_streams_through_the_daemon_with_piped_stdin() {
    let server = MockServer::start().await;
    let netclaw = Netclaw::new();
    add_openai_with_device_code(&netclaw, &server).await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(header("authorization", format!("Bearer {ACCESS}").as_str()))
        .and(header("chatgpt-account-id", "acct-42"))
        .and(body_string_contains("review this"))
        .and(body_string_contains("fn main() {}"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CODEX_SSE, "text/event-stream"))
        .expect(2)
        .mount(&server)
        .await;
    netclaw
        .run(&["model", "set", "main", "work/gpt-5.5"], "")
        .await
        .expect_code(0);

    // No daemon yet: `daemon status` says so, chat goes straight to the provider.
    netclaw.run(&["daemon", "status"], "").await.expect_code(1);
    let direct = netclaw
        .run(&["chat", "-v", "review this"], "fn main() {}")
        .await;
    direct.expect_code(0);
    assert_eq!(direct.stdout, "Hello, wörld ✓\n");
    assert!(
        direct.stderr.contains("42 input + 12 output"),
        "{}",
        direct.stderr
    );
    assert!(
        !direct.stderr.contains("through the daemon"),
        "{}",
        direct.stderr
    );

    let mut daemon = netclaw
        .command(&["daemon", "run", "--port", "0"])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(daemon.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("listening on http://127.0.0.1:"), "{line}");

    let status = netclaw.run(&["daemon", "status", "--json"], "").await;
    status.expect_code(0);
    assert_eq!(status.json()["running"], true);

    let chat = netclaw
        .run(&["chat", "-v", "review this"], "fn main() {}")
        .await;
    chat.expect_code(0);
    assert_eq!(chat.stdout, "Hello, wörld ✓\n");
    assert!(
        chat.stderr.contains("through the daemon"),
        "{}",
        chat.stderr
    );

    netclaw.run(&["daemon", "stop"], "").await.expect_code(0);
    let exit = tokio::task::spawn_blocking(move || daemon.wait().unwrap())
        .await
        .unwrap();
    assert!(exit.success());
    netclaw.run(&["daemon", "status"], "").await.expect_code(1);
}

#[tokio::test(flavor = "multi_thread")]
async fn chat_without_a_model_says_how_to_choose_one() {
    let netclaw = Netclaw::new();
    let run = netclaw.run(&["chat", "hello"], "").await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("netclaw model set main"),
        "{}",
        run.stderr
    );
}
