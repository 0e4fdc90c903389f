//! `netclaw account list|rename|remove|order`: the accounts of a provider (several logins of
//! one provider, each with its own credential, limits and cooldown).

use jiff::Timestamp;
use netclaw_config::{AccountOrder, AuthMethod, Config, ConfigError, ProviderAccount};
use netclaw_providers::resilience::Cooldown;
use serde::Serialize;

use crate::context::Context;
use crate::cooldowns::{CooldownView, Cooldowns, describe};
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::humanize::{TokenState, expiry_text, table, token_state};

/// One account as `account list --json` (and `provider list --json`'s `accounts`) shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AccountRow {
    pub(crate) provider: String,
    pub(crate) name: String,
    /// `provider` for the default account, else `provider/account`: what other commands take.
    #[serde(skip)]
    pub(crate) key: String,
    /// `secrets`, `env:NAME`, `file:PATH`, or `null` when there is none.
    pub(crate) credential_source: Option<String>,
    /// Who the login belongs to (`tester@example.test (plus)`), when its id_token says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) identity: Option<String>,
    pub(crate) token_expiry: Option<Timestamp>,
    /// `valid`, `expiring_soon`, `expired`, `relogin_needed`, or `null` without a token.
    pub(crate) token_state: Option<TokenState>,
    /// Chats skip the account for now (absent when they do not).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cooldown: Option<CooldownView>,
    #[serde(skip)]
    pub(crate) cooldown_detail: Option<Cooldown>,
}

impl AccountRow {
    /// True when the user must log in again.
    pub(crate) fn needs_login(&self) -> bool {
        self.token_state == Some(TokenState::ReloginNeeded)
    }
}

/// Provider `name`'s accounts in order; `reauth` (the last probe's verdict) is its first
/// account's, the one probes use.
pub(crate) fn account_rows(
    config: &Config,
    name: &str,
    auth: AuthMethod,
    reauth: bool,
    cooldowns: &Cooldowns,
    now: Timestamp,
) -> Vec<AccountRow> {
    let Some((name, entry, credentials)) = config.provider(name) else {
        return Vec::new();
    };
    credentials
        .accounts
        .iter()
        .enumerate()
        .map(|(at, account)| {
            let reauth = reauth && at == 0;
            let key = ProviderAccount::new(name, &account.name).key();
            let credential = if auth.is_oauth() {
                account.oauth_access_token.as_ref()
            } else {
                account
                    .api_key
                    .as_ref()
                    .or(account.oauth_access_token.as_ref())
            };
            let token_expiry = entry.token_expiry(&account.name);
            let renewable = account.oauth_refresh_token.is_some();
            let cooldown = cooldowns.of(&config.settings, &key, now);
            AccountRow {
                provider: name.to_owned(),
                name: account.name.clone(),
                credential_source: credential.map(|c| c.source.to_string()),
                identity: account
                    .oauth_id_token
                    .as_ref()
                    .and_then(|t| netclaw_providers::credentials::login_identity(&t.value)),
                token_expiry,
                token_state: token_expiry
                    .map(|at| token_state(at, now, reauth, renewable))
                    .or(reauth.then_some(TokenState::ReloginNeeded)),
                cooldown: cooldown.as_ref().map(CooldownView::from),
                cooldown_detail: cooldown,
                key,
            }
        })
        .collect()
}

