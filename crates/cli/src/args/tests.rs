//! Tests of the clap tree: it is well-formed and parses into the right tasks.

use clap::{CommandFactory, Parser};

use super::{Cli, command_with_environment};
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

/// Every command, by its full name, with the text after its options.
fn pages(command: &clap::Command, prefix: &str, out: &mut Vec<(String, String)>) {
    let name = format!("{prefix}{}", command.get_name());
    let after = command
        .get_after_long_help()
        .or_else(|| command.get_after_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    out.push((name.clone(), after));
    for sub in command.get_subcommands() {
        pages(sub, &format!("{name} "), out);
    }
}

#[test]
fn every_help_page_has_examples_of_its_own_command() {
    let mut all = Vec::new();
    pages(&Cli::command(), "", &mut all);
    let missing: Vec<&str> = all
        .iter()
        .filter(|(name, after)| !after.contains("Examples:") || !after.contains(name.as_str()))
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(missing.is_empty(), "no examples of themselves: {missing:?}");
}

#[test]
fn the_long_help_lists_every_documented_environment_variable() {
    let help = command_with_environment().render_long_help().to_string();
    for (name, _) in netclaw_config::EnvVars::DOCUMENTED {
        assert!(help.contains(name), "`{name}` missing from:\n{help}");
    }
    let short = command_with_environment().render_help().to_string();
    assert!(short.contains("`netclaw --help` also lists the environment variables"));
}

#[test]
fn global_options_are_listed_apart_from_a_commands_own() {
    let mut command = command_with_environment();
    command.build();
    let add = command
        .find_subcommand_mut("provider")
        .and_then(|p| p.find_subcommand_mut("add"))
        .unwrap();
    let help = add.render_long_help().to_string();
    let (own, global) = help.split_once("Global options:").unwrap();
    assert!(
        own.contains("--endpoint") && !own.contains("--home"),
        "{help}"
    );
    assert!(
        global.contains("--home") && global.contains("--json"),
        "{help}"
    );
}
