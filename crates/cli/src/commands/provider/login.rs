//! `netclaw provider login <name>` (re-authenticate in place, keeping name, endpoint and model
//! roles; with `--account`, or as `<name>/<account>`, one account of it, a new name adding an
//! account) and `provider logout <name>` (revoke where supported, delete stored credentials).
//! A login is stored for its account alone: no other account's tokens are read, revoked or
//! written.

use jiff::Timestamp;
use netclaw_config::{AuthMethod, CredentialWrite, ProviderWrite, SecretField};
use netclaw_oauth::{RevokeOutcome, TokenSet};

use super::add::{Obtained, Wanted, choose_auth, describe_models, obtain, probe_with};
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::login;
use crate::options::LoginOptions;
use crate::probe_state;

/// `provider login`.
pub(crate) async fn login(cx: &Context<'_>, options: LoginOptions) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let mut doc = home.store.read()?;
    let (wanted_name, named_account) = netclaw_config::ProviderAccount::split(&options.name);
    let name = doc
        .resolve_provider_name(wanted_name)
        .ok_or_else(|| no_such_provider(wanted_name))?;
    let account = account_to_log_in(
        &mut doc,
        &name,
        options.account.as_deref().or(named_account),
    )?;
    // `provider` for the default account, `provider/account` for another: what hints name.
    let key = netclaw_config::ProviderAccount::new(&name, &account).key();
    let mut entry = doc
        .provider(&name)?
        .ok_or_else(|| no_such_provider(&name))?;
    let descriptor = home.descriptor(&entry.provider_type)?;
    let mut choice = options.login.clone();
    if choice.auth.is_none() && !choice.api_key_stdin {
        let current = entry.auth_method;
        let usable = current != AuthMethod::None || descriptor.credential_optional();
        choice.auth = Some(if usable && descriptor.supports(current) {
            current
        } else {
            descriptor.default_auth_method()
        });
    }
    let method = choose_auth(descriptor, &choice, &name)?;
    entry.auth_method = method;
    entry.oauth = choice.oauth.over(entry.oauth.take());
    if method == AuthMethod::OAuthPkce
        && let Some(daemon) = crate::commands::daemon::running(&home).await
    {
        // The daemon listens for the callback and stores the tokens; save the settings first
        // (auth method and OAuth overrides) so it logs in with them.
        home.store.write_account(
            &name,
            Some(&account),
            ProviderWrite {
                entry,
                credentials: CredentialWrite::Keep,
            },
        )?;
        let expiry = login::daemon_flow::login(
            cx,
            &daemon,
            &name,
            &name,
            Some(&account),
            descriptor.display_name,
            choice.no_browser,
        )
        .await?;
        let until = expiry
            .map(|at| format!("; the token is valid until {at}"))
            .unwrap_or_default();
        cx.printer
            .success(format!("`{key}` is logged in (through the daemon){until}"));
        return Ok(Exit::Success);
    }
    let http = crate::http::client()?;
    let retry = format!("netclaw provider login {key}");
    let wanted = Wanted {
        name: &name,
        descriptor,
        entry: &entry,
        method,
        choice: &choice,
        retry: &retry,
    };
    let credential = obtain(cx, &http, &wanted).await?;
    let checking = format!("Checking `{name}`…");
    let report = probe_with(cx, &http, &home, &name, &entry, &credential, &checking).await;
    if !report.is_ok() {
        return Err(CliError::new(format!(
            "`{key}` did not pass the check with the new credential ({}); the old one is kept",
            report.class.as_str()
        ))
        .with_cause(report.message.clone().unwrap_or_default())
        .with_hint(format!("fix the cause and run `{retry}` again")));
    }
    let identity = credential.identity();
    let credentials = match credential {
        Obtained::None => CredentialWrite::Keep,
        other => other.into_write(),
    };
    home.store
        .write_account(&name, Some(&account), ProviderWrite { entry, credentials })?;
    probe_state::record(&home.paths, &name, &report, Timestamp::now());
    cx.printer.success(format!(
        "`{key}` is logged in ({})",
        descriptor.label(method).unwrap_or(method.as_str())
    ));
    if let Some(identity) = identity {
        cx.printer.message(format!("Logged in as {identity}"));
    }
    cx.printer.message(describe_models(&report));
    Ok(Exit::Success)
}

