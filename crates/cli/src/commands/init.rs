//! `netclaw init`: the first-run wizard. Provider → auth method → endpoint → OAuth server (the
//! vendor's, or an issuer and client id) → credential or login → live probe (20 s limit) → main
//! model → write (only after the probe passed) → offer the daemon → what was written where and
//! what to run next. Esc goes back a step, at lists and at text prompts alike.

use std::time::Duration;

use jiff::Timestamp;
use netclaw_config::{
    AuthMethod, ModelRef, ModelRole, OAuthOverrides, ProviderEntry, ProviderWrite,
};
use netclaw_providers::descriptor::{OAuthOverrides as ProviderOAuthOverrides, ProviderDescriptor};
use netclaw_providers::probe::{ProbeClass, ProbeReport};
use secrecy::SecretString;

use super::provider::add::{Obtained, Wanted, describe_models, obtain, probe_with, trimmed_key};
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;
use crate::humanize::tokens;
use crate::options::LoginChoice;
use crate::probe_state;
use crate::prompt::PromptError;

/// The probe's hard limit in the wizard: a login that took minutes deserves a patient check.
const PROBE_LIMIT: Duration = Duration::from_secs(20);

const NON_INTERACTIVE: &str =
    "`netclaw provider add <name> <type>` and `netclaw model set main <provider>/<model>`";

fn ask<T>(result: Result<T, PromptError>) -> Result<T, CliError> {
    result.map_err(|e| e.into_cli(NON_INTERACTIVE))
}

enum Step {
    Provider,
    Auth,
    Endpoint,
    /// Which OAuth server to log in to: the vendor's, or (advanced) another issuer and client.
    OAuthServer,
    Credential,
    Model,
}

/// A text answer, or `None` when the user pressed Esc to go back.
fn ask_text(
    cx: &Context<'_>,
    prompt: &str,
    default: Option<&str>,
) -> Result<Option<String>, CliError> {
    match cx.prompter().input(prompt, default) {
        Ok(text) => Ok(Some(text.trim().to_owned())),
        Err(PromptError::Back) => Ok(None),
        Err(other) => Err(other.into_cli(NON_INTERACTIVE)),
    }
}

/// An absolute http(s) URL typed at `prompt`; asks again until it is one. `None` on Esc.
fn ask_url(
    cx: &Context<'_>,
    prompt: &str,
    default: Option<&str>,
) -> Result<Option<String>, CliError> {
    loop {
        let Some(typed) = ask_text(cx, prompt, default)? else {
            return Ok(None);
        };
        match crate::args::absolute_http_url(typed.trim_end_matches('/')) {
            Ok(url) => return Ok(Some(url)),
            Err(why) => cx.printer.warning(why),
        }
    }
}

/// The OAuth server step. `Ok(None)`: the user went back. `Ok(Some(None))`: the vendor's
/// server. Otherwise the issuer and client id typed, as the provider's `OAuth` settings.
fn ask_oauth_server(
    cx: &Context<'_>,
    descriptor: &ProviderDescriptor,
    name: &str,
) -> Result<Option<Option<OAuthOverrides>>, CliError> {
    let vendor = descriptor.oauth_client(&ProviderOAuthOverrides::default());
    // `NETCLAW_Providers__<name>__OAuth__*` set in the environment are the defaults offered.
    let from_env = netclaw_config::oauth_with_env(&cx.env, name, None).unwrap_or_default();
    let default_issuer = from_env
        .issuer
        .clone()
        .or_else(|| vendor.as_ref().map(|v| v.issuer.clone()));
    let default_client = from_env
        .client_id
        .clone()
        .or_else(|| vendor.as_ref().and_then(|v| v.client_id.clone()));
    if !descriptor.oauth_needs_issuer {
        let shown = default_issuer.as_deref().unwrap_or("the vendor's");
        let items = vec![
            format!("{shown} (default)"),
            "Another OAuth server (advanced: issuer and client id)".to_owned(),
        ];
        match ask(cx.prompter().select("OAuth server", &items, 0))? {
            None => return Ok(None),
            Some(0) => return Ok(Some(None)),
            Some(_) => {}
        }
    }
    let Some(issuer) = ask_url(cx, "OAuth issuer URL", default_issuer.as_deref())? else {
        return Ok(None);
    };
    let client_id = loop {
        let Some(typed) = ask_text(cx, "OAuth client id", default_client.as_deref())? else {
            return Ok(None);
        };
        if !typed.is_empty() {
            break typed;
        }
        cx.printer
            .warning("the OAuth server needs the client id registered for netclaw");
    };
    let vendor_issuer = vendor.as_ref().map(|v| v.issuer.as_str());
    let vendor_client = vendor.as_ref().and_then(|v| v.client_id.as_deref());
    Ok(Some(Some(OAuthOverrides {
        issuer: (Some(issuer.as_str()) != vendor_issuer).then_some(issuer),
        client_id: (Some(client_id.as_str()) != vendor_client).then_some(client_id),
        ..OAuthOverrides::default()
    })))
}

