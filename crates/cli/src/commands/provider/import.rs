//! `netclaw provider import codex`: a login the Codex CLI made, copied into netclaw's secrets
//! (netclaw refreshes it from then on) or used read-only from Codex's file (never refreshed,
//! never written). `--account` stores it as an account of a provider (a new one, or one that
//! exists, whose other accounts stay untouched).

use netclaw_config::{
    AuthMethod, CodexAuth, CredentialWrite, OAuthOverrides, ProviderEntry, ProviderWrite,
    validate_provider_name,
};
use netclaw_oauth::TokenSet;

use super::add::{Obtained, describe_models, probe_with};
use crate::args::{ImportSource, ProviderImportArgs};
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;
use crate::probe_state;

/// `provider import`.
pub(crate) async fn run(cx: &Context<'_>, args: ProviderImportArgs) -> Result<Exit, CliError> {
    let ImportSource::Codex = args.source;
    let home = Home::open(cx)?;
    let name = args.name.trim();
    validate_provider_name(name)?;
    if let Some(account) = &args.account {
        netclaw_config::validate_account_name(account)?;
    }
    let doc = home.store.read()?;
    doc.settings()?;
    let existing = doc.resolve_provider_name(name);
    let existing_entry = match (&existing, &args.account) {
        (Some(existing), None) => {
            return Err(
                CliError::new(format!("a provider named `{existing}` already exists")).with_hint(
                    format!(
                        "add it as another account of `{existing}`: `netclaw provider import codex --name {existing} --account codex`, or pick another name: `--name {name}-2`"
                    ),
                ),
            );
        }
        (Some(existing), Some(account)) => {
            let entry = doc.provider(existing)?.expect("the name was just resolved");
            if !entry.is_type("openai") {
                return Err(CliError::new(format!(
                    "`{existing}` is a `{}` provider; a Codex login is an `openai` one",
                    entry.provider_type
                ))
                .with_hint(format!(
                    "import it under another name: `netclaw provider import codex --name codex --account {account}`"
                )));
            }
            Some(entry)
        }
        (None, _) => None,
    };
    let name = existing.as_deref().unwrap_or(name);
    let file = match args.from {
        Some(path) => path,
        None => super::super::gateway::codex_home(cx)?.join("auth.json"),
    };
    let auth = CodexAuth::read(&file).map_err(|e| {
        CliError::new(format!("cannot import the Codex login: {e}")).with_hint(
            "log in with Codex first (`codex login`), or point at its file with `--from PATH`",
        )
    })?;
    let mut entry = existing_entry
        .clone()
        .unwrap_or_else(|| ProviderEntry::new("openai"));
    if let Some(endpoint) = args.endpoint {
        entry.endpoint = Some(endpoint.trim_end_matches('/').to_owned());
    }
    if let Some(issuer) = args.issuer {
        entry.oauth = Some(OAuthOverrides {
            issuer: Some(issuer),
            ..OAuthOverrides::default()
        });
    }
    let obtained = match (&auth.tokens, &auth.api_key) {
        (Some(tokens), _) => {
            entry.auth_method = AuthMethod::OAuthDevice;
            Obtained::OAuth(TokenSet {
                access_token: tokens.access_token.clone(),
                refresh_token: tokens.refresh_token.clone(),
                id_token: tokens.id_token.clone(),
                expires_at: tokens.expires_at,
                account_id: tokens.account_id.clone(),
            })
        }
        (None, Some(key)) => {
            entry.auth_method = AuthMethod::ApiKey;
            Obtained::ApiKey(key.clone())
        }
        (None, None) => unreachable!("CodexAuth holds a login or a key"),
    };
    let read_only_file = args.read_only.then(|| {
        let absolute = std::path::absolute(&file).unwrap_or_else(|_| file.clone());
        absolute.display().to_string()
    });
    let report = if args.skip_probe {
        None
    } else {
        let http = crate::http::client()?;
        let checking = format!("Checking the imported login of `{name}`…");
        Some(probe_with(cx, &http, &home, name, &entry, &obtained, &checking).await)
    };
    if let Some(report) = report.as_ref().filter(|r| !r.is_ok()) {
        return Err(CliError::new(format!(
            "the imported login did not pass the check ({}); nothing was saved",
            report.class.as_str()
        ))
        .with_cause(report.message.clone().unwrap_or_default())
        .with_hint("log in with Codex again (`codex login`), or add `--skip-probe` to save it without the check"));
    }
    let credentials = match read_only_file {
        Some(path) => CredentialWrite::File(path),
        None => obtained.into_write(),
    };
    let write = ProviderWrite { entry, credentials };
    let account = args.account.as_deref();
    if existing_entry.is_some() {
        home.store.write_account(name, account, write)?;
    } else {
        home.store.update(|doc| {
            if let Some(taken) = doc.resolve_provider_name(name) {
                return Err(netclaw_config::ConfigError::ProviderExists { name: taken });
            }
            doc.write_account(name, account, write)
        })?;
    }
    if let Some(report) = &report {
        probe_state::record(&home.paths, name, report, jiff::Timestamp::now());
    }
    let p = cx.printer;
    let target = match account {
        Some(account) => format!("account `{name}/{account}`"),
        None => format!("provider `{name}`"),
    };
    p.success(format!(
        "Imported Codex's {} as {target}",
        if auth.tokens.is_some() {
            "ChatGPT login"
        } else {
            "API key"
        }
    ));
    if let Some(report) = &report {
        p.message(describe_models(report));
    }
    if auth.tokens.is_some() {
        p.message(if args.read_only {
            format!(
                "Read-only: netclaw reads `{}` on use and never refreshes it; when the login expires, use Codex once to renew it.",
                file.display()
            )
        } else {
            "Note: a refresh token works once. After netclaw's first refresh of this login, Codex's copy stops working: log in to Codex again then (or import with --read-only instead).".to_owned()
        });
    }
    Ok(Exit::Success)
}
