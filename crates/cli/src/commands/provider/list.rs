//! `netclaw provider list`: name, type, auth, credential source, token expiry, last probe,
//! cooldown.
//!
//! Reads the two files, `state/probes.json` and `state/cooldowns.json`; makes no network call
//! and starts nothing.

use jiff::Timestamp;
use netclaw_config::{AuthMethod, Config};
use serde::Serialize;

use crate::commands::account::{AccountRow, account_rows};
use crate::context::Context;
use crate::cooldowns::{CooldownView, Cooldowns, describe};
use crate::error::{CliError, Exit};
use crate::home::Home;
use crate::humanize::{TokenState, expiry_text, relative, table};
use crate::probe_state::{self, LastProbe};

/// One provider as `provider list --json` shows it: its first account's credential, and every
/// account in `accounts`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProviderRow {
    pub(crate) name: String,
    #[serde(rename = "type")]
    pub(crate) provider_type: String,
    pub(crate) auth_method: AuthMethod,
    pub(crate) endpoint: Option<String>,
    /// `secrets`, `env:NAME`, or `null` when there is none.
    pub(crate) credential_source: Option<String>,
    /// Who the login belongs to (`tester@example.test (plus)`), when its id_token says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) identity: Option<String>,
    pub(crate) token_expiry: Option<Timestamp>,
    /// `valid`, `expiring_soon`, `expired`, `relogin_needed`, or `null` without a token.
    pub(crate) token_state: Option<TokenState>,
    pub(crate) last_probe: Option<LastProbe>,
    /// Chats skip the provider for now (absent when they do not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cooldown: Option<CooldownView>,
    /// Every account, in the order they are listed.
    pub(crate) accounts: Vec<AccountRow>,
}

impl ProviderRow {
    /// True when the user must log in again.
    pub(crate) fn needs_login(&self) -> bool {
        self.token_state == Some(TokenState::ReloginNeeded)
    }
}

/// Every configured provider, sorted by name ignoring case.
pub(crate) fn rows(home: &Home, config: &Config, now: Timestamp) -> Vec<ProviderRow> {
    let probes = probe_state::load(&home.paths);
    let cooldowns = Cooldowns::load(&home.paths, &config.settings);
    let mut rows: Vec<ProviderRow> = config
        .settings
        .providers
        .iter()
        .filter_map(|(name, entry)| {
            let (_, _, credentials) = config.provider(name)?;
            let descriptor = home.registry.try_get(&entry.provider_type);
            let has_key = credentials.accounts.iter().any(|a| a.api_key.is_some());
            let auth = descriptor.map_or(entry.auth_method, |d| {
                d.effective_auth_method(entry.auth_method, has_key)
            });
            let endpoint = match descriptor {
                Some(d) => d.effective_endpoint(entry.endpoint.as_deref(), auth),
                None => entry.endpoint.clone(),
            };
            let last_probe = probes.get(name).cloned();
            let reauth = last_probe
                .as_ref()
                .is_some_and(|p| p.status == netclaw_providers::probe::ProbeClass::ReauthRequired);
            let accounts = account_rows(config, name, auth, reauth, &cooldowns, now);
            let first = accounts.first().cloned()?;
            Some(ProviderRow {
                name: name.clone(),
                provider_type: entry.provider_type.clone(),
                auth_method: auth,
                endpoint,
                credential_source: first.credential_source,
                identity: first.identity,
                token_expiry: first.token_expiry,
                token_state: first.token_state,
                last_probe,
                cooldown: first.cooldown,
                accounts,
            })
        })
        .collect();
    rows.sort_by_key(|r| r.name.to_lowercase());
    rows
}

/// `provider list`.
pub(crate) fn run(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let config = home.store.load(&cx.env)?;
    let now = Timestamp::now();
    let rows = rows(&home, &config, now);
    if cx.json() {
        cx.printer.json(&rows);
        return Ok(Exit::Success);
    }
    if rows.is_empty() {
        cx.printer.message("No providers configured.");
        cx.printer.message(format!(
            "Run {} or {} to add one.",
            cx.printer.cyan("`netclaw init`"),
            cx.printer.cyan("`netclaw provider add <name> <type>`")
        ));
        return Ok(Exit::Success);
    }
    let p = cx.printer;
    let mut table_rows = vec![
        ["NAME", "TYPE", "AUTH", "CREDENTIAL", "TOKEN", "LAST PROBE"]
            .map(|h| p.bold(h))
            .to_vec(),
    ];
    for row in &rows {
        let token = match row.token_state {
            None => "-".to_owned(),
            Some(state) => {
                let text = expiry_text(row.token_expiry, now, row.needs_login());
                match state {
                    TokenState::Valid => text,
                    TokenState::ExpiringSoon => p.yellow(text),
                    TokenState::Expired | TokenState::ReloginNeeded => p.red(text),
                }
            }
        };
        let probe = match &row.last_probe {
            None => p.dim("never"),
            Some(probe) if probe.status == netclaw_providers::probe::ProbeClass::Ok => {
                format!("{} {}", p.green("ok"), p.dim(relative(probe.at, now)))
            }
            Some(probe) => format!(
                "{} {}",
                p.red(probe.status.as_str()),
                p.dim(relative(probe.at, now))
            ),
        };
        table_rows.push(vec![
            row.name.clone(),
            row.provider_type.clone(),
            row.auth_method.to_string(),
            match (&row.credential_source, &row.identity) {
                (Some(source), Some(identity)) => format!("{source} {}", p.dim(identity)),
                (Some(source), None) => source.clone(),
                (None, _) => "-".to_owned(),
            },
            token,
            probe,
        ]);
    }
    for line in table(&table_rows) {
        p.data(line);
    }
    for account in rows.iter().flat_map(|r| &r.accounts) {
        if let Some(cooldown) = &account.cooldown_detail {
            p.warning(format!(
                "chats skip `{}` for now: {}",
                account.key,
                describe(cooldown, now)
            ));
        }
    }
    let needs_login = rows
        .iter()
        .flat_map(|r| &r.accounts)
        .filter(|a| a.needs_login());
    for account in needs_login {
        p.warning(format!(
            "`{}` needs a new login: run `netclaw provider login {}`",
            account.key, account.key
        ));
    }
    let several: Vec<String> = rows
        .iter()
        .filter(|r| r.accounts.len() > 1)
        .map(|r| format!("`{}` ({} accounts)", r.name, r.accounts.len()))
        .collect();
    if !several.is_empty() {
        p.message(format!(
            "{} {}: see `netclaw account list`",
            several.join(", "),
            if several.len() == 1 {
                "has several accounts"
            } else {
                "have several accounts"
            }
        ));
    }
    for warning in &config.warnings {
        p.warning(warning);
    }
    Ok(Exit::Success)
}
