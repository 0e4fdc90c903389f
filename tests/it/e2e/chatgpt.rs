//! ChatGPT subscription end to end, by device code and by browser with a pasted redirect:
//! login → probe → `model list` (Codex models with context windows) → `chat` streams through
//! the daemon → the daemon refreshes the token ahead of expiry while that stream is still
//! open → the rotated refresh token is what the secrets file holds.

use std::io::{BufRead, BufReader, Write};
use std::time::Duration;

use secrecy::ExposeSecret;
use xtask::demo::fake_vendor::{FakeVendor, FakeVendorOptions, VendorEvent, answer};

use super::support::{Home, Streaming, within};

/// Issued tokens live 130 s: 10 s after login they are inside the daemon's 2-minute refresh
/// window, so its background refresher (first pass 15 s after start) renews them while the
/// chat below is still streaming, and the chat itself starts with a token that needs no renewal.
const TOKEN_TTL: Duration = Duration::from_secs(130);

/// How the test logs in.
#[derive(Debug, Clone, Copy)]
enum Login {
    DeviceCode,
    BrowserPaste,
}

async fn log_in(home: &Home, vendor: &FakeVendor, login: Login) {
    let issuer = vendor.uri();
    let endpoint = vendor.codex_endpoint();
    match login {
        Login::DeviceCode => {
            let run = home
                .run(
                    &[
                        "provider",
                        "add",
                        "work",
                        "openai",
                        "--auth",
                        "device",
                        "--issuer",
                        &issuer,
                        "--endpoint",
                        &endpoint,
                    ],
                    "",
                )
                .await;
            run.expect_code(0);
            assert!(run.stderr.contains("DEMO-0001"), "{}", run.stderr);
            assert!(
                matches!(
                    vendor.wait_for(|e| matches!(e, VendorEvent::CodeExchanged { .. })).await,
                    VendorEvent::CodeExchanged { code, .. } if code == "demo-device-code"
                ),
                "the device code was exchanged"
            );
        }
        Login::BrowserPaste => {
            let command = home.netclaw(&[
                "provider",
                "add",
                "work",
                "openai",
                "--auth",
                "browser",
                "--no-browser",
                "--issuer",
                &issuer,
                "--redirect-uri",
                "http://localhost:0/auth/callback",
                "--endpoint",
                &endpoint,
            ]);
            let (status, stderr) = tokio::task::spawn_blocking(move || paste_redirect(command))
                .await
                .unwrap();
            assert!(status.success(), "{stderr}");
            assert!(
                matches!(
                    vendor.wait_for(|e| matches!(e, VendorEvent::CodeExchanged { .. })).await,
                    VendorEvent::CodeExchanged { code, .. } if code == "code-pasted-by-hand"
                ),
                "the pasted code was exchanged"
            );
        }
    }
}

/// Plays the person: reads the authorize URL the CLI prints, "logs in" elsewhere, and pastes
/// the redirect URL the browser ended on.
fn paste_redirect(mut command: std::process::Command) -> (std::process::ExitStatus, String) {
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = String::new();
    let url = loop {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no authorize URL was printed:\n{seen}"
        );
        seen.push_str(&line);
        if let Some(at) = line.find("http") {
            let url = url::Url::parse(line[at..].trim()).unwrap();
            if url.path().ends_with("/oauth/authorize") {
                break url;
            }
        }
    };
    let state = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    writeln!(
        stdin,
        "http://localhost:1455/auth/callback?code=code-pasted-by-hand&state={state}"
    )
    .unwrap();
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    seen.push_str(&rest);
    drop(stdin);
    (status, seen)
}

fn stored_refresh_token(home: &Home) -> String {
    let config = home.load();
    let (_, _, credentials) = config.provider("work").unwrap();
    credentials
        .first()
        .oauth_refresh_token
        .as_ref()
        .unwrap()
        .value
        .expose_secret()
        .to_owned()
}