/// The API key, asked in the wizard so Esc can go back. `None` on Esc.
fn ask_key(
    cx: &Context<'_>,
    descriptor: &ProviderDescriptor,
) -> Result<Option<SecretString>, CliError> {
    if let Some(url) = descriptor.key_guidance_url {
        cx.printer
            .message(format!("Get your API key at {}", cx.printer.cyan(url)));
    }
    loop {
        match cx
            .prompter()
            .password(&format!("API key for {}", descriptor.display_name))
        {
            Ok(key) => match trimmed_key(&key) {
                Some(key) => return Ok(Some(key)),
                None => cx.printer.warning("the API key is empty"),
            },
            Err(PromptError::Back) => return Ok(None),
            Err(other) => return Err(other.into_cli(NON_INTERACTIVE)),
        }
    }
}

/// A free name: the type key, then `<type>-2`, `<type>-3`, …
fn free_name(home: &Home, type_key: &str) -> Result<String, CliError> {
    let doc = home.store.read()?;
    let mut name = type_key.to_owned();
    let mut n = 2;
    while doc.resolve_provider_name(&name).is_some() {
        name = format!("{type_key}-{n}");
        n += 1;
    }
    Ok(name)
}

fn auth_label(descriptor: &ProviderDescriptor, method: AuthMethod) -> String {
    let label = descriptor.label(method).unwrap_or(method.as_str());
    if descriptor.type_key == "openai" && method == AuthMethod::OAuthDevice {
        format!("{label} — recommended")
    } else {
        label.to_owned()
    }
}

async fn probe_limited(
    cx: &Context<'_>,
    http: &reqwest::Client,
    home: &Home,
    name: &str,
    entry: &ProviderEntry,
    credential: &Obtained,
) -> ProbeReport {
    let checking = "Validating the connection and discovering models…";
    let probe = probe_with(cx, http, home, name, entry, credential, checking);
    match tokio::time::timeout(PROBE_LIMIT, probe).await {
        Ok(report) => report,
        Err(_) => ProbeReport::failed(
            ProbeClass::Timeout,
            "Validation timed out after 20 seconds.",
        ),
    }
}

