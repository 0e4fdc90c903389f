//! `netclaw provider import codex`: Codex's login copied into netclaw, or used read-only from
//! Codex's own file (never a request to the token endpoint), and a broken file refused with
//! nothing written.

use base64::Engine as _;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::Netclaw;

const CODEX_SSE: &str = include_str!("codex_text.sse");

/// An access token that is a JWT expiring at `exp` (unix seconds), as Codex's are.
fn access_token(exp: i64, tag: &str) -> String {
    let claims = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(json!({"exp": exp, "tag": tag}).to_string());
    format!("eyJhbGciOiJub25lIn0.{claims}.sig")
}

/// Codex's `auth.json` holding a login with `access`.
fn write_auth(dir: &std::path::Path, access: &str) -> std::path::PathBuf {
    let file = dir.join("auth.json");
    let auth = json!({"OPENAI_API_KEY": null,
        "tokens": {"id_token": "id.jwt.x", "access_token": access,
                   "refresh_token": "codex-refresh-1", "account_id": "acct-codex"},
        "last_refresh": "2026-12-01T00:00:00Z"});
    netclaw_config::fs::write_atomic(&file, auth.to_string().as_bytes()).unwrap();
    file
}

/// A Codex backend that lists a model and answers chats for `access` only.
async fn backend_for(server: &MockServer, access: &str) {
    let bearer = format!("Bearer {access}");
    Mock::given(method("GET"))
        .and(path("/backend-api/codex/models"))
        .and(header("authorization", bearer.as_str()))
        .and(header("chatgpt-account-id", "acct-codex"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            {"slug": "gpt-5.5", "display_name": "GPT-5.5", "visibility": "list", "context_window": 272000, "input_modalities": ["text"]}
        ]})))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/backend-api/codex/responses"))
        .and(header("authorization", bearer.as_str()))
        .and(header("chatgpt-account-id", "acct-codex"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CODEX_SSE, "text/event-stream"))
        .mount(server)
        .await;
}

fn import_args(server: &MockServer, file: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "provider",
        "import",
        "codex",
        "--from",
        &file.display().to_string(),
        "--endpoint",
        &format!("{}/backend-api/codex", server.uri()),
        "--issuer",
        &server.uri(),
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    args
}

