//! `netclaw chat` with no prompt on a terminal: the real binary in a pseudo-terminal against a
//! loopback Chat Completions server, typing as a person would (Enter, ↑, Ctrl-C, Ctrl-D), with
//! and without a running daemon.

use std::io::{BufRead, BufReader};
use std::process::Child;
use std::time::Duration;

use rexpect::process::WaitStatus;
use rexpect::reader::Options;
use rexpect::session::{PtySession, spawn_with_options};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::Netclaw;

/// How long any one expected piece of output may take before the test fails.
const PATIENCE_MS: u64 = 30_000;

/// The prompt whose answer never comes in time: the one Ctrl-C cancels.
const SLOW: &str = "take your time";

/// Answers `reply N`, N being how many user messages the request carried, so what the REPL
/// prints shows how much of the conversation reached the server.
struct CountingUpstream;

impl Respond for CountingUpstream {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let users: Vec<&str> = body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["role"] == "user")
            .map(|m| m["content"].as_str().unwrap())
            .collect();
        let reply = format!("reply {}", users.len());
        let mut sse = String::new();
        for piece in [&reply[..6], &reply[6..]] {
            let chunk = json!({"id": "c", "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]});
            sse.push_str(&format!("data: {chunk}\n\n"));
        }
        let last = json!({"id": "c", "object": "chat.completion.chunk",
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
        sse.push_str(&format!("data: {last}\n\ndata: [DONE]\n\n"));
        let template = ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream");
        if users.last() == Some(&SLOW) {
            // Longer than the test's patience: only Ctrl-C ends this wait.
            template.set_delay(Duration::from_secs(600))
        } else {
            template
        }
    }
}

/// A home with one OpenAI-compatible provider on `server` as the main model.
async fn local_provider(server: &MockServer) -> Netclaw {
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
            {"id": "tiny", "object": "model", "max_model_len": 8192}
        ]})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(CountingUpstream)
        .mount(server)
        .await;
    // A terminal type, as a terminal emulator sets it (spinners stay hidden without one).
    let netclaw = Netclaw::new().env("TERM", "xterm");
    let endpoint = server.uri();
    netclaw
        .run(
            &[
                "provider",
                "add",
                "local",
                "openai-compatible",
                "--auth",
                "none",
                "--endpoint",
                &endpoint,
            ],
            "",
        )
        .await
        .expect_code(0);
    netclaw
        .run(&["model", "set", "main", "local/tiny"], "")
        .await
        .expect_code(0);
    netclaw
}

/// `netclaw chat -v` in a fresh pseudo-terminal, escape codes stripped from what it shows.
fn open_repl(netclaw: &Netclaw) -> PtySession {
    let command = netclaw.bare_command(&["chat", "-v"]);
    let options = Options::new()
        .timeout_ms(Some(PATIENCE_MS))
        .strip_ansi_escape_codes(true);
    spawn_with_options(command, options).unwrap()
}

/// Types `text` and presses Enter (a terminal sends a carriage return).
fn enter(repl: &mut PtySession, text: &str) {
    repl.send(&format!("{text}\r")).unwrap();
    repl.flush().unwrap();
}

/// Presses keys without Enter.
fn keys(repl: &mut PtySession, keys: &str) {
    repl.send(keys).unwrap();
    repl.flush().unwrap();
}

/// Waits for a fresh prompt. Keys sent together with the key that ends a line (Enter, Ctrl-C)
/// may be read along with it and dropped, as keys typed ahead of any line editor's next prompt.
fn expect_prompt(repl: &mut PtySession) {
    // rexpect reads the terminal byte by byte, each byte taken as one char.
    let prompt: String = "› ".bytes().map(char::from).collect();
    repl.exp_string(&prompt).unwrap();
}

/// Waits for Ctrl-D to end the REPL and returns its exit status.
fn exit_with_ctrl_d(mut repl: PtySession) -> WaitStatus {
    repl.send_control('d').unwrap();
    repl.exp_eof().unwrap();
    repl.process().wait().unwrap()
}

/// Each chat request's messages, in the order the server got them.
async fn conversations(server: &MockServer) -> Vec<Value> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/chat/completions")
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["messages"].clone())
        .collect()
}

const UP: &str = "\x1b[A";

