//! `cargo xtask update-openai-models`: the fixture reproduces the committed catalog, `--check`,
//! added/removed/changed reports, malformed input, `--endpoint` and the live login, on temp copies.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use netclaw_config::{
    ConfigStore, CredentialWrite, EnvSnapshot, ExposeSecret, OAuthOverrides, OAuthTokens, Paths,
    ProviderEntry, ProviderWrite,
};
use netclaw_oauth::ManualClock;
use netclaw_providers::descriptor::AuthMethod;
use netclaw_providers::models::BundledCatalog;
use netclaw_providers::probe::CODEX_CLIENT_VERSION;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};
use xtask::update_openai_models::{self as models, Status, UpdateArgs};

fn repo_file(rel: &str) -> PathBuf {
    xtask::workspace_root().join(rel)
}

fn fixture_path() -> PathBuf {
    repo_file("tests/fixtures/codex-models.json")
}

fn fixture() -> String {
    std::fs::read_to_string(fixture_path()).unwrap()
}

fn committed() -> String {
    std::fs::read_to_string(models::default_catalog_path()).unwrap()
}

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 7, 1)
}

/// A temp dir holding a copy of the committed catalog.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::copy(
            models::default_catalog_path(),
            dir.path().join("catalog.json"),
        )
        .unwrap();
        Self { dir }
    }

    fn catalog(&self) -> PathBuf {
        self.dir.path().join("catalog.json")
    }

    fn bytes(&self) -> Vec<u8> {
        std::fs::read(self.catalog()).unwrap()
    }

    /// Writes `text` as a response file in the temp dir.
    fn response(&self, text: &str) -> PathBuf {
        let file = self.dir.path().join("response.json");
        let mut handle = std::fs::File::create(&file).unwrap();
        std::io::Write::write_all(&mut handle, text.as_bytes()).unwrap();
        file
    }

    /// `text` with this temp dir's path shown as `[TMP]`.
    fn redact(&self, text: &str) -> String {
        text.replace(self.dir.path().to_str().unwrap(), "[TMP]")
    }
}

/// The fixture with its `models` array edited by `edit`.
fn edited_fixture(edit: impl FnOnce(&mut Vec<Value>)) -> String {
    let mut body: Value = serde_json::from_str(&fixture()).unwrap();
    edit(body["models"].as_array_mut().unwrap());
    serde_json::to_string_pretty(&body).unwrap()
}

fn entry<'a>(models: &'a mut [Value], slug: &str) -> &'a mut Value {
    models.iter_mut().find(|m| m["slug"] == slug).unwrap()
}

