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
    let env = EnvSnapshot::from_pairs([("NO_COLOR", "1")]);
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