#[tokio::test(flavor = "multi_thread")]
async fn the_repl_keeps_the_conversation_recalls_prompts_and_cancels_with_ctrl_c() {
    let server = MockServer::start().await;
    let netclaw = local_provider(&server).await;

    let status = tokio::task::spawn_blocking({
        let netclaw_command = open_repl(&netclaw);
        move || {
            let mut repl = netclaw_command;
            repl.exp_string("/help lists commands").unwrap();

            enter(&mut repl, "first question");
            repl.exp_string("reply 1").unwrap();
            // Multi-turn: the second request carries both prompts.
            enter(&mut repl, "second question");
            repl.exp_string("reply 2").unwrap();

            // ↑ recalls the last prompt into the line; Enter sends it again, with the rest.
            keys(&mut repl, UP);
            repl.exp_string("second question").unwrap();
            enter(&mut repl, "");
            repl.exp_string("reply 3").unwrap();

            // Ctrl-C while the answer is awaited cancels it; the prompt is dropped too.
            enter(&mut repl, SLOW);
            repl.exp_string("Thinking").unwrap();
            repl.send_control('c').unwrap();
            repl.exp_string("(cancelled)").unwrap();

            // Ctrl-C on a half-typed line clears it.
            keys(&mut repl, "never sent");
            repl.exp_string("never sent").unwrap();
            repl.send_control('c').unwrap();
            expect_prompt(&mut repl);
            enter(&mut repl, "after the cancel");
            repl.exp_string("reply 4").unwrap();

            // `/clear` starts over.
            enter(&mut repl, "/clear");
            repl.exp_string("(conversation cleared)").unwrap();
            enter(&mut repl, "fresh start");
            repl.exp_string("reply 1").unwrap();

            exit_with_ctrl_d(repl)
        }
    })
    .await
    .unwrap();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "Ctrl-D should exit 0, got {status:?}"
    );

    let mut sent = conversations(&server).await;
    // The cancelled request may or may not have reached the server before Ctrl-C.
    let cancelled = sent
        .iter()
        .filter(|messages| messages.as_array().unwrap().last().unwrap()["content"] == SLOW)
        .count();
    assert!(cancelled <= 1, "{sent:#?}");
    sent.retain(|messages| messages.as_array().unwrap().last().unwrap()["content"] != SLOW);
    insta::assert_json_snapshot!("repl_conversations", sent);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_repl_talks_through_a_running_daemon_and_switches_models() {
    let server = MockServer::start().await;
    let netclaw = local_provider(&server).await;
    let mut daemon = netclaw
        .command(&["daemon", "run", "--port", "0"])
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(daemon.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    assert!(line.contains("listening on http://127.0.0.1:"), "{line}");

    let status = tokio::task::spawn_blocking({
        let repl = open_repl(&netclaw);
        move || {
            let mut repl = repl;
            repl.exp_string("through the daemon").unwrap();
            repl.exp_string("/help lists commands").unwrap();
            enter(&mut repl, "hello daemon");
            repl.exp_string("reply 1").unwrap();
            // A model the server does not list still goes to it: the conversation stays.
            enter(&mut repl, "/model local/other");
            repl.exp_string("now chatting with local/other").unwrap();
            keys(&mut repl, UP);
            keys(&mut repl, UP);
            repl.exp_string("hello daemon").unwrap();
            enter(&mut repl, " again");
            repl.exp_string("reply 2").unwrap();
            // A line that starts with a space is sent but not remembered: ↑ skips it.
            enter(&mut repl, " my token is sk-not-remembered");
            repl.exp_string("reply 3").unwrap();
            keys(&mut repl, UP);
            repl.exp_string("hello daemon again").unwrap();
            repl.send_control('c').unwrap();
            expect_prompt(&mut repl);
            enter(&mut repl, "/nope");
            repl.exp_string("no REPL command `/nope`").unwrap();
            exit_with_ctrl_d(repl)
        }
    })
    .await
    .unwrap();
    assert!(
        matches!(status, WaitStatus::Exited(_, 0)),
        "Ctrl-D should exit 0, got {status:?}"
    );

    let bodies: Vec<Value> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/chat/completions")
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    insta::assert_json_snapshot!("repl_through_the_daemon", bodies);

    netclaw.run(&["daemon", "stop"], "").await.expect_code(0);
    let exit = tokio::task::spawn_blocking(move || wait(daemon))
        .await
        .unwrap();
    assert!(exit.success());
}

fn wait(mut child: Child) -> std::process::ExitStatus {
    child.wait().unwrap()
}
