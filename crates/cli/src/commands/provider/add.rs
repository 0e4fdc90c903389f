//! `netclaw provider add`: choose the auth, get the credential, probe live, and only then write.

use jiff::Timestamp;
use netclaw_config::{
    AuthMethod, CredentialWrite, ProviderEntry, ProviderWrite, validate_provider_name,
};
use netclaw_oauth::TokenSet;
use netclaw_providers::bearer::Bearer;
use netclaw_providers::credentials::oauth_tokens;
use netclaw_providers::descriptor::ProviderDescriptor;
use netclaw_providers::probe::{ProbeOptions, ProbeReport, ProbeTarget, probe};
use secrecy::{ExposeSecret, SecretString};

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;
use crate::humanize::tokens;
use crate::login;
use crate::options::{AddOptions, LoginChoice};
use crate::probe_state;
use crate::spinner::Spinner;

/// A credential obtained for a provider, not yet written anywhere.
pub(crate) enum Obtained {
    None,
    ApiKey(SecretString),
    /// A key from a conventional variable (`GH_TOKEN`, `OPENAI_API_KEY`): used, never stored,
    /// so the environment stays its source.
    FromEnv(SecretString),
    OAuth(TokenSet),
}

impl Obtained {
    pub(crate) fn bearer(&self) -> Option<Bearer> {
        match self {
            Self::None => None,
            Self::ApiKey(key) | Self::FromEnv(key) => Some(Bearer {
                token: key.clone(),
                account_id: None,
            }),
            Self::OAuth(tokens) => Some(Bearer {
                token: tokens.access_token.clone(),
                account_id: tokens.resolved_account_id(),
            }),
        }
    }

    pub(crate) fn expiry(&self) -> Option<Timestamp> {
        match self {
            Self::OAuth(tokens) => tokens.expires_at,
            _ => None,
        }
    }

    /// Who the login belongs to (`tester@example.test (plus)`), when its id_token says.
    pub(crate) fn identity(&self) -> Option<String> {
        match self {
            Self::OAuth(tokens) => tokens
                .id_token
                .as_ref()
                .and_then(netclaw_providers::credentials::login_identity),
            _ => None,
        }
    }

    pub(crate) fn into_write(self) -> CredentialWrite {
        match self {
            Self::None | Self::FromEnv(_) => CredentialWrite::Keep,
            Self::ApiKey(key) => CredentialWrite::ApiKey(key),
            Self::OAuth(tokens) => CredentialWrite::OAuth(oauth_tokens(tokens)),
        }
    }
}

/// The auth method to use: `--auth`, else an API key when one is piped, else device code for
/// `openai` (it works over SSH and in containers, where a browser callback cannot arrive),
/// else the type's first method.
pub(crate) fn choose_auth(
    descriptor: &ProviderDescriptor,
    login: &LoginChoice,
    name: &str,
) -> Result<AuthMethod, CliError> {
    let method = match login.auth {
        Some(method) => method,
        None if login.api_key_stdin => AuthMethod::ApiKey,
        None => descriptor.default_auth_method(),
    };
    if !descriptor.supports(method)
        && method.is_oauth()
        && let Some(terms) = descriptor.subscription_terms
    {
        let key_at = descriptor
            .key_guidance_url
            .map(|url| format!("get a key at {url}, then "))
            .unwrap_or_default();
        return Err(CliError::usage(format!(
            "{} offers no `--auth {}`: {terms}",
            descriptor.display_name,
            auth_flag(method)
        ))
        .with_hint(format!(
            "{key_at}`printf %s \"$KEY\" | netclaw provider add {name} {} --api-key-stdin`",
            descriptor.type_key
        )));
    }
    if !descriptor.supports(method) {
        let supported: Vec<String> = descriptor
            .auth
            .iter()
            .map(|o| format!("`{}` ({})", auth_flag(o.method), o.label))
            .collect();
        return Err(CliError::usage(format!(
            "{} does not support `--auth {}`",
            descriptor.display_name,
            auth_flag(method)
        ))
        .with_hint(format!(
            "use one of {}: `netclaw provider add {name} {} --auth {}`",
            supported.join(", "),
            descriptor.type_key,
            auth_flag(descriptor.default_auth_method())
        )));
    }
    Ok(method)
}