/// Runs `cargo xtask ARGS` in-process: exit code, stdout, stderr.
fn xtask(args: &[&str], env: &EnvSnapshot) -> (ExitCode, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let argv = std::iter::once("cargo xtask").chain(args.iter().copied());
    let code = xtask::cli::run(argv, env, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn update_args(out: &Path) -> UpdateArgs {
    UpdateArgs {
        from: None,
        endpoint: None,
        home: None,
        provider: None,
        out: out.to_path_buf(),
        check: false,
    }
}

#[test]
fn fixture_reproduces_the_committed_catalog() {
    let parsed = models::models_from_response(&fixture()).unwrap();
    assert_eq!(parsed, BundledCatalog::parse(&committed()).unwrap().models);

    let scratch = Scratch::new();
    let outcome = models::apply(&fixture(), "fixture", &scratch.catalog(), false, today()).unwrap();
    assert_eq!(outcome.status, Status::UpToDate);
    assert!(outcome.changes.is_empty());
    assert_eq!(scratch.bytes(), committed().into_bytes());
}

#[test]
fn fixture_rebuilds_a_deleted_catalog_with_the_same_models() {
    let scratch = Scratch::new();
    std::fs::remove_file(scratch.catalog()).unwrap();
    let outcome = models::apply(&fixture(), "fixture", &scratch.catalog(), false, today()).unwrap();
    assert_eq!(outcome.status, Status::Written);
    let rebuilt = BundledCatalog::parse(&std::fs::read_to_string(scratch.catalog()).unwrap());
    let rebuilt = rebuilt.unwrap();
    assert_eq!(rebuilt.updated, "2026-07-01");
    assert_eq!(rebuilt.source, "fixture");
    assert_eq!(
        rebuilt.models,
        BundledCatalog::parse(&committed()).unwrap().models
    );
    assert_eq!(outcome.changes.added.len(), rebuilt.models.len());
}

#[test]
fn check_passes_on_the_committed_catalog() {
    let fixture = fixture_path();
    let (code, out, err) = xtask(
        &[
            "update-openai-models",
            "--from",
            fixture.to_str().unwrap(),
            "--check",
        ],
        &EnvSnapshot::from_pairs::<_, &str, &str>([]),
    );
    assert_eq!(err, "");
    assert_eq!(code, ExitCode::SUCCESS);
    insta::assert_snapshot!(out, @"`crates/providers/data/openai-models.json` is up to date");
}

#[test]
fn check_fails_after_a_fixture_edit_and_writes_nothing() {
    let scratch = Scratch::new();
    let response = scratch.response(&edited_fixture(|models| {
        entry(models, "gpt-5.4")["context_window"] = json!(2_000_000);
    }));
    let (code, out, err) = xtask(
        &[
            "update-openai-models",
            "--from",
            response.to_str().unwrap(),
            "--out",
            scratch.catalog().to_str().unwrap(),
            "--check",
        ],
        &EnvSnapshot::from_pairs::<_, &str, &str>([]),
    );
    assert_eq!(err, "");
    assert_eq!(code, ExitCode::FAILURE);
    assert_eq!(scratch.bytes(), committed().into_bytes());
    insta::assert_snapshot!(scratch.redact(&out));
}

#[test]
fn update_reports_added_removed_and_changed_then_is_idempotent() {
    let scratch = Scratch::new();
    let response = scratch.response(&edited_fixture(|models| {
        // Changed: context window, input modalities, display name.
        entry(models, "gpt-5.5")["context_window"] = json!(2_000_000);
        entry(models, "gpt-5.4-mini")["input_modalities"] = json!(["text"]);
        entry(models, "gpt-5.3-codex")["display_name"] = json!("GPT-5.3 Codex");
        // Removed: hidden from the picker now.
        entry(models, "gpt-5.2")["visibility"] = json!("hide");
        // Added: a new visible model between existing ones.
        let mut added = entry(models, "gpt-5.4").clone();
        added["slug"] = json!("gpt-5.6");
        added["display_name"] = json!("GPT-5.6");
        added["priority"] = json!(0);
        added["input_modalities"] = json!(["text", "image", "audio"]);
        models.push(added);
    }));
    let catalog_path = scratch.catalog();
    let args = [
        "update-openai-models",
        "--from",
        response.to_str().unwrap(),
        "--out",
        catalog_path.to_str().unwrap(),
    ];
    let env = EnvSnapshot::from_pairs::<_, &str, &str>([]);
    let (code, out, err) = xtask(&args, &env);
    assert_eq!(err, "");
    assert_eq!(code, ExitCode::SUCCESS);
    insta::assert_snapshot!("update_report", scratch.redact(&out));

    let written = std::fs::read_to_string(scratch.catalog()).unwrap();
    let catalog = BundledCatalog::parse(&written).unwrap();
    assert_eq!(
        catalog.to_json().unwrap(),
        written,
        "written in canonical form"
    );
    assert_eq!(catalog.source, response.to_str().unwrap());
    let ids: Vec<_> = catalog.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "gpt-5.6",
            "gpt-5.5",
            "gpt-5.4",
            "gpt-5.4-mini",
            "gpt-5.3-codex",
            "gpt-5.3-codex-spark"
        ]
    );
    let models_only = serde_json::to_value(&catalog.models).unwrap();
    insta::assert_json_snapshot!("updated_models", models_only);

    let before = scratch.bytes();
    let (code, out, _) = xtask(&args, &env);
    assert_eq!(code, ExitCode::SUCCESS);
    assert_eq!(scratch.bytes(), before, "a second run changes nothing");
    insta::assert_snapshot!(scratch.redact(&out), @"`[TMP]/catalog.json` is up to date");
}

#[test]
fn a_new_priority_order_is_reported() {
    let scratch = Scratch::new();
    let response = edited_fixture(|models| {
        entry(models, "gpt-5.2")["priority"] = json!(0);
    });
    let outcome = models::apply(&response, "edited", &scratch.catalog(), true, today()).unwrap();
    assert_eq!(outcome.status, Status::WouldChange);
    assert_eq!(scratch.bytes(), committed().into_bytes());
    insta::assert_snapshot!(scratch.redact(&outcome.to_string()));
}

