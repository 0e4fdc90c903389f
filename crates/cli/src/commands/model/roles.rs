//! `netclaw model set <role> <provider>/<model>` and `model clear <role>`.

use netclaw_config::{ConfigError, ModelRef, ModelRole, ProviderModel};

use netclaw_providers::similar::closest;

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::options::ModelSetOptions;

fn role_name(role: ModelRole) -> String {
    role.key().to_lowercase()
}

/// `model set`.
pub(crate) fn set(cx: &Context<'_>, options: &ModelSetOptions) -> Result<Exit, CliError> {
    let chosen: ProviderModel =
        options
            .model
            .parse()
            .map_err(|e: netclaw_config::InvalidProviderModel| {
                CliError::usage(e.to_string()).with_hint(format!(
                    "write it as `<provider>/<model>`, e.g. `netclaw model set {} work/gpt-5.5`",
                    role_name(options.role)
                ))
            })?;
    let home = Home::open(cx)?;
    let unlisted = unlisted(&home, cx, &chosen)?;
    if let Some(message) = &unlisted
        && options.strict
    {
        return Err(CliError::usage(message.clone()).with_hint(
            "pick a model `netclaw model list` shows, or drop `--strict` to set it anyway",
        ));
    }
    enum Refused {
        Config(ConfigError),
        NoProvider,
    }
    impl From<ConfigError> for Refused {
        fn from(e: ConfigError) -> Self {
            Self::Config(e)
        }
    }
    let outcome = home.store.update(|doc| {
        let Some(provider) = doc.resolve_provider_name(&chosen.provider) else {
            return Err(Refused::NoProvider);
        };
        let previous = doc.settings()?.models.role(options.role).cloned();
        let mut model = ModelRef::new(provider.clone(), chosen.model.clone());
        model.context_window = options.context_window;
        model.provenance = Some("Manual".to_owned());
        doc.set_model_role(options.role, Some(model))?;
        Ok((provider, previous))
    });
    let (provider, previous) = match outcome {
        Ok(done) => done,
        Err(Refused::NoProvider) => return Err(no_such_provider(&chosen.provider)),
        Err(Refused::Config(e)) => return Err(e.into()),
    };
    if options.role == ModelRole::Main
        && let (Some(new), Some(old)) = (
            options.context_window,
            previous.as_ref().and_then(|p| p.context_window),
        )
        && new < old
    {
        cx.printer.warning(format!(
            "the main model's context window shrinks from {old} to {new} tokens; long conversations are compacted sooner"
        ));
    }
    if let Some(message) = unlisted {
        cx.printer.warning(message);
    }
    let window = options
        .context_window
        .map(|n| format!(" (context window {n})"))
        .unwrap_or_default();
    cx.printer.success(format!(
        "{} model: {provider}/{}{window}",
        options.role.key(),
        chosen.model
    ));
    Ok(Exit::Success)
}

/// What is wrong with `chosen` when its provider's last listing (else its bundled catalog)
/// does not have the model: the close names it does have. `None` when it is listed or when
/// nothing is known of the provider's models yet.
fn unlisted(
    home: &Home,
    cx: &Context<'_>,
    chosen: &ProviderModel,
) -> Result<Option<String>, CliError> {
    let runtime = home.runtime(cx)?;
    let Some(provider) = runtime
        .provider(&chosen.provider)
        .map(|p| p.name.to_owned())
    else {
        return Ok(None);
    };
    let known: Vec<String> = runtime
        .listed_models()
        .into_iter()
        .filter(|(p, _)| *p == provider)
        .map(|(_, m)| m)
        .collect();
    if known.is_empty() || known.contains(&chosen.model) {
        return Ok(None);
    }
    let near = closest(&chosen.model, known.iter().map(String::as_str));
    let mut message = format!("`{provider}` does not list a model `{}`", chosen.model);
    if !near.is_empty() {
        let names: Vec<String> = near.iter().map(|m| format!("`{provider}/{m}`")).collect();
        message.push_str(&format!("; did you mean {}?", names.join(" or ")));
    }
    Ok(Some(message))
}

/// `model clear`: only the optional roles.
pub(crate) fn clear(cx: &Context<'_>, role: ModelRole) -> Result<Exit, CliError> {
    if role == ModelRole::Main {
        return Err(CliError::usage("the main model cannot be cleared")
            .with_hint("choose another one with `netclaw model set main <provider>/<model>`"));
    }
    let home = Home::open(cx)?;
    home.store.set_model_role(role, None)?;
    cx.printer
        .success(format!("Cleared the {} model", role_name(role)));
    Ok(Exit::Success)
}