/// The `--auth` spelling of a method.
pub(crate) fn auth_flag(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::OAuthDevice => "device",
        AuthMethod::OAuthPkce => "browser",
        AuthMethod::ApiKey => "api-key",
        AuthMethod::None => "none",
    }
}

/// The API key to use: with `--api-key-stdin`, or with no terminal to prompt on, the key piped
/// on stdin (`printf %s "$KEY" | netclaw provider add … --auth api-key` means that key), else
/// with no terminal the type's conventional variable (used, not stored); on a terminal, a
/// hidden prompt.
pub(crate) fn obtain_api_key(
    cx: &Context<'_>,
    descriptor: &ProviderDescriptor,
    login: &LoginChoice,
    retry_command: &str,
) -> Result<Obtained, CliError> {
    if login.api_key_stdin || !cx.interactive() {
        let piped = cx.input.read_secret()?;
        if let Some(key) = trimmed_key(&piped) {
            return Ok(Obtained::ApiKey(key));
        }
        if !login.api_key_stdin
            && let Some((var, key)) = conventional_key(cx, descriptor)
        {
            cx.printer.message(format!(
                "Using the key in `{var}` (read from the environment on each use, not stored)"
            ));
            return Ok(Obtained::FromEnv(key));
        }
        return Err(empty_key(retry_command));
    }
    if let Some(url) = descriptor.key_guidance_url {
        cx.printer
            .message(format!("Get your API key at {}", cx.printer.cyan(url)));
    }
    let typed = cx
        .prompter()
        .password(&format!("API key for {}", descriptor.display_name))
        .map_err(|e| {
            e.into_cli(&format!(
                "`--api-key-stdin`: `printf %s \"$KEY\" | {retry_command} --api-key-stdin`"
            ))
        })?;
    trimmed_key(&typed)
        .map(Obtained::ApiKey)
        .ok_or_else(|| empty_key(retry_command))
}

fn empty_key(retry_command: &str) -> CliError {
    CliError::usage("the API key is empty").with_hint(format!(
        "pipe it on stdin: `printf %s \"$KEY\" | {retry_command} --api-key-stdin`"
    ))
}

/// The key without the spaces and newline a paste brings; `None` when nothing is left.
pub(crate) fn trimmed_key(key: &SecretString) -> Option<SecretString> {
    let trimmed = key.expose_secret().trim();
    (!trimmed.is_empty()).then(|| SecretString::from(trimmed.to_owned()))
}

/// The first conventional key variable of the type that is set (nothing piped, no terminal).
fn conventional_key(
    cx: &Context<'_>,
    descriptor: &ProviderDescriptor,
) -> Option<(&'static str, SecretString)> {
    netclaw_config::conventional_key_vars(descriptor.type_key)
        .iter()
        .find_map(|var| {
            let value = cx.env.get(var)?.trim();
            (!value.is_empty()).then(|| (*var, SecretString::from(value.to_owned())))
        })
}

/// What credential to get, for which provider.
pub(crate) struct Wanted<'a> {
    pub(crate) name: &'a str,
    pub(crate) descriptor: &'a ProviderDescriptor,
    pub(crate) entry: &'a ProviderEntry,
    pub(crate) method: AuthMethod,
    pub(crate) choice: &'a LoginChoice,
    /// The command to suggest when the user must run it again differently.
    pub(crate) retry: &'a str,
}

/// Gets the credential for `wanted.method`: a key, a device login or a browser login.
pub(crate) async fn obtain(
    cx: &Context<'_>,
    http: &reqwest::Client,
    wanted: &Wanted<'_>,
) -> Result<Obtained, CliError> {
    let Wanted {
        name,
        descriptor,
        entry,
        method,
        choice,
        retry,
    } = *wanted;
    match method {
        AuthMethod::None => Ok(Obtained::None),
        AuthMethod::ApiKey => obtain_api_key(cx, descriptor, choice, retry),
        AuthMethod::OAuthDevice | AuthMethod::OAuthPkce => {
            // The settings the provider will load with, `NETCLAW_Providers__…__OAuth__*` included.
            let mut entry = entry.clone();
            entry.oauth = netclaw_config::oauth_with_env(&cx.env, name, entry.oauth.take());
            let overrides = netclaw_providers::descriptor::OAuthOverrides::of(&entry);
            let client = login::oauth_client(http, name, descriptor, &overrides).await?;
            let tokens = if method == AuthMethod::OAuthDevice {
                login::device::login(cx, &client, name, descriptor.display_name).await?
            } else {
                login::browser::login(
                    cx,
                    &client,
                    name,
                    descriptor.display_name,
                    choice.no_browser,
                )
                .await?
            };
            Ok(Obtained::OAuth(tokens))
        }
    }
}

