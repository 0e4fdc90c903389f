//! `netclaw provider` and `netclaw model` with no subcommand: an interactive manager on a
//! terminal (pick a provider → details, log in, probe, remove, set the main model).

use jiff::Timestamp;

use super::provider::list::rows;
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;
use crate::humanize::expiry_text;
use crate::options::{LoginChoice, LoginOptions, ModelSetOptions};
use crate::prompt::PromptError;

const PROVIDER_FLAGS: &str = "the subcommands: `netclaw provider list|add|login|logout|probe|rename|remove` (see `netclaw provider --help`)";
const MODEL_FLAGS: &str =
    "the subcommands: `netclaw model list|set|clear` (see `netclaw model --help`)";

fn ask<T>(result: Result<T, PromptError>, flags: &str) -> Result<T, CliError> {
    result.map_err(|e| e.into_cli(flags))
}

/// `netclaw provider`.
pub(crate) async fn providers(cx: &Context<'_>) -> Result<Exit, CliError> {
    if !cx.interactive() {
        return Err(PromptError::NotInteractive.into_cli(PROVIDER_FLAGS));
    }
    let home = Home::open(cx)?;
    loop {
        let config = home.store.load(&cx.env)?;
        let now = Timestamp::now();
        let list = rows(&home, &config, now);
        let mut items: Vec<String> = list
            .iter()
            .map(|r| {
                let health = r
                    .last_probe
                    .as_ref()
                    .map_or("not checked", |p| p.status.as_str());
                format!(
                    "{}  ({}, {}, {})",
                    r.name,
                    r.provider_type,
                    health,
                    expiry_text(r.token_expiry, now, r.needs_login())
                )
            })
            .collect();
        items.push("+ Add a provider".to_owned());
        let Some(i) = ask(cx.prompter().select("Providers", &items, 0), PROVIDER_FLAGS)? else {
            return Ok(Exit::Success);
        };
        if i == list.len() {
            super::init::run(cx).await?;
            continue;
        }
        let name = list[i].name.clone();
        let actions = [
            "Probe now",
            "Log in again",
            "Use one of its models as main",
            "Remove",
            "Back",
        ]
        .map(str::to_owned);
        let Some(action) = ask(
            cx.prompter().select(&format!("`{name}`"), &actions, 0),
            PROVIDER_FLAGS,
        )?
        else {
            continue;
        };
        let outcome = match action {
            0 => super::provider::probe::run(cx, Some(&name)).await,
            1 => {
                super::provider::login::login(
                    cx,
                    LoginOptions {
                        name: name.clone(),
                        account: None,
                        login: LoginChoice::default(),
                    },
                )
                .await
            }
            2 => choose_main(cx, &home, Some(&name)).await,
            3 => {
                if ask(
                    cx.prompter()
                        .confirm(&format!("Remove `{name}` from both files?"), false),
                    PROVIDER_FLAGS,
                )? {
                    super::provider::manage::remove(cx, &name)
                } else {
                    Ok(Exit::Success)
                }
            }
            _ => Ok(Exit::Success),
        };
        if let Err(error) = outcome {
            cx.printer.error(&error);
        }
    }
}

async fn choose_main(
    cx: &Context<'_>,
    home: &Home,
    provider: Option<&str>,
) -> Result<Exit, CliError> {
    let doc = home.store.read()?;
    let names = match provider {
        Some(name) => vec![name.to_owned()],
        None => doc.provider_names(),
    };
    let reports = super::provider::probe::probe_all(cx, home, &names).await?;
    let choices: Vec<(String, String)> = reports
        .iter()
        .flat_map(|(name, report)| {
            report
                .models
                .iter()
                .map(move |m| (name.clone(), m.id.clone()))
        })
        .collect();
    if choices.is_empty() {
        return Err(CliError::new("no models were discovered")
            .with_hint("check the providers with `netclaw provider probe --all`"));
    }
    let items: Vec<String> = choices.iter().map(|(p, m)| format!("{p}/{m}")).collect();
    let Some(i) = ask(cx.prompter().select("Main model", &items, 0), MODEL_FLAGS)? else {
        return Ok(Exit::Success);
    };
    super::model::roles::set(
        cx,
        &ModelSetOptions {
            role: netclaw_config::ModelRole::Main,
            model: items[i].clone(),
            context_window: None,
            // Picked from the provider's own listing.
            strict: false,
        },
    )
}

/// `netclaw model`.
pub(crate) async fn models(cx: &Context<'_>) -> Result<Exit, CliError> {
    if !cx.interactive() {
        return Err(PromptError::NotInteractive.into_cli(MODEL_FLAGS));
    }
    let home = Home::open(cx)?;
    choose_main(cx, &home, None).await
}
