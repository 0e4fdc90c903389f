//! `netclaw doctor`: config, file modes, identity and secrets, the daemon, every provider probed
//! live, token expiry and re-login; each finding with the command that fixes it.

use jiff::Timestamp;
use netclaw_config::Hint;
use netclaw_providers::probe::ProbeClass;
use netclaw_providers::similar::closest;
use serde::Serialize;

use super::daemon::running;
use super::provider::probe::probe_all;
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;
use crate::humanize::{TokenState, relative, table, token_state};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Level {
    Ok,
    Warning,
    Error,
}

#[derive(Debug, Serialize)]
struct Finding {
    check: String,
    level: Level,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
}

fn finding(
    check: impl Into<String>,
    level: Level,
    message: impl Into<String>,
    fix: Option<String>,
) -> Finding {
    Finding {
        check: check.into(),
        level,
        message: message.into(),
        fix,
    }
}

async fn findings(cx: &Context<'_>, home: &Home) -> Vec<Finding> {
    let mut out = Vec::new();
    let config_path = home.paths.config_file();
    let settings = match home.store.read().and_then(|d| d.settings()) {
        Ok(settings) => {
            if config_path.exists() {
                out.push(finding(
                    "config",
                    Level::Ok,
                    format!(
                        "`{}` parses (configVersion {})",
                        config_path.display(),
                        settings.config_version
                    ),
                    None,
                ));
            } else {
                out.push(finding(
                    "config",
                    Level::Warning,
                    "no configuration yet",
                    Some("netclaw init".into()),
                ));
            }
            Some(settings)
        }
        Err(e) => {
            let fix = e.hint();
            out.push(finding("config", Level::Error, e.to_string(), fix));
            None
        }
    };
    for warning in home.paths.permission_warnings() {
        out.push(finding(
            "permissions",
            Level::Error,
            warning.to_string(),
            Some(format!("chmod 600 {}", warning.path.display())),
        ));
    }
    let config = match home.store.load(&cx.env) {
        Ok(config) => {
            if home.paths.secrets_file().exists() {
                out.push(finding(
                    "secrets",
                    Level::Ok,
                    format!(
                        "`{}` decrypts with {}",
                        home.paths.secrets_file().display(),
                        home.store.identity().describe()
                    ),
                    None,
                ));
            }
            for warning in &config.warnings {
                out.push(finding("config", Level::Warning, warning.to_string(), None));
            }
            Some(config)
        }
        Err(e) => {
            let fix = e.hint();
            out.push(finding("secrets", Level::Error, e.to_string(), fix));
            None
        }
    };
    match running(home).await {
        Some(client) => out.push(finding(
            "daemon",
            Level::Ok,
            format!("running at {}", client.base_url()),
            None,
        )),
        None => out.push(finding(
            "daemon",
            Level::Warning,
            "not running (chat still works, tokens are refreshed on use)",
            Some("netclaw daemon start".into()),
        )),
    }
    let Some(settings) = settings else { return out };
    match &settings.models.main {
        None if !settings.providers.is_empty() => out.push(finding(
            "models",
            Level::Warning,
            "no main model is set",
            Some("netclaw model set main <provider>/<model>".into()),
        )),
        Some(main) if settings.provider(&main.provider).is_none() => out.push(finding(
            "models",
            Level::Error,
            format!(
                "the main model's provider `{}` is not configured",
                main.provider
            ),
            Some("netclaw model set main <provider>/<model>".into()),
        )),
        Some(main) => out.push(finding(
            "models",
            Level::Ok,
            format!("main model {}/{}", main.provider, main.model_id),
            None,
        )),
        None => {}
    }
    if config.is_none() || settings.providers.is_empty() {
        return out;
    }
    let names: Vec<String> = settings.providers.keys().cloned().collect();
    let reports = match probe_all(cx, home, &names).await {
        Ok(reports) => reports,
        Err(e) => {
            out.push(finding(
                "providers",
                Level::Error,
                e.message().to_owned(),
                None,
            ));
            return out;
        }
    };
    if let Some(main) = &settings.models.main
        && let Some(unlisted) = unlisted_main(main, &reports)
    {
        out.push(unlisted);
    }
    let now = Timestamp::now();
    let settings = home
        .store
        .read()
        .and_then(|d| d.settings())
        .unwrap_or(settings);
    let cooldowns = crate::cooldowns::Cooldowns::load(&home.paths, &settings);
    for (name, report) in reports {
        let check = format!("provider {name}");
        if report.is_ok() {
            out.push(finding(
                &check,
                Level::Ok,
                format!(
                    "ok in {} ms, {} models",
                    report.latency.as_millis(),
                    report.models.len()
                ),
                None,
            ));
        } else {
            let fix = match report.class {
                ProbeClass::Auth
                | ProbeClass::ReauthRequired
                | ProbeClass::NotConfigured
                | ProbeClass::Forbidden => format!("netclaw provider login {name}"),
                _ => format!("netclaw provider probe {name}"),
            };
            let message = format!(
                "{}: {}",
                report.class.as_str(),
                report.message.unwrap_or_default()
            );
            out.push(finding(&check, Level::Error, message, Some(fix)));
        }
        let Some((_, entry, credentials)) = config.as_ref().and_then(|c| c.provider(&name)) else {
            continue;
        };
        for account in &credentials.accounts {
            let key = netclaw_config::ProviderAccount::new(&name, &account.name).key();
            let check = format!("provider {key}");
            let login = format!("netclaw provider login {key}");
            if let Some(cooldown) = cooldowns.of(&settings, &key, now) {
                let fix = (cooldown.reason
                    == netclaw_providers::resilience::CooldownReason::ReauthRequired)
                    .then(|| login.clone());
                out.push(finding(
                    &check,
                    Level::Warning,
                    format!(
                        "chats skip it for now: {}",
                        crate::cooldowns::describe(&cooldown, now)
                    ),
                    fix,
                ));
            }
            let renewable = account.oauth_refresh_token.is_some();
            let Some(expiry) = entry.token_expiry(&account.name) else {
                continue;
            };
            // Nothing renews a login without a refresh token: only a new login helps.
            match token_state(expiry, now, false, renewable) {
                TokenState::Expired => out.push(finding(
                    &check,
                    Level::Warning,
                    format!("the login expired {}", relative(expiry, now)),
                    Some(login),
                )),
                TokenState::ExpiringSoon => out.push(finding(
                    &check,
                    Level::Warning,
                    format!(
                        "the login expires {} and cannot be renewed",
                        relative(expiry, now)
                    ),
                    Some(login),
                )),
                _ => {}
            }
        }
    }
    out
}