/// Probes `entry` with `credential` before anything is stored, behind a spinner saying
/// `checking`.
pub(crate) async fn probe_with(
    cx: &Context<'_>,
    http: &reqwest::Client,
    home: &Home,
    name: &str,
    entry: &ProviderEntry,
    credential: &Obtained,
    checking: &str,
) -> ProbeReport {
    let target = ProbeTarget {
        provider_name: name.to_owned(),
        type_key: entry.provider_type.clone(),
        endpoint: entry.endpoint.clone(),
        auth_method: entry.auth_method,
        bearer: credential.bearer(),
        token_expiry: credential.expiry(),
        token_exchange: (descriptor_kind(home, entry)
            == Some(netclaw_providers::descriptor::ProviderKind::Copilot))
        .then(|| netclaw_providers::copilot::token_url(entry)),
    };
    let _spinner = Spinner::start(cx.printer, checking);
    probe(
        http,
        &home.registry,
        &target,
        &ProbeOptions::at(Timestamp::now()),
    )
    .await
}

fn descriptor_kind(
    home: &Home,
    entry: &ProviderEntry,
) -> Option<netclaw_providers::descriptor::ProviderKind> {
    home.registry.try_get(&entry.provider_type).map(|d| d.kind)
}

/// The models line after a successful probe.
pub(crate) fn describe_models(report: &ProbeReport) -> String {
    let count = report.models.len();
    let sample: Vec<String> = report
        .models
        .iter()
        .take(3)
        .map(|m| match m.context_window {
            Some(window) => format!("{} ({})", m.id, tokens(u64::from(window))),
            None => m.id.clone(),
        })
        .collect();
    let more = if count > sample.len() { ", …" } else { "" };
    format!(
        "{count} model{} available: {}{more}",
        if count == 1 { "" } else { "s" },
        sample.join(", ")
    )
}

/// GitHub says Copilot is for its supported clients: says so once, and whether the user
/// agrees (`--yes` agrees without asking).
pub(crate) fn confirm_copilot(cx: &Context<'_>, name: &str, yes: bool) -> Result<bool, CliError> {
    cx.printer.message(
        "GitHub says Copilot is meant for its supported clients. netclaw uses it the way other \
         open tools do (GitHub endorsed opencode's Copilot login in January 2026); your account's \
         terms still apply.",
    );
    if yes {
        return Ok(true);
    }
    cx.prompter()
        .confirm("Add GitHub Copilot on these terms?", false)
        .map_err(|e| {
            e.into_cli(&format!(
                "`--yes`: `netclaw provider add {name} github-copilot --yes`"
            ))
        })
}

/// The GitHub Enterprise host and API the environment names, as GitHub's own tools read them:
/// `COPILOT_GH_HOST`, `GH_HOST`, `GHE_HOST` or `GITHUB_SERVER_URL`, and `GITHUB_API_URL`.
fn github_from_env(cx: &Context<'_>) -> (Option<String>, Option<String>) {
    use netclaw_config::EnvVars;
    let host = [
        EnvVars::COPILOT_GH_HOST,
        EnvVars::GH_HOST,
        EnvVars::GHE_HOST,
        EnvVars::GITHUB_SERVER_URL,
    ]
    .iter()
    .find_map(|var| cx.env.get(var))
    .map(|host| {
        if host.contains("://") {
            host.trim_end_matches('/').to_owned()
        } else {
            format!("https://{}", host.trim_end_matches('/'))
        }
    });
    let api = cx
        .env
        .get(EnvVars::GITHUB_API_URL)
        .map(|api| api.trim_end_matches('/').to_owned());
    (host, api)
}