#[test]
fn malformed_input_is_a_clear_error_and_leaves_the_catalog_untouched() {
    let scratch = Scratch::new();
    let no_context = edited_fixture(|models| {
        let m = entry(models, "gpt-5.4");
        m.as_object_mut().unwrap().remove("context_window");
        entry(models, "gpt-5.2")["context_window"] = json!(0);
    });
    let no_modalities = edited_fixture(|models| {
        entry(models, "gpt-5.5")["input_modalities"] = json!([]);
    });
    let all_hidden = edited_fixture(|models| {
        for m in models.iter_mut() {
            m["visibility"] = json!("hide");
        }
    });
    let cases = [
        ("truncated", &fixture()[..200]),
        ("not an object with models", r#"{"data": []}"#),
        ("models not an array", r#"{"models": {"slug": "gpt-5.5"}}"#),
        ("no context window", no_context.as_str()),
        ("no input modalities", no_modalities.as_str()),
        ("nothing visible", all_hidden.as_str()),
    ];
    let mut report = String::new();
    for (name, text) in cases {
        for check in [false, true] {
            let err = models::apply(text, name, &scratch.catalog(), check, today()).unwrap_err();
            assert_eq!(scratch.bytes(), committed().as_bytes(), "{name}");
            if !check {
                let chain: Vec<_> = err.chain().map(ToString::to_string).collect();
                report.push_str(&format!("{name}: {}\n", chain.join(" / ")));
            }
        }
    }
    insta::assert_snapshot!(report);

    let response = scratch.response(r#"{"models": "#);
    let (code, out, err) = xtask(
        &[
            "update-openai-models",
            "--from",
            response.to_str().unwrap(),
            "--out",
            scratch.catalog().to_str().unwrap(),
        ],
        &EnvSnapshot::from_pairs::<_, &str, &str>([]),
    );
    assert_eq!(code, ExitCode::FAILURE);
    assert_eq!(out, "");
    assert_eq!(scratch.bytes(), committed().into_bytes());
    insta::assert_snapshot!(scratch.redact(&err), @r"
    error: `[TMP]/response.json` is not a usable Codex /models response
    caused by: the response is not JSON
    caused by: EOF while parsing a value at line 1 column 11
    ");
}

/// A Codex-shaped server on loopback answering `GET {base}/models?client_version=…`.
async fn codex_server(base: &str, body: String) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{base}/models")))
        .and(query_param("client_version", CODEX_CLIENT_VERSION))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn endpoint_reads_a_codex_shaped_server() {
    let server = codex_server("/backend-api/codex", fixture()).await;
    let scratch = Scratch::new();
    let mut args = update_args(&scratch.catalog());
    args.endpoint = Some(format!("{}/backend-api/codex/", server.uri()));
    let outcome = models::update(&args, EnvSnapshot::from_pairs::<_, &str, &str>([]))
        .await
        .unwrap();
    assert_eq!(outcome.status, Status::UpToDate);
    assert_eq!(scratch.bytes(), committed().into_bytes());
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(requests[0].headers["accept"], "application/json");
}

#[tokio::test]
async fn endpoint_through_the_command_line_writes_what_changed() {
    let body = edited_fixture(|models| {
        entry(models, "gpt-5.3-codex-spark")["input_modalities"] = json!(["text", "image"]);
    });
    let server = codex_server("", body).await;
    let scratch = Scratch::new();
    let catalog = scratch.catalog();
    let uri = server.uri();
    let (code, out, err) = tokio::task::spawn_blocking(move || {
        xtask(
            &[
                "update-openai-models",
                "--endpoint",
                &uri,
                "--out",
                catalog.to_str().unwrap(),
            ],
            &EnvSnapshot::from_pairs::<_, &str, &str>([]),
        )
    })
    .await
    .unwrap();
    assert_eq!(err, "");
    assert_eq!(code, ExitCode::SUCCESS);
    insta::assert_snapshot!(scratch.redact(&out), @r"
    `[TMP]/catalog.json` updated: 0 added, 0 removed, 1 changed
      ~ gpt-5.3-codex-spark: input text → text+image
    ");
    let written = BundledCatalog::parse(&String::from_utf8(scratch.bytes()).unwrap()).unwrap();
    assert_eq!(written.source, format!("{}/models", server.uri()));
}

#[tokio::test]
async fn endpoint_failure_leaves_the_catalog_untouched() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("upstream busy"))
        .mount(&server)
        .await;
    let scratch = Scratch::new();
    let mut args = update_args(&scratch.catalog());
    args.endpoint = Some(server.uri());
    let err = models::update(&args, EnvSnapshot::from_pairs::<_, &str, &str>([]))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string().replace(&server.uri(), "[SERVER]"),
        "`[SERVER]/models` answered HTTP 503 Service Unavailable"
    );
    assert_eq!(scratch.bytes(), committed().into_bytes());
}

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

/// A netclaw home with provider `chatgpt` (OpenAI through a device login) whose endpoint and
/// issuer are `server`, its access token expiring at `expiry`.
fn home_with_login(server: &MockServer, expiry: Timestamp) -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let mut entry = ProviderEntry::new("openai");
    entry.auth_method = AuthMethod::OAuthDevice;
    entry.endpoint = Some(format!("{}/backend-api/codex", server.uri()));
    entry.oauth = Some(OAuthOverrides {
        issuer: Some(server.uri()),
        ..OAuthOverrides::default()
    });
    let store = ConfigStore::new(paths.clone(), &EnvSnapshot::from_pairs::<_, &str, &str>([]));
    let mut key = ProviderEntry::new("anthropic");
    key.auth_method = AuthMethod::ApiKey;
    store
        .write_provider(
            "a-key-provider",
            ProviderWrite {
                entry: key,
                credentials: CredentialWrite::ApiKey("sk-ant-test".into()),
            },
        )
        .unwrap();
    store
        .write_provider(
            "chatgpt",
            ProviderWrite {
                entry,
                credentials: CredentialWrite::OAuth(OAuthTokens {
                    access_token: "access-0".into(),
                    refresh_token: Some("refresh-0".into()),
                    id_token: None,
                    account_id: Some("acct-1".into()),
                    expires_at: Some(expiry),
                }),
            },
        )
        .unwrap();
    (dir, paths)
}

async fn live(paths: &Paths) -> models::Fetched {
    models::live(
        Some(paths.home()),
        None,
        EnvSnapshot::from_pairs::<_, &str, &str>([]),
        Arc::new(ManualClock::new(now())),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn live_sends_the_stored_login_like_the_probe() {
    let server = codex_server("/backend-api/codex", fixture()).await;
    let (_dir, paths) = home_with_login(&server, now() + SignedDuration::from_hours(1));
    let fetched = live(&paths).await;
    assert_eq!(
        fetched.url,
        format!("{}/backend-api/codex/models", server.uri())
    );
    let scratch = Scratch::new();
    let outcome = models::apply(
        &fetched.text,
        &fetched.url,
        &scratch.catalog(),
        true,
        today(),
    )
    .unwrap();
    assert_eq!(outcome.status, Status::UpToDate);

    let request = &server.received_requests().await.unwrap()[0];
    let headers: Vec<_> = ["authorization", "chatgpt-account-id", "accept"]
        .iter()
        .map(|h| format!("{h}: {}", request.headers[*h].to_str().unwrap()))
        .collect();
    insta::assert_snapshot!(headers.join("\n"), @r"
    authorization: Bearer access-0
    chatgpt-account-id: acct-1
    accept: application/json
    ");
    assert_eq!(
        request.url.query(),
        Some(format!("client_version={CODEX_CLIENT_VERSION}").as_str())
    );
}

#[tokio::test]
async fn live_refreshes_an_expiring_login_first_and_saves_the_rotated_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_json(json!({
            "client_id": "app_EMoamEEZ73f0CkXaXp7hrann",
            "grant_type": "refresh_token",
            "refresh_token": "refresh-0",
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "access-1",
            "refresh_token": "refresh-1",
            "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/backend-api/codex/models"))
        .and(header("authorization", "Bearer access-1"))
        .and(header("chatgpt-account-id", "acct-1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(fixture(), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    // Expires within the refresh margin: netclaw refreshes before using it.
    let (_dir, paths) = home_with_login(&server, now() + SignedDuration::from_secs(30));
    let fetched = live(&paths).await;
    assert!(fetched.text.contains("gpt-5.5"));

    let mut doc = ConfigStore::new(paths, &EnvSnapshot::from_pairs::<_, &str, &str>([]))
        .read()
        .unwrap();
    let secrets = doc.provider_secrets("chatgpt").unwrap().unwrap();
    let refresh = secrets
        .account("default")
        .unwrap()
        .oauth_refresh_token
        .as_ref()
        .unwrap();
    assert_eq!(refresh.expose_secret(), "refresh-1");
}

#[test]
fn live_without_a_chatgpt_login_names_the_command_that_adds_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = ConfigStore::new(
        Paths::at(dir.path()),
        &EnvSnapshot::from_pairs::<_, &str, &str>([]),
    );
    let mut key = ProviderEntry::new("openai");
    key.auth_method = AuthMethod::ApiKey;
    store
        .write_provider(
            "platform",
            ProviderWrite {
                entry: key,
                credentials: CredentialWrite::ApiKey("sk-test".into()),
            },
        )
        .unwrap();
    let scratch = Scratch::new();
    let (code, out, err) = xtask(
        &[
            "update-openai-models",
            "--home",
            dir.path().to_str().unwrap(),
            "--out",
            scratch.catalog().to_str().unwrap(),
        ],
        &EnvSnapshot::from_pairs::<_, &str, &str>([]),
    );
    assert_eq!(code, ExitCode::FAILURE);
    assert_eq!(out, "");
    assert_eq!(scratch.bytes(), committed().into_bytes());
    insta::assert_snapshot!(err.replace(dir.path().to_str().unwrap(), "[HOME]"), @r"
    error: no OpenAI provider with a ChatGPT login is configured in `[HOME]`
    hint: run `netclaw provider add openai openai --auth device`, or pass `--from FILE` or `--endpoint URL`
    ");

    let (code, _, err) = xtask(
        &[
            "update-openai-models",
            "--home",
            dir.path().to_str().unwrap(),
            "--provider",
            "platform",
        ],
        &EnvSnapshot::from_pairs::<_, &str, &str>([]),
    );
    assert_eq!(code, ExitCode::FAILURE);
    insta::assert_snapshot!(err, @r"
    error: provider `platform` is not OpenAI signed in with ChatGPT (type `openai`, auth `ApiKey`)
    hint: name an OpenAI provider added with `--auth device` or `--auth browser`
    ");
}

#[test]
fn help_lists_the_tasks() {
    let (code, out, _) = xtask(&["--help"], &EnvSnapshot::from_pairs::<_, &str, &str>([]));
    assert_eq!(code, ExitCode::SUCCESS);
    insta::assert_snapshot!(out);
}

#[test]
fn normalization_orders_by_priority_and_fills_only_safe_defaults() {
    let response = json!({"models": [
        {"slug": "ranked-late", "priority": 5, "context_window": 1000,
         "input_modalities": ["text"], "display_name": "Ranked late"},
        {"id": "unranked", "context_window": "2000", "input_modalities": ["TEXT", "Image"]},
        {"slug": "ranked-first", "priority": 1, "context_window": 3000,
         "input_modalities": ["text"], "output_modalities": ["text", "audio"]},
        {"slug": "ranked-late", "priority": 9, "context_window": 9999,
         "input_modalities": ["text"], "display_name": "Duplicate"},
        {"slug": "retired", "visibility": "None", "priority": 0},
        {"slug": "internal", "visibility": "HIDE", "priority": 0}
    ]});
    let models = models::models_from_response(&response.to_string()).unwrap();
    insta::assert_json_snapshot!(models, @r#"
    [
      {
        "id": "ranked-first",
        "displayName": "ranked-first",
        "contextWindow": 3000,
        "inputModalities": [
          "text"
        ],
        "outputModalities": [
          "text",
          "audio"
        ],
        "supportsTools": true
      },
      {
        "id": "ranked-late",
        "displayName": "Ranked late",
        "contextWindow": 1000,
        "inputModalities": [
          "text"
        ],
        "outputModalities": [
          "text"
        ],
        "supportsTools": true
      },
      {
        "id": "unranked",
        "displayName": "unranked",
        "contextWindow": 2000,
        "inputModalities": [
          "text",
          "image"
        ],
        "outputModalities": [
          "text"
        ],
        "supportsTools": true
      }
    ]
    "#);
}

#[test]
fn a_live_source_option_with_a_file_is_refused() {
    let fixture = fixture_path();
    let (code, out, err) = xtask(
        &[
            "update-openai-models",
            "--from",
            fixture.to_str().unwrap(),
            "--provider",
            "chatgpt",
        ],
        &EnvSnapshot::from_pairs::<_, &str, &str>([]),
    );
    assert_eq!(code, ExitCode::from(2));
    assert_eq!(out, "");
    assert!(err.contains("cannot be used with"), "{err}");
}
