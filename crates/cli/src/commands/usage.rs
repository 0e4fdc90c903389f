//! `netclaw usage [provider[/account]] [--refresh]`: every account's limit windows, credits
//! or spend, and the binding window; from the daemon when one runs (it reads in the
//! background), else read now by this process.

use jiff::Timestamp;
use netclaw_config::ProviderName;
use netclaw_providers::usage::{UsageReport, UsageSource, UsageWindow};

use crate::commands::daemon::running;
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::humanize::{relative, table};
use crate::spinner::Spinner;

/// Width of a usage bar, in cells.
const BAR: usize = 20;

/// `usage`.
pub(crate) async fn run(
    cx: &Context<'_>,
    provider: Option<&str>,
    refresh: bool,
) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let doc = home.store.read()?;
    let (wanted_provider, wanted_account) = match provider {
        Some(reference) => {
            let (name, account) = netclaw_config::ProviderAccount::split(reference);
            let stored = doc
                .resolve_provider_name(name)
                .ok_or_else(|| no_such_provider(name))?;
            (Some(stored), account.map(str::to_owned))
        }
        None => (None, None),
    };
    let reports = if let Some(client) = running(&home).await {
        client.usage(refresh).await?.providers
    } else {
        let runtime = home.runtime(cx)?;
        let _spinner = Spinner::start(cx.printer, "Reading usage…");
        runtime.usage(&[], refresh).await
    };
    let reports: Vec<UsageReport> = reports
        .into_iter()
        .filter(|r| {
            wanted_provider
                .as_deref()
                .is_none_or(|w| ProviderName::same(w, &r.provider))
                && wanted_account
                    .as_deref()
                    .is_none_or(|w| ProviderName::same(w, &r.account))
        })
        .collect();
    if let (Some(provider), Some(account)) = (&wanted_provider, &wanted_account)
        && reports.is_empty()
    {
        return Err(CliError::new(format!(
            "provider `{provider}` has no account named `{account}`"
        ))
        .with_hint(format!(
            "list its accounts with `netclaw account list {provider}`"
        )));
    }
    if cx.json() {
        cx.printer.json(&reports);
        return Ok(Exit::Success);
    }
    if reports.is_empty() {
        cx.printer
            .message("No providers configured. Run `netclaw init`.");
        return Ok(Exit::Success);
    }
    let now = Timestamp::now();
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            cx.printer.data("");
        }
        render(cx, report, now);
    }
    Ok(Exit::Success)
}

fn render(cx: &Context<'_>, report: &UsageReport, now: Timestamp) {
    let p = cx.printer;
    let plan = report
        .plan
        .as_deref()
        .map(|plan| format!(" ({plan})"))
        .unwrap_or_default();
    let source = match report.source {
        UsageSource::UsageEndpoint => "usage endpoint",
        UsageSource::KeyEndpoint => "key endpoint",
        UsageSource::ResponseHeaders => "last response",
        UsageSource::None => "",
    };
    let as_of = report
        .as_of
        .map(|at| p.dim(format!("  {source}, {}", relative(at, now))))
        .unwrap_or_default();
    let name = if ProviderName::same(&report.account, netclaw_config::DEFAULT_ACCOUNT) {
        report.provider.clone()
    } else {
        format!("{}/{}", report.provider, report.account)
    };
    p.data(format!("{}{plan}{as_of}", p.bold(&name)));
    if let Some(error) = &report.error {
        p.data(format!("  {} {error}", p.yellow("!")));
    }
    if report.windows.is_empty() && report.spend.is_none() {
        if report.error.is_none() {
            p.data(p.dim("  no limits seen yet: they come with the next answer"));
        }
        return;
    }
    let rows: Vec<Vec<String>> = report
        .windows
        .iter()
        .map(|w| {
            let binds = report.binding.as_deref() == Some(w.name.as_str());
            vec![
                format!("  {}", window_label(w)),
                gauge(cx, w.used_percent),
                resets(w, now),
                if binds {
                    p.yellow("binds")
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    for line in table(&rows) {
        p.data(line.trim_end());
    }
    if let Some(credits) = &report.credits {
        let balance = if credits.unlimited {
            "unlimited".to_owned()
        } else {
            credits.balance.clone().unwrap_or_else(|| "none".to_owned())
        };
        p.data(format!("  credits  {balance}"));
    }
    if let Some(spend) = &report.spend {
        let limit = spend
            .limit
            .map_or_else(|| "no limit".to_owned(), |l| format!("of ${l:.2}"));
        p.data(format!("  spent  ${:.2} {limit}", spend.used));
    }
}

/// `primary (5h)`, `secondary (7d)`, `tokens`: the server's name and its stated length.
fn window_label(window: &UsageWindow) -> String {
    match window.window_seconds {
        Some(seconds) => format!("{} ({})", window.name, length(seconds)),
        None => window.name.clone(),
    }
}

fn length(seconds: u64) -> String {
    match seconds {
        s if s >= 86_400 && s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s >= 3_600 && s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s >= 60 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// A bar in a terminal, the bare figure when piped.
fn gauge(cx: &Context<'_>, used: Option<f64>) -> String {
    let Some(used) = used else {
        return "?".to_owned();
    };
    let figure = format!("{used:.0}%");
    if !cx.printer.animations() {
        return figure;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "clamped to 0..=BAR"
    )]
    let filled = ((used.clamp(0.0, 100.0) / 100.0) * BAR as f64).round() as usize;
    format!(
        "{}{} {figure:>4}",
        "█".repeat(filled),
        "░".repeat(BAR - filled)
    )
}

fn resets(window: &UsageWindow, now: Timestamp) -> String {
    let left = match (window.remaining, window.limit) {
        (Some(remaining), Some(limit)) => format!("{remaining}/{limit} left"),
        _ => String::new(),
    };
    match window.resets_at {
        Some(at) => format!(
            "resets {}{}",
            relative(at, now),
            if left.is_empty() {
                String::new()
            } else {
                format!(", {left}")
            }
        ),
        None => left,
    }
}
