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
///
/// A bare model id (no provider) is the main model's when it names it (or is `default`), else
/// the one provider whose models (`known()`: each provider's last listing and catalog, asked
/// for only then, since most requests name a provider or the main model) include
/// it; a name nobody serves is refused with the closest names instead of being forwarded to a
/// vendor that would refuse it less helpfully.
pub(crate) fn pick(
    settings: &Settings,
    known: impl FnOnce() -> Vec<(String, String)>,
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
        if let Some(main) = main
            && (model == "default" || model == main.model_id)
        {
            return Ok((main.provider.clone(), main.model_id.clone()));
        }
        let known = known();
        let serving: Vec<&(String, String)> = known.iter().filter(|(_, m)| m == model).collect();
        return match serving.as_slice() {
            [(provider, id)] => Ok((provider.clone(), id.clone())),
            [] => Err(ResolveError::NoModel(unknown_model(model, &known))),
            several => Err(ResolveError::NoModel(format!(
                "model `{model}` is served by several providers ({}); name one as `<provider>/<model>`",
                several
                    .iter()
                    .map(|(p, m)| format!("`{p}/{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        };
    }
    main.map(|m| (m.provider.clone(), m.model_id.clone()))
        .ok_or_else(|| {
            ResolveError::NoModel(
                "no model given and no main model configured; set one with `netclaw model set`"
                    .to_owned(),
            )
        })
}

/// The refusal for a model nobody serves, naming the closest known names.
fn unknown_model(model: &str, known: &[(String, String)]) -> String {
    let wanted = model.to_ascii_lowercase();
    let mut close: Vec<(usize, String)> = known
        .iter()
        .filter(|(_, m)| crate::similar::close(&wanted, m))
        .map(|(p, m)| {
            let distance = crate::similar::edit_distance(&wanted, &m.to_ascii_lowercase());
            (distance, format!("{p}/{m}"))
        })
        .collect();
    close.sort();
    close.dedup();
    let mut message = format!("no configured provider serves a model named `{model}`");
    if !close.is_empty() {
        let names: Vec<String> = close
            .iter()
            .take(3)
            .map(|(_, n)| format!("`{n}`"))
            .collect();
        message.push_str(&format!("; did you mean {}?", names.join(" or ")));
    }
    message.push_str(" (`GET /v1/models` lists them; `default` is the main model)");
    message
}

#[cfg(test)]
mod tests {
    use super::unknown_model;
    use crate::similar::edit_distance;

    #[test]
    fn unknown_names_come_back_with_the_closest_known_ones() {
        assert_eq!(edit_distance("gpt-5.5", "gpt-5.5"), 0);
        assert_eq!(edit_distance("gtp-5.5", "gpt-5.5"), 2);
        let known = [
            ("work".to_owned(), "gpt-5.5".to_owned()),
            ("work".to_owned(), "gpt-5-mini".to_owned()),
            ("claude".to_owned(), "claude-sonnet-4-5".to_owned()),
        ];
        assert_eq!(
            unknown_model("gpt-5.4", &known),
            "no configured provider serves a model named `gpt-5.4`; did you mean `work/gpt-5.5`? (`GET /v1/models` lists them; `default` is the main model)"
        );
        assert!(!unknown_model("llama3", &known).contains("did you mean"));
    }
}
