//! `netclaw init`, run in-process with a scripted prompter: from an empty home to a working
//! provider and main model, going back a step and retrying a refused key on the way.

use netclaw_cli::{Answer, Input, Io, ScriptedPrompter, SystemBrowser, Terminal};
use netclaw_config::EnvSnapshot;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::KEY;
use crate::vendors::API_VENDORS;

/// Runs `netclaw args…` in this process; returns the exit code, stderr and the transcript.
async fn run_in_process(
    home: &std::path::Path,
    args: &[&str],
    answers: Vec<Answer>,
) -> (u8, String, String, ScriptedPrompter) {
    run_with_env(home, args, answers, &[]).await
}

/// [`run_in_process`] with `env` added to the environment netclaw sees.
async fn run_with_env(
    home: &std::path::Path,
    args: &[&str],
    answers: Vec<Answer>,
    env: &[(&str, &str)],
) -> (u8, String, String, ScriptedPrompter) {
    let prompter = ScriptedPrompter::new(answers);
    let (terminal, captured) = Terminal::captured();
    let io = Io {
        terminal,
        input: Input::empty(),
        prompter: Box::new(prompter.clone()),
        browser: Box::new(SystemBrowser),
    };
    let mut argv = vec![
        "netclaw".to_owned(),
        "--home".to_owned(),
        home.display().to_string(),
    ];
    argv.extend(args.iter().map(|s| (*s).to_owned()));
    let env = EnvSnapshot::from_pairs([("NO_COLOR", "1")].iter().chain(env).copied());
    let code = tokio::task::spawn_blocking(move || netclaw_cli::run(argv, env, io))
        .await
        .unwrap();
    let code = format!("{code:?}");
    let code: u8 = code
        .trim_start_matches("ExitCode(unix_exit_status(")
        .trim_end_matches("))")
        .parse()
        .unwrap();
    (code, captured.stdout(), captured.stderr(), prompter)
}