/// `account list [provider]`.
pub(crate) fn list(cx: &Context<'_>, provider: Option<&str>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let config = home.store.load(&cx.env)?;
    if let Some(name) = provider
        && config.provider(name).is_none()
    {
        return Err(no_such_provider(name));
    }
    let now = Timestamp::now();
    let rows: Vec<AccountRow> = super::provider::list::rows(&home, &config, now)
        .into_iter()
        .filter(|row| provider.is_none_or(|p| netclaw_config::ProviderName::same(p, &row.name)))
        .flat_map(|row| row.accounts)
        .collect();
    if cx.json() {
        cx.printer.json(&rows);
        return Ok(Exit::Success);
    }
    let p = cx.printer;
    let mut lines = vec![
        ["ACCOUNT", "CREDENTIAL", "LOGIN", "TOKEN", "CHATS"]
            .map(|h| p.bold(h))
            .to_vec(),
    ];
    for row in &rows {
        lines.push(vec![
            format!("{}/{}", row.provider, row.name),
            row.credential_source
                .clone()
                .unwrap_or_else(|| "-".to_owned()),
            row.identity.clone().unwrap_or_else(|| "-".to_owned()),
            match row.token_state {
                None => "-".to_owned(),
                Some(_) => expiry_text(row.token_expiry, now, row.needs_login()),
            },
            row.cooldown_detail
                .as_ref()
                .map_or_else(|| "ready".to_owned(), |c| p.yellow(describe(c, now))),
        ]);
    }
    for line in table(&lines) {
        p.data(line);
    }
    for (name, entry) in &config.settings.providers {
        let several = rows.iter().filter(|r| &r.provider == name).count() > 1;
        if several {
            p.message(format!(
                "`{name}` tries its accounts {} (`netclaw account order {name} <order>` changes it)",
                describe_order(entry.account_order)
            ));
        }
    }
    Ok(Exit::Success)
}

fn describe_order(order: AccountOrder) -> &'static str {
    match order {
        AccountOrder::FirstAvailable => "in the order listed (first-available)",
        AccountOrder::RoundRobin => "in turn, a new conversation at the next (round-robin)",
        AccountOrder::LeastUsed => "least used first (least-used)",
    }
}

/// `provider/account` as given on the command line.
fn parse_account(reference: &str) -> Result<ProviderAccount, CliError> {
    match ProviderAccount::split(reference) {
        (provider, Some(account)) if !provider.is_empty() => {
            Ok(ProviderAccount::new(provider, account))
        }
        _ => Err(
            CliError::usage(format!("`{reference}` does not name an account"))
                .with_hint("name it as `provider/account`; `netclaw account list` shows them"),
        ),
    }
}

/// `account rename provider/account new`.
pub(crate) fn rename(cx: &Context<'_>, reference: &str, new: &str) -> Result<Exit, CliError> {
    let account = parse_account(reference)?;
    let home = Home::open(cx)?;
    home.store.update(|doc| doc.rename_account(&account, new))?;
    cx.printer.success(format!(
        "Renamed `{account}` to `{}/{new}`",
        account.provider
    ));
    Ok(Exit::Success)
}

/// `account remove provider/account`: refused for a provider's last account, which
/// `provider remove` or `provider logout` is for.
pub(crate) fn remove(cx: &Context<'_>, reference: &str) -> Result<Exit, CliError> {
    let account = parse_account(reference)?;
    let home = Home::open(cx)?;
    home.store.update(|doc| -> Result<(), CliError> {
        let provider = doc
            .resolve_provider_name(&account.provider)
            .ok_or_else(|| no_such_provider(&account.provider))?;
        let names = doc.account_names(&provider)?;
        let is_last = names.len() == 1
            && netclaw_config::ProviderName::same(&names[0], &account.account);
        if is_last {
            return Err(CliError::new(format!(
                "`{account}` is the only account of `{provider}`"
            ))
            .with_hint(format!(
                "delete its login with `netclaw provider logout {provider}`, or the provider with `netclaw provider remove {provider}`"
            )));
        }
        doc.remove_account(&account)?;
        Ok(())
    })?;
    cx.printer.success(format!(
        "Removed `{account}`; the other accounts of `{}` are untouched",
        account.provider
    ));
    Ok(Exit::Success)
}

/// `account order provider order`.
pub(crate) fn order(cx: &Context<'_>, provider: &str, order: &str) -> Result<Exit, CliError> {
    let order = AccountOrder::parse(order).ok_or_else(|| {
        CliError::usage(format!("`{order}` is not an account order"))
            .with_hint("use `first-available`, `round-robin` or `least-used`")
    })?;
    let home = Home::open(cx)?;
    home.store
        .update(|doc| -> Result<(), ConfigError> { doc.set_account_order(provider, order) })?;
    cx.printer.success(format!(
        "`{provider}` now tries its accounts {}",
        describe_order(order)
    ));
    Ok(Exit::Success)
}
