//! Which provider and model a request means: `<provider>/<model>`, a bare model id for the
//! main model's provider, or nothing for the configured main model.

use netclaw_config::ProviderName;
use netclaw_config::Settings;

/// Why no destination was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// Nothing names a provider and no main model is configured, or the name fits none.
    #[error("{0}")]
    NoModel(String),
    /// The provider cannot serve chat (unknown, misconfigured).
    #[error("{0}")]
    Provider(String),
}

impl ResolveError {
    /// What to tell the caller.
    pub fn message(&self) -> &str {
        match self {
            Self::NoModel(m) | Self::Provider(m) => m,
        }
    }
}

/// Whether the request names its model rather than leaving the choice to the configuration:
/// a provider, a `provider/model`, or a bare model id other than the main one (`default` and
/// an empty model mean the main model).
pub(crate) fn names_a_model(
    settings: &Settings,
    provider: Option<&str>,
    model: Option<&str>,
) -> bool {
    if provider.is_some() {
        return true;
    }
    let Some(model) = model.map(str::trim).filter(|m| !m.is_empty()) else {
        return false;
    };
    if model.contains('/') {
        return true;
    }
    model != "default"
        && settings
            .models
            .main
            .as_ref()
            .is_none_or(|main| main.model_id != model)
}

/// `(provider as stored, model id)` for an explicit provider and/or a model string.
pub(crate) fn pick(
    settings: &Settings,
    provider: Option<&str>,
    model: Option<&str>,
) -> Result<(String, String), ResolveError> {
    let model = model.map(str::trim).filter(|m| !m.is_empty());
    let main = settings.models.main.as_ref();
    if let Some(provider) = provider {
        let (key, _) = settings.provider(provider).ok_or_else(|| {
            ResolveError::Provider(format!("no provider named `{provider}` is configured"))
        })?;
        let model = match model {
            Some(m) => m.to_owned(),
            None => main
                .filter(|m| ProviderName::same(&m.provider, key))
                .map(|m| m.model_id.clone())
                .ok_or_else(|| {
                    ResolveError::NoModel(format!("name a model of provider `{key}`"))
                })?,
        };
        return Ok((key.to_owned(), model));
    }
    if let Some(model) = model {
        if let Some((prefix, rest)) = model.split_once('/') {
            return match settings.provider(prefix) {
                Some((key, _)) if !rest.is_empty() => Ok((key.to_owned(), rest.to_owned())),
                _ => Err(ResolveError::NoModel(format!(
                    "model `{model}`: no provider named `{prefix}` is configured (`GET /v1/models` lists the models)"
                ))),
            };
        }
        if let Some(main) = main {
            let id = if model == "default" {
                main.model_id.clone()
            } else {
                model.to_owned()
            };
            return Ok((main.provider.clone(), id));
        }
        return Err(ResolveError::NoModel(format!(
            "model `{model}` names no configured provider; use `<provider>/<model>` (`GET /v1/models` lists them)"
        )));
    }
    main.map(|m| (m.provider.clone(), m.model_id.clone()))
        .ok_or_else(|| {
            ResolveError::NoModel(
                "no model given and no main model configured; set one with `netclaw model set`"
                    .to_owned(),
            )
        })
}