async fn the_whole_chain(login: Login) {
    let vendor = FakeVendor::start(FakeVendorOptions {
        token_ttl: TOKEN_TTL,
        hold_streams: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let home = Home::new();
    let daemon = home.start_daemon().await;

    log_in(&home, &vendor, login).await;
    assert_eq!(stored_refresh_token(&home), "demo-refresh-1");
    let config = home.load();
    let (_, entry, _) = config.provider("work").unwrap();
    let first_expiry = entry.first_token_expiry().unwrap();

    // The probe passes: a short-lived access token with a refresh token is a login that
    // lasts, not one that expires soon.
    let probe = home.run(&["provider", "probe", "work"], "").await;
    probe.expect_code(0);
    assert!(probe.stdout.contains("ok"), "{}", probe.stdout);
    assert!(!probe.stderr.contains("expires"), "{}", probe.stderr);
    let models = home.run(&["model", "list", "--provider", "work"], "").await;
    models.expect_code(0);
    insta::assert_snapshot!("codex_model_list", models.stdout);

    // A long answer: the vendor holds the stream open after its first words.
    let mut chat = Streaming::spawn(home.netclaw(&[
        "chat",
        "-v",
        "-m",
        "work/gpt-demo",
        "tell me a long story",
    ]));
    let chat = within(
        "the first words of the answer",
        tokio::task::spawn_blocking(move || {
            chat.read_until("Hello ");
            chat
        }),
    )
    .await
    .unwrap();
    let VendorEvent::ChatStarted { bearer, .. } = vendor
        .wait_for(|e| matches!(e, VendorEvent::ChatStarted { .. }))
        .await
    else {
        unreachable!()
    };
    assert_eq!(
        bearer, "demo-access-1",
        "the chat started with the token from the login (it must not need a renewal yet)"
    );

    // While it streams, the daemon renews the token on its own…
    let refreshed = within(
        "the daemon's background refresh",
        vendor.wait_for(|e| matches!(e, VendorEvent::Refreshed { .. })),
    )
    .await;
    assert_eq!(
        refreshed,
        VendorEvent::Refreshed {
            presented: "demo-refresh-1".into(),
            access_token: "demo-access-2".into(),
            refresh_token: "demo-refresh-2".into(),
        }
    );
    within(
        "the daemon to log the refresh",
        daemon.wait_for_log("refreshed the OAuth token ahead of expiry"),
    )
    .await;
    assert!(
        !vendor
            .events()
            .iter()
            .any(|e| matches!(e, VendorEvent::ChatFinished { .. })),
        "the refresh happened while the stream was open"
    );
    // …and the rotated refresh token is on disk, encrypted, before the stream ends.
    assert_eq!(stored_refresh_token(&home), "demo-refresh-2");
    let config = home.load();
    let (_, entry, _) = config.provider("work").unwrap();
    assert!(entry.first_token_expiry().unwrap() > first_expiry);
    let raw = std::fs::read(home.paths().secrets_file()).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains("demo-refresh-2"));

    vendor.release_streams();
    let chat = tokio::task::spawn_blocking(move || chat.finish())
        .await
        .unwrap();
    chat.expect_code(0);
    assert_eq!(chat.stdout, format!("{}\n", answer("tell me a long story")));
    assert!(
        chat.stderr.contains("through the daemon"),
        "{}",
        chat.stderr
    );

    // The next chat already uses the renewed token.
    home.run(&["chat", "-m", "work/gpt-demo", "again"], "")
        .await
        .expect_code(0);
    let bearers: Vec<String> = vendor
        .events()
        .into_iter()
        .filter_map(|e| match e {
            VendorEvent::ChatStarted { bearer, .. } => Some(bearer),
            _ => None,
        })
        .collect();
    assert_eq!(bearers, ["demo-access-1", "demo-access-2"]);
    assert!(
        !vendor.events().iter().any(|e| matches!(
            e,
            VendorEvent::RefreshRefused { .. } | VendorEvent::Unauthorized { .. }
        )),
        "{:?}",
        vendor.events()
    );
    daemon.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn device_login_then_probe_models_chat_and_a_refresh_during_the_stream() {
    the_whole_chain(Login::DeviceCode).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_login_by_pasted_redirect_then_probe_models_chat_and_a_refresh_during_the_stream() {
    the_whole_chain(Login::BrowserPaste).await;
}
