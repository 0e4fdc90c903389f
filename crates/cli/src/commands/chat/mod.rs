//! `netclaw chat [-m provider/model] [PROMPT]`: streams the answer as it arrives, through the
//! daemon when one runs, straight to the provider otherwise; stdin is appended when piped; a
//! REPL with line editing and in-memory history on a terminal with no prompt. Without `-m`, the
//! configured chain answers (main, then fallbacks, skipping providers that are cooling down); a
//! dim line says when another model than the one asked for answered.

mod answer;
mod backend;
mod interrupts;
mod line_editor;
mod repl;
mod slash;

use netclaw_config::ProviderModel;
use netclaw_providers::chat::Message;

use self::answer::answer;
use self::backend::Backend;
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::options::ChatOptions;

/// The model a chat asks for.
pub(super) struct Target {
    pub(super) provider: String,
    pub(super) model: String,
    /// Named with `-m` (falls back only with `Models.FallbackOnExplicit`).
    pub(super) explicit: bool,
}

impl Target {
    /// `provider/model`.
    pub(super) fn name(&self) -> String {
        format!("{}/{}", self.provider, self.model)
    }
}

/// The model named by `wanted` (`provider/model`), else the configured main model.
pub(super) fn target(home: &Home, wanted: Option<&str>) -> Result<Target, CliError> {
    let settings = home.store.read()?.settings()?;
    let chosen = match wanted {
        Some(text) => {
            let parsed: ProviderModel =
                text.parse()
                    .map_err(|e: netclaw_config::InvalidProviderModel| {
                        CliError::usage(e.to_string())
                            .with_hint("write it as `-m <provider>/<model>`")
                    })?;
            (parsed.provider, parsed.model)
        }
        None => match &settings.models.main {
            Some(main) => (main.provider.clone(), main.model_id.clone()),
            None => {
                return Err(CliError::usage("no model given and no main model set").with_hint(
                    "pass `-m <provider>/<model>`, or set one with `netclaw model set main <provider>/<model>`",
                ));
            }
        },
    };
    let (name, _) = settings
        .provider(&chosen.0)
        .ok_or_else(|| no_such_provider(&chosen.0))?;
    Ok(Target {
        provider: name.to_owned(),
        model: chosen.1,
        explicit: wanted.is_some(),
    })
}

/// `chat`.
pub(crate) async fn run(cx: &Context<'_>, options: ChatOptions) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let target = target(&home, options.model.as_deref())?;
    let backend = Backend::connect(&home, cx, &target, options.no_daemon).await?;
    let piped = if cx.input.is_tty() {
        String::new()
    } else {
        cx.input.read_all()?
    };
    let prompt = match (options.prompt, piped.trim().is_empty()) {
        (Some(prompt), true) => prompt,
        (Some(prompt), false) => format!("{prompt}\n\n{piped}"),
        (None, false) => piped,
        (None, true) if cx.input.is_tty() => return repl::run(cx, &home, backend, target).await,
        (None, true) => {
            return Err(CliError::usage("nothing to send").with_hint(
                "pass a prompt (`netclaw chat \"hello\"`) or pipe text (`git diff | netclaw chat \"review this\"`)",
            ));
        }
    };
    answer(cx, &backend, &target, &[Message::user(prompt)]).await?;
    Ok(Exit::Success)
}
