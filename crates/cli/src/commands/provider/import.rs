//! `netclaw provider import codex`: a login the Codex CLI made, copied into netclaw's secrets
//! (netclaw refreshes it from then on) or used read-only from Codex's file (never refreshed,
//! never written).

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
    let doc = home.store.read()?;
    doc.settings()?;
    if let Some(existing) = doc.resolve_provider_name(name) {
        return Err(
            CliError::new(format!("a provider named `{existing}` already exists")).with_hint(
                format!("pick another name: `netclaw provider import codex --name {name}-2`"),
            ),
        );
    }
    let file = match args.from {
        Some(path) => path,
        None => super::super::gateway::codex_home(cx)?.join("auth.json"),
    };
    let auth = CodexAuth::read(&file).map_err(|e| {
        CliError::new(format!("cannot import the Codex login: {e}")).with_hint(
            "log in with Codex first (`codex login`), or point at its file with `--from PATH`",
        )
    })?;
    let mut entry = ProviderEntry::new("openai");
    entry.endpoint = args.endpoint.map(|e| e.trim_end_matches('/').to_owned());
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
    if args.read_only {
        let absolute = std::path::absolute(&file).unwrap_or_else(|_| file.clone());
        entry.credential_file = Some(absolute.display().to_string());
    }
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
    let credentials = if args.read_only {
        CredentialWrite::Keep
    } else {
        obtained.into_write()
    };
    home.store
        .add_provider(name, ProviderWrite { entry, credentials })?;
    if let Some(report) = &report {
        probe_state::record(&home.paths, name, report, jiff::Timestamp::now());
    }
    let p = cx.printer;
    p.success(format!(
        "Imported Codex's {} as provider `{name}`",
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