/// `init`.
pub(crate) async fn run(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let p = cx.printer;
    if !cx.interactive() {
        return Err(PromptError::NotInteractive.into_cli(NON_INTERACTIVE));
    }
    let settings = home.store.read()?.settings()?;
    if !settings.providers.is_empty() {
        let names: Vec<&str> = settings.providers.keys().map(String::as_str).collect();
        p.message(format!(
            "netclaw is already set up in `{}` with {}.",
            home.paths.home().display(),
            names.join(", ")
        ));
        if !ask(cx.prompter().confirm("Add another provider?", true))? {
            p.message("Nothing changed. See `netclaw provider list`.");
            return Ok(Exit::Success);
        }
    } else {
        p.message(p.bold("Welcome to netclaw. Let's connect your first LLM provider."));
        p.message(p.dim("Esc goes back a step."));
    }
    let descriptors = home.registry.all();
    let http = crate::http::client()?;
    let mut step = Step::Provider;
    let mut descriptor: &ProviderDescriptor = &descriptors[0];
    let mut method = AuthMethod::None;
    let mut endpoint: Option<String> = None;
    let mut oauth: Option<OAuthOverrides> = None;
    let mut found: Option<(ProviderEntry, Obtained, ProbeReport)> = None;
    let name;
    let model_id;
    loop {
        match step {
            Step::Provider => {
                let items: Vec<String> = descriptors
                    .iter()
                    .map(|d| {
                        if d.credential_optional() && d.default_endpoint(AuthMethod::None).is_some()
                        {
                            format!("{} (runs locally, no key needed)", d.display_name)
                        } else {
                            let ways: Vec<&str> = d
                                .auth_methods()
                                .map(super::provider::add::auth_flag)
                                .collect();
                            format!("{} ({})", d.display_name, ways.join(", "))
                        }
                    })
                    .collect();
                let Some(i) = ask(cx.prompter().select("LLM provider", &items, 0))? else {
                    p.message("Cancelled; nothing was written.");
                    return Ok(Exit::Success);
                };
                descriptor = &descriptors[i];
                step = Step::Auth;
            }
            Step::Auth => {
                let methods: Vec<AuthMethod> = descriptor.auth_methods().collect();
                if methods.len() == 1 {
                    method = methods[0];
                    step = Step::Endpoint;
                    continue;
                }
                let items: Vec<String> =
                    methods.iter().map(|m| auth_label(descriptor, *m)).collect();
                match ask(cx.prompter().select("How do you sign in?", &items, 0))? {
                    None => step = Step::Provider,
                    Some(i) => {
                        method = methods[i];
                        step = Step::Endpoint;
                    }
                }
            }
            Step::Endpoint => {
                let default = descriptor.default_endpoint(method);
                let Some(typed) = ask_url(cx, "Endpoint", default)? else {
                    step = if descriptor.auth_methods().count() == 1 {
                        Step::Provider
                    } else {
                        Step::Auth
                    };
                    continue;
                };
                endpoint = (Some(typed.as_str()) != default).then_some(typed);
                step = Step::OAuthServer;
            }
            Step::OAuthServer => {
                if !method.is_oauth() {
                    oauth = None;
                    step = Step::Credential;
                    continue;
                }
                let provider_name = free_name(&home, descriptor.type_key)?;
                match ask_oauth_server(cx, descriptor, &provider_name)? {
                    None => step = Step::Endpoint,
                    Some(chosen) => {
                        oauth = chosen;
                        step = Step::Credential;
                    }
                }
            }
            Step::Credential => {
                let provider_name = free_name(&home, descriptor.type_key)?;
                if descriptor.kind == netclaw_providers::descriptor::ProviderKind::Copilot
                    && !super::provider::add::confirm_copilot(cx, &provider_name, false)?
                {
                    step = Step::Provider;
                    continue;
                }
                let mut entry = ProviderEntry::new(descriptor.type_key);
                entry.auth_method = method;
                entry.endpoint = endpoint.clone();
                entry.oauth = oauth.clone();
                let choice = LoginChoice::default();
                let retry = format!(
                    "netclaw provider add {provider_name} {}",
                    descriptor.type_key
                );
                let wanted = Wanted {
                    name: &provider_name,
                    descriptor,
                    entry: &entry,
                    method,
                    choice: &choice,
                    retry: &retry,
                };
                let obtained = if method == AuthMethod::ApiKey {
                    match ask_key(cx, descriptor)? {
                        Some(key) => Ok(Obtained::ApiKey(key)),
                        None => {
                            step = Step::Endpoint;
                            continue;
                        }
                    }
                } else {
                    obtain(cx, &http, &wanted).await
                };
                let credential = match obtained {
                    Ok(credential) => credential,
                    Err(error) if error.exit() == crate::error::Exit::Interrupted => {
                        return Err(error);
                    }
                    Err(error) => {
                        p.error(&error);
                        step = Step::Auth;
                        continue;
                    }
                };
                let report =
                    probe_limited(cx, &http, &home, &provider_name, &entry, &credential).await;
                if !report.is_ok() || report.models.is_empty() {
                    let message = report
                        .message
                        .clone()
                        .unwrap_or_else(|| "no models were listed".to_owned());
                    p.error(
                        &CliError::new(format!(
                            "{} did not pass the check",
                            descriptor.display_name
                        ))
                        .with_cause(message),
                    );
                    let items = vec![
                        "Try again".to_owned(),
                        "Go back".to_owned(),
                        "Quit".to_owned(),
                    ];
                    match ask(cx.prompter().select("What now?", &items, 0))? {
                        Some(0) => {}
                        Some(1) | None => step = Step::Auth,
                        _ => {
                            p.message("Nothing was written.");
                            return Ok(Exit::Failure);
                        }
                    }
                    continue;
                }
                p.success(format!(
                    "{} works. {}",
                    descriptor.display_name,
                    describe_models(&report)
                ));
                found = Some((entry, credential, report));
                step = Step::Model;
            }
            Step::Model => {
                let Some((_, _, report)) = found.as_ref() else {
                    step = Step::Credential;
                    continue;
                };
                let items: Vec<String> = report
                    .models
                    .iter()
                    .map(|m| match m.context_window {
                        Some(w) => format!("{}  ({} context)", m.id, tokens(u64::from(w))),
                        None => m.id.clone(),
                    })
                    .collect();
                match ask(cx
                    .prompter()
                    .select("Main model for conversations", &items, 0))?
                {
                    None => {
                        found = None;
                        step = Step::Auth;
                    }
                    Some(i) => {
                        model_id = report.models[i].id.clone();
                        name = free_name(&home, descriptor.type_key)?;
                        break;
                    }
                }
            }
        }
    }
    let Some((entry, credential, report)) = found else {
        return Err(CliError::new("the wizard ended without a provider"));
    };
    let make_main = settings.models.main.is_none()
        || ask(cx
            .prompter()
            .confirm(&format!("Use {name}/{model_id} as the main model?"), false))?;
    home.store.update(|doc| {
        doc.add_provider(
            &name,
            ProviderWrite {
                entry,
                credentials: credential.into_write(),
            },
        )?;
        if make_main {
            let mut main = ModelRef::new(name.clone(), model_id.clone());
            main.provenance = Some("Manual".to_owned());
            doc.set_model_role(ModelRole::Main, Some(main))?;
        }
        Ok::<_, netclaw_config::ConfigError>(())
    })?;
    probe_state::record(&home.paths, &name, &report, Timestamp::now());
    p.success(format!("Saved provider `{name}`"));
    p.message(format!(
        "  settings  {}",
        home.paths.config_file().display()
    ));
    if method != AuthMethod::None {
        p.message(format!(
            "  secrets   {} (age-encrypted)",
            home.paths.secrets_file().display()
        ));
    }
    if make_main {
        p.message(format!("  main model  {name}/{model_id}"));
    }
    let start = ask(cx.prompter().confirm("Start the netclaw daemon now?", true))?;
    if start && let Err(error) = super::daemon::start(cx, None).await {
        p.error(&error);
    }
    p.message("");
    p.message("Next:");
    let next = [
        ["netclaw chat \"hello\"", "ask something"],
        ["netclaw provider list", "see what is configured"],
        ["netclaw model list", "every model and its context window"],
        [
            "netclaw gateway setup codex|claude",
            "use these models from Codex or Claude Code",
        ],
        ["netclaw doctor", "check everything"],
    ];
    let rows: Vec<Vec<String>> = next
        .iter()
        .map(|r| vec![p.cyan(r[0]), r[1].to_owned()])
        .collect();
    for line in crate::humanize::table(&rows) {
        p.message(format!("  {line}"));
    }
    Ok(Exit::Success)
}
