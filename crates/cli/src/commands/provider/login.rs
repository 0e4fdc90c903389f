//! `netclaw provider login <name>` (re-authenticate in place, keeping name, endpoint and model
//! roles) and `provider logout <name>` (revoke where supported, delete stored credentials).

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
    let doc = home.store.read()?;
    let name = doc
        .resolve_provider_name(&options.name)
        .ok_or_else(|| no_such_provider(&options.name))?;
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
    // A login of netclaw's own replaces one read from another program's file.
    entry.credential_file = None;
    entry.oauth = choice.oauth.over(entry.oauth.take());
    if method == AuthMethod::OAuthPkce
        && let Some(daemon) = crate::commands::daemon::running(&home).await
    {
        // The daemon listens for the callback and stores the tokens; save the settings first
        // (auth method and OAuth overrides) so it logs in with them.
        home.store.write_provider(
            &name,
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
            descriptor.display_name,
            choice.no_browser,
        )
        .await?;
        let until = expiry
            .map(|at| format!("; the token is valid until {at}"))
            .unwrap_or_default();
        cx.printer
            .success(format!("`{name}` is logged in (through the daemon){until}"));
        return Ok(Exit::Success);
    }
    let http = crate::http::client()?;
    let retry = format!("netclaw provider login {name}");
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
            "`{name}` did not pass the check with the new credential ({}); the old one is kept",
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
        .write_provider(&name, ProviderWrite { entry, credentials })?;
    probe_state::record(&home.paths, &name, &report, Timestamp::now());
    cx.printer.success(format!(
        "`{name}` is logged in ({})",
        descriptor.label(method).unwrap_or(method.as_str())
    ));
    if let Some(identity) = identity {
        cx.printer.message(format!("Logged in as {identity}"));
    }
    cx.printer.message(describe_models(&report));
    Ok(Exit::Success)
}

/// `provider logout`.
pub(crate) async fn logout(cx: &Context<'_>, name: &str) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let mut doc = home.store.read()?;
    let key = doc
        .resolve_provider_name(name)
        .ok_or_else(|| no_such_provider(name))?;
    let entry = doc.provider(&key)?.ok_or_else(|| no_such_provider(&key))?;
    let stored = doc.provider_secrets(&key)?.map(|s| {
        (
            s.oauth_access_token.clone(),
            s.oauth_refresh_token.clone(),
            s.api_key.is_some(),
        )
    });
    let Some((access, refresh, has_key)) =
        stored.filter(|(a, r, k)| a.is_some() || r.is_some() || *k)
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
        match login::oauth_client(&http, &key, descriptor, &overrides).await {
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
        for field in SecretField::ALL {
            if field != SecretField::ApiKey || has_key {
                doc.remove_secret(&format!("Providers.{key}.{field}"))?;
            }
        }
        doc.edit_provider(&key, |e| e.oauth_token_expiry = None)?;
        Ok::<_, netclaw_config::ConfigError>(())
    })?;
    cx.printer.success(format!(
        "Logged out of `{key}`; log in again with `netclaw provider login {key}`"
    ));
    Ok(Exit::Success)
}