/// The account a login of provider `name` is for: the one asked for (a new name adds an
/// account), else the provider's only account, else its default one; a provider with several
/// and no default must be told which.
fn account_to_log_in(
    doc: &mut netclaw_config::ConfigDocument,
    name: &str,
    asked: Option<&str>,
) -> Result<String, CliError> {
    if let Some(account) = asked {
        netclaw_config::validate_account_name(account)?;
    }
    Ok(doc.account_to_write(name, asked)?)
}

/// `provider logout`: one account's login (`work/personal`), or the provider's only or
/// default account's.
pub(crate) async fn logout(cx: &Context<'_>, name: &str) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let mut doc = home.store.read()?;
    let (wanted, named_account) = netclaw_config::ProviderAccount::split(name);
    let provider = doc
        .resolve_provider_name(wanted)
        .ok_or_else(|| no_such_provider(wanted))?;
    let account = account_to_log_in(&mut doc, &provider, named_account)?;
    let key = netclaw_config::ProviderAccount::new(&provider, &account).key();
    let entry = doc
        .provider(&provider)?
        .ok_or_else(|| no_such_provider(&provider))?;
    let stored = doc
        .provider_secrets(&provider)?
        .and_then(|s| s.account(&account))
        .map(|s| {
            (
                s.oauth_access_token.clone(),
                s.oauth_refresh_token.clone(),
                s.api_key.is_some(),
            )
        });
    let Some((access, refresh, _)) = stored.filter(|(a, r, k)| a.is_some() || r.is_some() || *k)
    else {
        cx.printer
            .message(format!("`{key}` has no stored credentials."));
        return Ok(Exit::Success);
    };
    if let (Some(access_token), Ok(descriptor)) = (access, home.descriptor(&entry.provider_type)) {
        let tokens = TokenSet {
            access_token,
            refresh_token: refresh,
            id_token: None,
            expires_at: None,
            account_id: None,
        };
        let overrides = netclaw_providers::descriptor::OAuthOverrides::of(&entry);
        let http = crate::http::client()?;
        match login::oauth_client(&http, &provider, descriptor, &overrides).await {
            Ok(client) => match client.revoke(&tokens).await {
                Ok(RevokeOutcome::Revoked) => {
                    cx.printer.message("Revoked the tokens at the provider.")
                }
                Ok(RevokeOutcome::NotSupported) => {}
                Err(e) => cx.printer.warning(format!(
                    "could not revoke the tokens: {e}; deleting them anyway"
                )),
            },
            Err(e) => cx.printer.warning(format!(
                "could not revoke the tokens: {}; deleting them anyway",
                e.message()
            )),
        }
    }
    home.store.update(|doc| {
        let prefix =
            if netclaw_config::ProviderName::same(&account, netclaw_config::DEFAULT_ACCOUNT) {
                format!("Providers.{provider}")
            } else {
                format!("Providers.{provider}.Accounts.{account}")
            };
        for field in SecretField::ALL {
            doc.remove_secret(&format!("{prefix}.{field}"))?;
        }
        doc.edit_provider(&provider, |e| {
            let plain = e.account_mut(&account);
            plain.oauth_token_expiry = None;
            plain.credential_file = None;
        })?;
        Ok::<_, netclaw_config::ConfigError>(())
    })?;
    cx.printer.success(format!(
        "Logged out of `{key}`; log in again with `netclaw provider login {key}`"
    ));
    Ok(Exit::Success)
}