async fn token_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/oauth/token")
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_imported_login_chats_and_says_codexs_copy_stops_at_the_first_refresh() {
    let server = MockServer::start().await;
    let access = access_token(4_102_444_800, "a");
    backend_for(&server, &access).await;
    let codex = tempfile::tempdir().unwrap();
    let file = write_auth(codex.path(), &access);
    let before = std::fs::read(&file).unwrap();
    let netclaw = Netclaw::new();
    let args = import_args(&server, &file, &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let import = netclaw.run(&args, "").await;
    import.expect_code(0);
    assert!(
        import.stderr.contains("Codex's copy stops working"),
        "{}",
        import.stderr
    );
    let chat = netclaw
        .run(&["chat", "-m", "codex/gpt-5.5", "hi"], "")
        .await;
    chat.expect_code(0);
    assert_eq!(chat.stdout, "Hello, wörld ✓\n");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "Codex's file is never written"
    );
    let config = netclaw.config_json();
    assert_eq!(
        config["Providers"]["codex"]["Accounts"]["default"]["OAuthTokenExpiry"],
        "2100-01-01T00:00:00+00:00"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_read_only_import_never_refreshes_and_follows_codexs_renewals() {
    let server = MockServer::start().await;
    let expired = access_token(1_700_000_000, "old");
    let renewed = access_token(4_102_444_800, "new");
    backend_for(&server, &expired).await;
    backend_for(&server, &renewed).await;
    let codex = tempfile::tempdir().unwrap();
    let file = write_auth(codex.path(), &renewed);
    let netclaw = Netclaw::new();
    let args = import_args(&server, &file, &["--read-only"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let import = netclaw.run(&args, "").await;
    import.expect_code(0);
    assert!(import.stderr.contains("Read-only"), "{}", import.stderr);
    assert!(
        !netclaw.home().join("config/secrets.json.age").exists(),
        "nothing of the login is copied"
    );
    let chat = netclaw
        .run(&["chat", "-m", "codex/gpt-5.5", "hi"], "")
        .await;
    chat.expect_code(0);

    // Codex's login expires: netclaw says what to do and does not refresh it.
    write_auth(codex.path(), &expired);
    let stale = netclaw
        .run(&["chat", "-m", "codex/gpt-5.5", "hi"], "")
        .await;
    stale.expect_code(1);
    assert!(stale.stderr.contains("codex login"), "{}", stale.stderr);

    // Codex renews it: netclaw follows.
    write_auth(codex.path(), &renewed);
    let again = netclaw
        .run(&["chat", "-m", "codex/gpt-5.5", "hi"], "")
        .await;
    again.expect_code(0);
    assert_eq!(token_requests(&server).await, 0, "no refresh, ever");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_login_file_is_a_clear_error_and_nothing_is_written() {
    let server = MockServer::start().await;
    let codex = tempfile::tempdir().unwrap();
    let file = codex.path().join("auth.json");
    netclaw_config::fs::write_atomic(&file, b"{\"tokens\": {\"refresh_token\": \"r\"}}").unwrap();
    let netclaw = Netclaw::new();
    let args = import_args(&server, &file, &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let import = netclaw.run(&args, "").await;
    import.expect_code(1);
    assert!(
        import
            .stderr
            .contains("is not a Codex login file: `tokens` has no `access_token`"),
        "{}",
        import.stderr
    );
    assert!(import.stderr.contains("hint: log in with Codex first"));
    assert!(!netclaw.config_file().exists());

    let missing = codex.path().join("nowhere/auth.json");
    let args = import_args(&server, &missing, &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let import = netclaw.run(&args, "").await;
    import.expect_code(1);
    assert!(
        import.stderr.contains("there is no Codex login at"),
        "{}",
        import.stderr
    );
    assert!(!netclaw.config_file().exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_imported_with_account_joins_an_existing_provider_beside_its_login() {
    let server = MockServer::start().await;
    let first = access_token(4_102_444_800, "first");
    let second = access_token(4_102_444_800, "second");
    backend_for(&server, &first).await;
    backend_for(&server, &second).await;
    let one = tempfile::tempdir().unwrap();
    let two = tempfile::tempdir().unwrap();
    let first_file = write_auth(one.path(), &first);
    let second_file = write_auth(two.path(), &second);
    let netclaw = Netclaw::new();
    let run = |file: &std::path::Path, extra: &[&str]| {
        let args = import_args(&server, file, extra);
        let netclaw = &netclaw;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            netclaw.run(&args, "").await
        }
    };
    run(&first_file, &["--name", "work"]).await.expect_code(0);
    let secrets_before = std::fs::read(netclaw.home().join("config/secrets.json.age")).unwrap();

    let refused = run(&second_file, &["--name", "work"]).await;
    refused.expect_code(1);
    assert!(refused.stderr.contains("--account"), "{}", refused.stderr);

    let joined = run(
        &second_file,
        &["--name", "work", "--account", "laptop", "--read-only"],
    )
    .await;
    joined.expect_code(0);
    assert!(
        joined.stderr.contains("as account `work/laptop`"),
        "{}",
        joined.stderr
    );
    assert_eq!(
        std::fs::read(netclaw.home().join("config/secrets.json.age")).unwrap(),
        secrets_before,
        "a read-only account stores nothing, and the first login's secrets stay as they were"
    );
    let list = netclaw
        .run(&["account", "list", "work", "--json"], "")
        .await;
    let accounts = list.json();
    assert_eq!(accounts[0]["name"], "default");
    assert_eq!(accounts[0]["credentialSource"], "secrets");
    assert_eq!(accounts[1]["name"], "laptop");
    assert!(
        accounts[1]["credentialSource"]
            .as_str()
            .unwrap()
            .starts_with("file:"),
        "{accounts}"
    );
    netclaw
        .run(&["chat", "-m", "work/gpt-5.5", "hi"], "")
        .await
        .expect_code(0);
}
