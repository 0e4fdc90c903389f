//! `netclaw model list [--provider NAME]`: every provider's models with context window,
//! modalities, tool support and where each value came from.

use netclaw_config::ProviderName;
use netclaw_providers::runtime::ModelListing;

use crate::commands::daemon::running;
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::humanize::{table, tokens};
use crate::spinner::Spinner;

/// The listings of `names`: the daemon's when one runs, else discovered now by the providers
/// runtime of this process. Both merge the same facts the same way.
async fn listings(
    cx: &Context<'_>,
    home: &Home,
    names: &[String],
) -> Result<Vec<ModelListing>, CliError> {
    if let Some(client) = running(home).await {
        let all = client.models().await?;
        return Ok(all
            .providers
            .into_iter()
            .filter(|p| names.iter().any(|n| ProviderName::same(n, &p.provider)))
            .map(|p| ModelListing {
                provider: p.provider,
                models: p.models,
                error: p.error,
            })
            .collect());
    }
    let runtime = home.runtime(cx)?;
    let _spinner = Spinner::start(cx.printer, format!("Checking {}…", names.join(", ")));
    Ok(runtime.listings(names, true).await)
}

/// `model list`.
pub(crate) async fn run(cx: &Context<'_>, provider: Option<&str>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let doc = home.store.read()?;
    let names = match provider {
        Some(name) => vec![
            doc.resolve_provider_name(name)
                .ok_or_else(|| no_such_provider(name))?,
        ],
        None => doc.provider_names(),
    };
    let listings = listings(cx, &home, &names).await?;
    if cx.json() {
        cx.printer.json(&listings);
        return Ok(Exit::Success);
    }
    if listings.is_empty() {
        cx.printer
            .message("No providers configured. Run `netclaw init`.");
        return Ok(Exit::Success);
    }
    let p = cx.printer;
    let now = jiff::Timestamp::now();
    let mut rows = vec![
        ["MODEL", "CONTEXT", "INPUT", "TOOLS", "SOURCE"]
            .map(|h| p.bold(h))
            .to_vec(),
    ];
    for listing in &listings {
        for m in &listing.models {
            let input: Vec<&str> = m
                .input_modalities
                .value
                .iter()
                .map(|x| x.as_str())
                .collect();
            rows.push(vec![
                format!("{}/{}", listing.provider, m.id),
                tokens(u64::from(m.context_window.value)),
                input.join("+"),
                match &m.supports_tools {
                    Some(t) if t.value => "yes".to_owned(),
                    Some(_) => "no".to_owned(),
                    None => "?".to_owned(),
                },
                p.dim(format!(
                    "context: {}, input: {}",
                    context_source(m, now),
                    m.input_modalities.source.as_str()
                )),
            ]);
        }
    }
    for line in table(&rows) {
        p.data(line);
    }
    for listing in listings.iter().filter(|l| l.error.is_some()) {
        p.warning(format!(
            "`{}`: live discovery failed ({}); showing the bundled catalog",
            listing.provider,
            listing.error.as_deref().unwrap_or_default()
        ));
    }
    Ok(Exit::Success)
}

/// Where the context window came from; an observed one says when, and what was advertised
/// (`observed 3 hours ago, advertised 1M live`).
fn context_source(model: &netclaw_providers::models::ModelInfo, now: jiff::Timestamp) -> String {
    let source = model.context_window.source.as_str();
    match (&model.advertised_context_window, model.observed_at) {
        (Some(advertised), Some(at)) => format!(
            "{source} {}, advertised {} {}",
            crate::humanize::relative(at, now),
            tokens(u64::from(advertised.value)),
            advertised.source.as_str()
        ),
        _ => source.to_owned(),
    }
}
