//! `netclaw model list [--provider NAME]`: every provider's models with context window,
//! modalities, tool support and where each value came from.

use netclaw_providers::models::{BundledCatalog, ModelFacts, ModelInfo, merge_listing};
use serde::Serialize;

use crate::commands::daemon::running;
use crate::commands::provider::probe::probe_all;
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::humanize::{table, tokens};

/// One provider's models as `model list --json` shows them.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProviderModels {
    pub(crate) provider: String,
    pub(crate) models: Vec<ModelInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) error: Option<String>,
}

fn overrides(settings: &netclaw_config::Settings, provider: &str) -> Vec<ModelFacts> {
    netclaw_config::ModelRole::ALL
        .into_iter()
        .filter_map(|role| settings.models.role(role))
        .filter(|r| r.provider.eq_ignore_ascii_case(provider))
        .map(|r| ModelFacts {
            context_window: r.context_window.and_then(|w| u32::try_from(w).ok()),
            ..ModelFacts::new(r.model_id.clone())
        })
        .collect()
}

async fn listings(
    cx: &Context<'_>,
    home: &Home,
    names: &[String],
) -> Result<Vec<ProviderModels>, CliError> {
    if let Some(client) = running(home).await {
        let all = client.models().await?;
        return Ok(all
            .providers
            .into_iter()
            .filter(|p| names.iter().any(|n| n.eq_ignore_ascii_case(&p.provider)))
            .map(|p| ProviderModels {
                provider: p.provider,
                models: p.models,
                error: p.error,
            })
            .collect());
    }
    let settings = home.store.read()?.settings()?;
    let reports = probe_all(cx, home, names).await?;
    Ok(reports
        .into_iter()
        .map(|(name, report)| {
            let kind = settings
                .provider(&name)
                .and_then(|(_, e)| home.registry.try_get(&e.provider_type))
                .map(|d| d.kind);
            let catalog = kind.map_or(&[][..], BundledCatalog::models_for);
            let live = report.is_ok().then_some(report.models.as_slice());
            let error = (!report.is_ok()).then(|| report.message.clone().unwrap_or_default());
            match merge_listing(live, catalog, &overrides(&settings, &name)) {
                Ok(models) => ProviderModels {
                    provider: name,
                    models,
                    error,
                },
                Err(e) => ProviderModels {
                    provider: name,
                    models: Vec::new(),
                    error: Some(e.to_string()),
                },
            }
        })
        .collect())
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
                    m.context_window.source.as_str(),
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
