//! `netclaw provider probe [name|--all]`: live and classified; exit 0 ok, 1 failed, 2 a token
//! expires soon.

use jiff::Timestamp;
use netclaw_providers::probe::{ProbeClass, ProbeReport};
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::humanize::{TokenState, relative, table, token_state};
use crate::spinner::Spinner;

/// One probe as `provider probe --json` shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProbeRow {
    pub(crate) provider: String,
    pub(crate) status: ProbeClass,
    pub(crate) message: Option<String>,
    pub(crate) latency_ms: u64,
    pub(crate) endpoint: Option<String>,
    pub(crate) models: Vec<String>,
    pub(crate) token_expiry: Option<Timestamp>,
    pub(crate) token_state: Option<TokenState>,
}

/// Probes `names` (configured names) through the providers runtime, which remembers each
/// result.
pub(crate) async fn probe_all(
    cx: &Context<'_>,
    home: &Home,
    names: &[String],
) -> Result<Vec<(String, ProbeReport)>, CliError> {
    let runtime = home.runtime(cx)?;
    let _spinner = Spinner::start(cx.printer, format!("Checking {}…", names.join(", ")));
    Ok(runtime.probe_all(names).await)
}

/// `provider probe`.
pub(crate) async fn run(cx: &Context<'_>, name: Option<&str>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let doc = home.store.read()?;
    let names = match name {
        Some(name) => vec![
            doc.resolve_provider_name(name)
                .ok_or_else(|| no_such_provider(name))?,
        ],
        None => doc.provider_names(),
    };
    if names.is_empty() {
        cx.printer.message("No providers configured.");
        cx.printer
            .message("Run `netclaw init` or `netclaw provider add <name> <type>` to add one.");
        return Ok(Exit::Success);
    }
    let reports = probe_all(cx, &home, &names).await?;
    // Probing may have refreshed tokens: read the expiry again.
    let config = home.store.load(&cx.env)?;
    let now = Timestamp::now();
    let rows: Vec<ProbeRow> = reports
        .into_iter()
        .map(|(name, report)| {
            let provider = config.provider(&name);
            // A probe sends the first account's credential: its login is the one checked.
            let first = provider.map(|(_, _, c)| c.first());
            let expiry = provider.and_then(|(_, e, c)| e.token_expiry(&c.first().name));
            let renewable = first.is_some_and(|a| a.oauth_refresh_token.is_some());
            let reauth = report.class == ProbeClass::ReauthRequired;
            ProbeRow {
                token_state: expiry.map(|at| token_state(at, now, reauth, renewable)),
                token_expiry: expiry,
                provider: name,
                status: report.class,
                message: report.message,
                latency_ms: u64::try_from(report.latency.as_millis()).unwrap_or(u64::MAX),
                endpoint: report.endpoint,
                models: report.models.into_iter().map(|m| m.id).collect(),
            }
        })
        .collect();
    let failed = rows.iter().any(|r| r.status != ProbeClass::Ok);
    let expiring = rows
        .iter()
        .any(|r| r.token_state == Some(TokenState::ExpiringSoon));
    if cx.json() {
        cx.printer.json(&rows);
    } else {
        let p = cx.printer;
        let lines: Vec<Vec<String>> = rows
            .iter()
            .map(|row| {
                if row.status == ProbeClass::Ok {
                    vec![
                        p.green("✔"),
                        row.provider.clone(),
                        "ok".to_owned(),
                        format!(
                            "{} ms, {} model{}",
                            row.latency_ms,
                            row.models.len(),
                            if row.models.len() == 1 { "" } else { "s" }
                        ),
                    ]
                } else {
                    vec![
                        p.red("✘"),
                        row.provider.clone(),
                        row.status.as_str().to_owned(),
                        row.message.clone().unwrap_or_default(),
                    ]
                }
            })
            .collect();
        for line in table(&lines) {
            p.data(line);
        }
        for row in &rows {
            if row.token_state == Some(TokenState::ExpiringSoon)
                && let Some(at) = row.token_expiry
            {
                p.warning(format!(
                    "the login of `{}` expires {} and has no refresh token to renew it; run `netclaw provider login {}`",
                    row.provider,
                    relative(at, now),
                    row.provider
                ));
            }
        }
    }
    Ok(if failed {
        Exit::Failure
    } else if expiring {
        Exit::Usage
    } else {
        Exit::Success
    })
}
