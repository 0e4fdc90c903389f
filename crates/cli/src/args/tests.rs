//! Tests of the clap tree: it is well-formed and parses into the right tasks.

use clap::{CommandFactory, Parser};

use super::Cli;
use crate::options::Task;

#[test]
fn the_command_tree_is_well_formed() {
    Cli::command().debug_assert();
}

fn task_of(args: &[&str]) -> Task {
    let cli = Cli::try_parse_from(std::iter::once("netclaw").chain(args.iter().copied()))
        .expect("arguments parse");
    cli.into_options().1
}

#[test]
fn provider_add_keeps_every_flag() {
    let Task::ProviderAdd(add) = task_of(&[
        "provider",
        "add",
        "work",
        "openai",
        "--auth",
        "browser",
        "--no-browser",
        "--issuer",
        "http://127.0.0.1:9/",
        "--client-id",
        "app",
        "--skip-probe",
    ]) else {
        panic!("not provider add");
    };
    assert_eq!(add.name, "work");
    assert_eq!(add.provider_type, "openai");
    assert_eq!(add.login.auth, Some(netclaw_config::AuthMethod::OAuthPkce));
    assert!(add.login.no_browser && add.skip_probe && !add.login.api_key_stdin);
    assert_eq!(
        add.login.oauth.issuer.as_deref(),
        Some("http://127.0.0.1:9/")
    );
    assert_eq!(add.login.oauth.client_id.as_deref(), Some("app"));
}

#[test]
fn there_is_no_flag_that_takes_a_key_as_an_argument() {
    let err = Cli::try_parse_from([
        "netclaw",
        "provider",
        "add",
        "a",
        "openai",
        "--api-key",
        "sk",
    ])
    .expect_err("--api-key must not exist");
    assert_eq!(err.kind(), clap::error::ErrorKind::UnknownArgument);
}

#[test]
fn chat_joins_the_words_of_the_prompt() {
    let Task::Chat(chat) = task_of(&["chat", "-m", "a/b", "review", "this"]) else {
        panic!("not chat");
    };
    assert_eq!(chat.prompt.as_deref(), Some("review this"));
    assert_eq!(chat.model.as_deref(), Some("a/b"));
}

#[test]
fn globals_work_after_the_subcommand() {
    let cli = Cli::try_parse_from([
        "netclaw", "provider", "list", "--json", "--home", "/x", "-q",
    ])
    .unwrap();
    let (globals, task) = cli.into_options();
    assert!(globals.json && globals.quiet);
    assert_eq!(globals.home.as_deref(), Some(std::path::Path::new("/x")));
    assert!(matches!(task, Task::ProviderList));
}

#[test]
fn no_subcommand_opens_the_managers() {
    assert!(matches!(task_of(&["provider"]), Task::ProviderManager));
    assert!(matches!(task_of(&["model"]), Task::ModelManager));
}