/// A finding when the main model's provider answered its probe with a listing that lacks the
/// model (a typo shows here, not as the vendor's 400 at the first chat).
fn unlisted_main(
    main: &netclaw_config::ModelRef,
    reports: &[(String, netclaw_providers::probe::ProbeReport)],
) -> Option<Finding> {
    let (_, report) = reports
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&main.provider))?;
    let ids: Vec<&str> = report.models.iter().map(|m| m.id.as_str()).collect();
    if !report.is_ok() || ids.is_empty() || ids.contains(&main.model_id.as_str()) {
        return None;
    }
    let close = closest(&main.model_id, ids.iter().copied());
    let (message, fix) = match close.first() {
        Some(best) => (
            format!(
                "`{}` does not list the main model `{}`; did you mean `{best}`?",
                main.provider, main.model_id
            ),
            format!("netclaw model set main {}/{best}", main.provider),
        ),
        None => (
            format!(
                "`{}` does not list the main model `{}`",
                main.provider, main.model_id
            ),
            format!("netclaw model list --provider {}", main.provider),
        ),
    };
    Some(finding("models", Level::Warning, message, Some(fix)))
}

/// `doctor`: exit 1 when any finding is an error.
pub(crate) async fn run(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let findings = findings(cx, &home).await;
    let failed = findings.iter().any(|f| f.level == Level::Error);
    if cx.json() {
        cx.printer.json(&findings);
    } else {
        let p = cx.printer;
        let mut rows: Vec<Vec<String>> = Vec::new();
        for f in &findings {
            let mark = match f.level {
                Level::Ok => p.green("✔"),
                Level::Warning => p.yellow("!"),
                Level::Error => p.red("✘"),
            };
            rows.push(vec![mark, f.check.clone(), f.message.clone()]);
            if let Some(fix) = &f.fix {
                rows.push(vec![
                    String::new(),
                    String::new(),
                    format!("fix: {}", p.cyan(fix)),
                ]);
            }
        }
        for line in table(&rows) {
            p.data(line.trim_end());
        }
    }
    Ok(if failed { Exit::Failure } else { Exit::Success })
}
