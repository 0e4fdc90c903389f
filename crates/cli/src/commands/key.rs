//! `netclaw key create|list|revoke`: gateway keys for the tools people point at the daemon's
//! `/v1` gateway. A key is printed once, when it is created; only its hash is stored.

use jiff::{SignedDuration, Timestamp};
use netclaw_config::{GatewayKeys, load_keys_used};
use secrecy::ExposeSecret;
use serde::Serialize;

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;
use crate::humanize::{relative, table};

/// `30d`, `12h`, `90m` or `2w` as a duration.
fn duration(text: &str) -> Result<SignedDuration, CliError> {
    let bad = || {
        CliError::usage(format!("`{text}` is not a duration")).with_hint(
            "write a number and a unit: `30d` (days), `12h` (hours), `90m` (minutes), `2w` (weeks)",
        )
    };
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number.parse().map_err(|_| bad())?;
    let hours = match unit {
        "m" => return Ok(SignedDuration::from_mins(n)),
        "h" => n,
        "d" => n * 24,
        "w" => n * 24 * 7,
        _ => return Err(bad()),
    };
    if n <= 0 {
        return Err(bad());
    }
    Ok(SignedDuration::from_hours(hours))
}

/// `key create`.
pub(crate) async fn create(
    cx: &Context<'_>,
    name: &str,
    models: Vec<String>,
    expires: Option<&str>,
) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    if GatewayKeys::load(&home.paths)?
        .keys
        .iter()
        .any(|k| k.name == name)
    {
        return Err(
            CliError::usage(format!("a gateway key named `{name}` already exists")).with_hint(
                format!("pick another name, or revoke it first with `netclaw key revoke {name}`"),
            ),
        );
    }
    for model in &models {
        if !model.contains('/') {
            return Err(
                CliError::usage(format!("`{model}` is not `<provider>/<model>`")).with_hint(
                    "name models as the gateway does, e.g. `--models work/gpt-5.5,local/*`",
                ),
            );
        }
    }
    let now = Timestamp::now();
    let expires = expires
        .map(duration)
        .transpose()?
        .map(|d| now.checked_add(d).unwrap_or(Timestamp::MAX));
    let gateway = crate::commands::gateway::gateway_base(&home, cx).await;
    let key = GatewayKeys::create(&home.paths, name, models, expires, now)?;
    // The one time the key exists outside the tool that will use it; alone on stdout, so
    // `KEY=$(netclaw key create editor)` keeps it.
    cx.printer.data(key.expose_secret());
    cx.printer.success(format!(
        "Created gateway key `{name}`; it is shown only now, and it keeps working across daemon restarts until `netclaw key revoke {name}`"
    ));
    cx.printer.message(format!(
        "Give it to a tool as its API key: OpenAI clients with OPENAI_BASE_URL={gateway}/v1, Anthropic clients (Claude Code) with ANTHROPIC_BASE_URL={gateway} and ANTHROPIC_AUTH_TOKEN"
    ));
    Ok(Exit::Success)
}

/// One key as `key list --json` shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyRow {
    name: String,
    starts: String,
    created: Timestamp,
    last_used: Option<Timestamp>,
    models: Vec<String>,
    expires: Option<Timestamp>,
    expired: bool,
}

/// `key list`.
pub(crate) fn list(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let keys = GatewayKeys::load(&home.paths)?;
    let used = load_keys_used(&home.paths);
    let now = Timestamp::now();
    let rows: Vec<KeyRow> = keys
        .keys
        .into_iter()
        .map(|k| KeyRow {
            last_used: used.get(&k.name).copied(),
            expired: k.expired(now),
            name: k.name,
            starts: k.shown,
            created: k.created,
            models: k.models,
            expires: k.expires,
        })
        .collect();
    if cx.json() {
        cx.printer.json(&rows);
        return Ok(Exit::Success);
    }
    if rows.is_empty() {
        cx.printer
            .message("No gateway keys. Create one with `netclaw key create <name>`.");
        return Ok(Exit::Success);
    }
    let p = cx.printer;
    let mut lines = vec![
        ["NAME", "KEY", "CREATED", "LAST USED", "MODELS", "EXPIRES"]
            .map(|h| p.bold(h))
            .to_vec(),
    ];
    for row in &rows {
        lines.push(vec![
            row.name.clone(),
            row.starts.clone(),
            relative(row.created, now),
            row.last_used
                .map_or_else(|| "never".to_owned(), |at| relative(at, now)),
            if row.models.is_empty() {
                "all".to_owned()
            } else {
                row.models.join(",")
            },
            match (row.expires, row.expired) {
                (None, _) => "never".to_owned(),
                (Some(at), true) => format!("expired {}", relative(at, now)),
                (Some(at), false) => relative(at, now),
            },
        ]);
    }
    for line in table(&lines) {
        p.data(line);
    }
    Ok(Exit::Success)
}

/// `key revoke`.
pub(crate) fn revoke(cx: &Context<'_>, name: &str) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    if !GatewayKeys::revoke(&home.paths, name)? {
        return Err(CliError::new(format!("no gateway key named `{name}`"))
            .with_hint("`netclaw key list` shows the keys"));
    }
    cx.printer.success(format!(
        "Revoked gateway key `{name}`; a running daemon refuses it within a second"
    ));
    Ok(Exit::Success)
}