/// `provider add`.
pub(crate) async fn run(cx: &Context<'_>, options: AddOptions) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let name = options.name.trim();
    validate_provider_name(name)?;
    let descriptor = home.descriptor(&options.provider_type)?;
    let doc = home.store.read()?;
    // Refuse a file netclaw cannot parse before asking for a key or probing: it would only
    // fail at the write.
    doc.settings()?;
    if let Some(existing) = doc.resolve_provider_name(name) {
        return Err(
            CliError::new(format!("a provider named `{existing}` already exists")).with_hint(
                format!(
                    "log in again with `netclaw provider login {existing}`, or pick another name"
                ),
            ),
        );
    }
    let method = choose_auth(descriptor, &options.login, name)?;
    let endpoint = options
        .endpoint
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('/').to_owned());
    if endpoint.is_none() && descriptor.default_endpoint(method).is_none() {
        return Err(
            CliError::usage(format!("{} needs an endpoint", descriptor.display_name)).with_hint(
                format!(
                    "`netclaw provider add {name} {} --endpoint http://localhost:8080/v1`",
                    descriptor.type_key
                ),
            ),
        );
    }
    let is_copilot = descriptor.kind == netclaw_providers::descriptor::ProviderKind::Copilot;
    if is_copilot && !confirm_copilot(cx, name, options.yes)? {
        return Err(CliError::new("nothing was added"));
    }
    let mut entry = ProviderEntry::new(descriptor.type_key);
    entry.auth_method = method;
    entry.endpoint = endpoint;
    let login = &options.login;
    let mut oauth = login.oauth.clone();
    let (env_host, env_api) = if is_copilot {
        github_from_env(cx)
    } else {
        (None, None)
    };
    let github_host = options.github_host.clone().or(env_host);
    let github_api_base = options.github_api_base.clone().or(env_api);
    if github_host.is_some() {
        oauth.issuer.clone_from(&github_host);
    }
    entry.oauth = oauth.over(None);
    if let Some(api) = &github_api_base {
        entry.vendor_options = Some(
            [(
                "GitHubApiBase".to_owned(),
                serde_json::Value::from(api.trim_end_matches('/')),
            )]
            .into_iter()
            .collect(),
        );
    }
    let http = crate::http::client()?;
    let retry = format!("netclaw provider add {name} {}", descriptor.type_key);
    let wanted = Wanted {
        name,
        descriptor,
        entry: &entry,
        method,
        choice: login,
        retry: &retry,
    };
    let credential = obtain(cx, &http, &wanted).await?;
    // `--skip-probe` saves without asking the provider anything: for a server that is not up
    // yet, or a network that cannot reach it from here.
    let report = if options.skip_probe {
        None
    } else {
        let checking = format!("Checking `{name}`…");
        Some(probe_with(cx, &http, &home, name, &entry, &credential, &checking).await)
    };
    if let Some(report) = report.as_ref().filter(|r| !r.is_ok()) {
        let message = report
            .message
            .clone()
            .unwrap_or_else(|| report.class.as_str().to_owned());
        return Err(CliError::new(format!(
            "`{name}` did not pass the check ({}); nothing was saved",
            report.class.as_str()
        ))
        .with_cause(message)
        .with_hint(
            "fix the cause and run the command again, or add `--skip-probe` to save it without the check",
        ));
    }
    let identity = credential.identity();
    // Checked again under the lock: another add of the same name may have finished while
    // this one logged in or probed.
    home.store.add_provider(
        name,
        ProviderWrite {
            entry,
            credentials: credential.into_write(),
        },
    )?;
    if let Some(report) = &report {
        probe_state::record(&home.paths, name, report, Timestamp::now());
    }
    cx.printer.success(format!(
        "Added provider `{name}` ({}, {})",
        descriptor.type_key,
        descriptor.label(method).unwrap_or(method.as_str())
    ));
    if let Some(identity) = identity {
        cx.printer.message(format!("Logged in as {identity}"));
    }
    let Some(report) = report else {
        cx.printer.message(format!(
            "Not checked (--skip-probe); check it with {}",
            cx.printer.cyan(format!("netclaw provider probe {name}"))
        ));
        return Ok(Exit::Success);
    };
    cx.printer.message(describe_models(&report));
    let settings = home.store.read()?.settings()?;
    if settings.models.main.is_none()
        && let Some(first) = report.models.first()
    {
        cx.printer.message(format!(
            "Next: {}",
            cx.printer
                .cyan(format!("netclaw model set main {name}/{}", first.id))
        ));
    }
    Ok(Exit::Success)
}