#[tokio::test(flavor = "multi_thread")]
async fn init_goes_from_an_empty_home_to_a_working_provider_and_main_model() {
    let server = MockServer::start().await;
    API_VENDORS[1].mount_healthy(&server).await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_json(json!({"error": {"message": "invalid x-api-key"}})),
        )
        .mount(&server)
        .await;
    let home = tempfile::tempdir().unwrap();
    let answers = vec![
        Answer::Pick("OpenAI".into()),
        Answer::Back,
        Answer::Pick("Anthropic".into()),
        Answer::Input(server.uri()),
        Answer::Password("sk-wrong".into()),
        Answer::Pick("Try again".into()),
        Answer::Password(KEY.into()),
        Answer::Pick("claude-opus-4-5".into()),
        Answer::Confirm(false),
    ];
    let (code, stdout, stderr, prompter) = run_in_process(home.path(), &["init"], answers).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(prompter.remaining(), 0);
    assert!(!stdout.contains(KEY) && !stderr.contains(KEY));
    insta::assert_snapshot!(
        "init_transcript",
        prompter
            .transcript()
            .join("\n")
            .replace(&server.uri(), "[server]")
    );
    insta::assert_snapshot!(
        "init_stderr",
        stderr
            .replace(&server.uri(), "[server]")
            .replace(&home.path().display().to_string(), "[home]")
    );

    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.path().join("config/netclaw.json")).unwrap())
            .unwrap();
    assert_eq!(config["Providers"]["anthropic"]["Type"], "anthropic");
    assert_eq!(config["Models"]["Main"]["Provider"], "anthropic");
    assert_eq!(config["Models"]["Main"]["ModelId"], "claude-opus-4-5");

    // The credential works: a live probe with what init stored passes.
    let (code, stdout, stderr, _) =
        run_in_process(home.path(), &["provider", "probe", "--json"], vec![]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("\"status\": \"ok\""), "{stdout}");

    // Running init again offers to add another provider instead of starting over.
    let (code, _, stderr, prompter) =
        run_in_process(home.path(), &["init"], vec![Answer::Confirm(false)]).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(prompter.transcript(), ["? Add another provider? -> no"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn esc_at_a_text_prompt_goes_back_and_an_endpoint_needs_its_scheme() {
    let server = MockServer::start().await;
    API_VENDORS[1].mount_healthy(&server).await;
    let home = tempfile::tempdir().unwrap();
    let answers = vec![
        Answer::Pick("Anthropic".into()),
        // Esc at the endpoint: Anthropic has one way to sign in, so back to the providers.
        Answer::Back,
        Answer::Pick("Anthropic".into()),
        Answer::Input(server.uri().trim_start_matches("http://").to_owned()),
        Answer::Input(server.uri()),
        // Esc at the key: back to the endpoint.
        Answer::Back,
        Answer::Input(server.uri()),
        Answer::Password(KEY.into()),
        Answer::Pick("claude-opus-4-5".into()),
        Answer::Confirm(false),
    ];
    let (code, _, stderr, prompter) = run_in_process(home.path(), &["init"], answers).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(prompter.remaining(), 0);
    let address = server.uri().trim_start_matches("http://").to_owned();
    assert!(
        stderr.contains(&format!(
            "`{address}` is not an absolute http(s) URL; write it with its scheme, e.g. `http://{address}`"
        )),
        "{stderr}"
    );
    insta::assert_snapshot!(
        prompter
            .transcript()
            .join("\n")
            .replace(&address, "[server]")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn init_logs_in_to_another_openai_issuer_from_the_advanced_step_or_the_environment() {
    let server = MockServer::start().await;
    crate::oauth::mount_device(&server).await;
    crate::oauth::mount_tokens_and_codex(&server).await;
    let endpoint = format!("{}/backend-api/codex", server.uri());
    let login = |issuer_answers: Vec<Answer>| {
        let mut answers = vec![
            Answer::Pick("OpenAI".into()),
            Answer::Pick("device code".into()),
            Answer::Input(endpoint.clone()),
        ];
        answers.extend(issuer_answers);
        answers.extend([Answer::Pick("gpt-5.5".into()), Answer::Confirm(false)]);
        answers
    };

    // The advanced step: another issuer, the vendor's client id kept.
    let home = tempfile::tempdir().unwrap();
    let answers = login(vec![
        Answer::Pick("Another OAuth server".into()),
        Answer::Input(server.uri()),
        Answer::Input(String::new()),
    ]);
    let (code, _, stderr, prompter) = run_in_process(home.path(), &["init"], answers).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(prompter.remaining(), 0);
    let config: serde_json::Value =
        serde_json::from_slice(&std::fs::read(home.path().join("config/netclaw.json")).unwrap())
            .unwrap();
    assert_eq!(
        config["Providers"]["openai"]["OAuth"],
        json!({"Issuer": server.uri()})
    );
    insta::assert_snapshot!(
        prompter
            .transcript()
            .join("\n")
            .replace(&server.uri(), "[server]")
    );

    // `NETCLAW_Providers__openai__OAuth__Issuer` is the default the wizard offers and logs in to.
    let home = tempfile::tempdir().unwrap();
    let env = [("NETCLAW_Providers__openai__OAuth__Issuer", server.uri())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answers = login(vec![Answer::Pick("(default)".into())]);
    let (code, _, stderr, prompter) = run_with_env(home.path(), &["init"], answers, &env).await;
    assert_eq!(code, 0, "{stderr}");
    let transcript = prompter.transcript().join("\n");
    assert!(
        transcript.contains(&format!("? OAuth server [{} (default)", server.uri())),
        "{transcript}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn init_states_copilots_terms_and_goes_back_when_they_are_declined() {
    let home = tempfile::tempdir().unwrap();
    let answers = vec![
        Answer::Pick("GitHub Copilot".into()),
        Answer::Pick("device".into()),
        Answer::Input(String::new()),
        Answer::Pick("(default)".into()),
        Answer::Confirm(false),
        Answer::Back,
    ];
    let (code, _, stderr, prompter) = run_in_process(home.path(), &["init"], answers).await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(prompter.remaining(), 0);
    assert!(
        stderr.contains("Copilot is meant for its supported clients"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!home.path().join("config/netclaw.json").exists());
}
