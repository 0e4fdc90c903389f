//! `netclaw chat [-m provider/model] [PROMPT]`: streams the answer as it arrives, through the
//! daemon when one runs, straight to the provider otherwise; stdin is appended when piped; a
//! REPL on a terminal with no prompt. Without `-m`, the configured chain answers (main, then
//! fallbacks, skipping providers that are cooling down); a dim line says when another model
//! than the one asked for answered.

use std::collections::HashMap;
use std::sync::Arc;

use futures_util::StreamExt;
use netclaw_config::{AuthMethod, ProviderModel};
use netclaw_daemon::api::{ChatEvent, ChatRequest as DaemonChatRequest};
use netclaw_providers::chat::{
    AnthropicClient, ChatClient, ChatCompletionsClient, ChatRequest, ClientConfig, CodexClient,
    CompletionsFlavor, Message, OllamaClient, OpenAiResponsesClient, StreamEvent, Usage,
};
use netclaw_providers::descriptor::ProviderKind;
use netclaw_providers::resilience::{Candidate, Plan, Resilience};

use super::daemon::running;
use super::provider::probe::manager;
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::options::ChatOptions;
use crate::spinner::Spinner;

/// Where answers come from.
enum Backend {
    Daemon(netclaw_daemon::DaemonClient),
    Direct(Box<Direct>),
}

/// Chatting without a daemon: the same chain and cooldown file the daemon uses.
struct Direct {
    plan: Plan,
    clients: HashMap<String, Result<Arc<dyn ChatClient>, String>>,
    resilience: Resilience,
    threshold: Option<f64>,
}

struct Target {
    provider: String,
    model: String,
    /// Named with `-m` (falls back only with `Models.FallbackOnExplicit`).
    explicit: bool,
}

/// The chain for `target`, each provider's client built once, and the home's cooldowns.
fn direct(home: &Home, cx: &Context<'_>, target: &Target) -> Result<Direct, CliError> {
    let settings = home.store.read()?.settings()?;
    let models = &settings.models;
    let asked = Candidate::new(&target.provider, &target.model);
    let mut plan = if target.explicit {
        Plan::explicit(models, asked)
    } else {
        Plan::configured(models)
    };
    let mut clients = HashMap::new();
    for candidate in &mut plan.candidates {
        if let Some((key, entry)) = settings.provider(&candidate.provider) {
            candidate.provider = key.to_owned();
            candidate.login_stamp = entry.oauth_token_expiry;
        }
        if !clients.contains_key(&candidate.provider) {
            let client = match direct_client(home, cx, &candidate.provider) {
                Ok(client) => Ok(client),
                // The model asked for must be usable, as before there was a chain.
                Err(e) if candidate.provider.eq_ignore_ascii_case(&target.provider) => {
                    return Err(e);
                }
                Err(e) => Err(e.message().to_owned()),
            };
            clients.insert(candidate.provider.clone(), client);
        }
    }
    Ok(Direct {
        plan,
        clients,
        resilience: Resilience::persistent(
            home.paths.cooldowns_file(),
            Arc::new(netclaw_oauth::SystemClock),
        ),
        threshold: models.switch_at_used_percent,
    })
}

/// The dim line that says another model answered than the one asked for.
fn served_note(
    cx: &Context<'_>,
    target: &Target,
    provider: &str,
    model: &str,
    reason: Option<&str>,
) {
    if provider.eq_ignore_ascii_case(&target.provider) && model == target.model {
        return;
    }
    let why = reason.map(|r| format!(" ({r})")).unwrap_or_default();
    cx.printer.message(cx.printer.dim(format!(
        "served by {provider}/{model} instead of {}/{}{why}",
        target.provider, target.model
    )));
}

fn target(home: &Home, wanted: Option<&str>) -> Result<Target, CliError> {
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

fn direct_client(
    home: &Home,
    cx: &Context<'_>,
    name: &str,
) -> Result<Arc<dyn ChatClient>, CliError> {
    let doc = home.store.read()?;
    let entry = doc.provider(name)?.ok_or_else(|| no_such_provider(name))?;
    let descriptor = home.descriptor(&entry.provider_type)?;
    let method = if entry.auth_method == AuthMethod::None && !descriptor.credential_optional() {
        descriptor.default_auth_method()
    } else {
        entry.auth_method
    };
    let endpoint = descriptor
        .effective_endpoint(entry.endpoint.as_deref(), method)
        .ok_or_else(|| CliError::new(format!("provider `{name}` has no endpoint")))?;
    let http = crate::http::client()?;
    let mut config = ClientConfig::new(name, endpoint);
    if method != AuthMethod::None {
        config = config.with_bearer(manager(home, cx, &http).bearer_source(name));
    }
    let built: Result<Arc<dyn ChatClient>, _> = match descriptor.kind {
        ProviderKind::OpenAi if method.is_oauth() => {
            CodexClient::new(config).map(|c| Arc::new(c) as _)
        }
        ProviderKind::OpenAi => OpenAiResponsesClient::new(config).map(|c| Arc::new(c) as _),
        ProviderKind::Anthropic => AnthropicClient::new(config).map(|c| Arc::new(c) as _),
        ProviderKind::OpenRouter => {
            ChatCompletionsClient::new(config, CompletionsFlavor::OpenRouter)
                .map(|c| Arc::new(c) as _)
        }
        ProviderKind::Ollama => OllamaClient::new(config).map(|c| Arc::new(c) as _),
        ProviderKind::OpenAiCompatible => {
            ChatCompletionsClient::new(config, CompletionsFlavor::Compatible)
                .map(|c| Arc::new(c) as _)
        }
    };
    built.map_err(|e| CliError::new(e.summary()))
}

/// Streams one answer to stdout; returns its text.
async fn answer(
    cx: &Context<'_>,
    backend: &Backend,
    target: &Target,
    messages: &[Message],
) -> Result<String, CliError> {
    let p = cx.printer;
    let spinner = Some(Spinner::start(p, "Thinking…"));
    let mut spinner = spinner;
    let mut text = String::new();
    let mut usage: Option<Usage> = None;
    let mut served = format!("{}/{}", target.provider, target.model);
    let mut on_text = |piece: &str, text: &mut String| {
        spinner.take();
        p.data_raw(piece);
        text.push_str(piece);
    };
    match backend {
        Backend::Daemon(client) => {
            let request = DaemonChatRequest {
                provider: target.explicit.then(|| target.provider.clone()),
                model: target.explicit.then(|| target.model.clone()),
                messages: messages.to_vec(),
                tools: Vec::new(),
            };
            let mut stream = client.chat(&request).await.map_err(CliError::from)?;
            while let Some(event) = stream.next().await {
                match event.map_err(CliError::from)? {
                    ChatEvent::ServedBy(by) => {
                        served_note(
                            cx,
                            target,
                            &by.provider,
                            &by.model,
                            by.fallback_reason.as_deref(),
                        );
                        served = format!("{}/{}", by.provider, by.model);
                    }
                    ChatEvent::Text { text: piece } => on_text(&piece, &mut text),
                    ChatEvent::Usage(u) => usage = Some(u),
                    ChatEvent::Error(body) => {
                        let error = CliError::new(body.message);
                        return Err(match body.hint {
                            Some(hint) => error.with_hint(hint),
                            None => error,
                        });
                    }
                    ChatEvent::Done { .. } => break,
                    _ => {}
                }
            }
        }
        Backend::Direct(direct) => {
            let request = ChatRequest::new(&target.model, messages.to_vec());
            let answer = direct
                .resilience
                .first_answer(&direct.plan, request, direct.threshold, |c| {
                    direct
                        .clients
                        .get(&c.provider)
                        .cloned()
                        .unwrap_or_else(|| Err(format!("no provider named `{}`", c.provider)))
                })
                .await;
            let answered = match answer {
                Ok(answered) => answered,
                Err(refusal) => {
                    let error = CliError::new(refusal.message());
                    return Err(match refusal.hint() {
                        Some(hint) => error.with_hint(hint),
                        None => error,
                    });
                }
            };
            served_note(
                cx,
                target,
                &answered.candidate.provider,
                &answered.candidate.model,
                answered.fallback_reason().as_deref(),
            );
            served = answered.candidate.public_name();
            let mut stream = answered.into_stream();
            while let Some(event) = stream.next().await {
                match event {
                    Ok(StreamEvent::TextDelta { text: piece }) => on_text(&piece, &mut text),
                    Ok(StreamEvent::Usage(u)) => usage = Some(u),
                    Ok(StreamEvent::Done { .. }) => break,
                    Ok(_) => {}
                    Err(e) => {
                        let error = CliError::new(e.summary());
                        return Err(match e.hint() {
                            Some(hint) => error.with_hint(hint),
                            None => error,
                        });
                    }
                }
            }
        }
    }
    drop(spinner);
    if !text.ends_with('\n') {
        p.data_raw("\n");
    }
    if let Some(u) = usage {
        p.detail(p.dim(format!(
            "{served}: {} input + {} output = {} tokens",
            u.input_tokens,
            u.output_tokens,
            u.total_tokens()
        )));
    }
    Ok(text)
}

/// `chat`.
pub(crate) async fn run(cx: &Context<'_>, options: ChatOptions) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let target = target(&home, options.model.as_deref())?;
    let backend = match (options.no_daemon, running(&home).await) {
        (false, Some(client)) => {
            cx.printer
                .detail(format!("through the daemon at {}", client.base_url()));
            Backend::Daemon(client)
        }
        _ => Backend::Direct(Box::new(direct(&home, cx, &target)?)),
    };
    let piped = if cx.input.is_tty() {
        String::new()
    } else {
        cx.input.read_all()?
    };
    let prompt = match (options.prompt, piped.trim().is_empty()) {
        (Some(prompt), true) => prompt,
        (Some(prompt), false) => format!("{prompt}\n\n{piped}"),
        (None, false) => piped,
        (None, true) if cx.input.is_tty() => return repl(cx, &backend, &target).await,
        (None, true) => {
            return Err(CliError::usage("nothing to send").with_hint(
                "pass a prompt (`netclaw chat \"hello\"`) or pipe text (`git diff | netclaw chat \"review this\"`)",
            ));
        }
    };
    answer(cx, &backend, &target, &[Message::user(prompt)]).await?;
    Ok(Exit::Success)
}

/// A conversation on a terminal: Ctrl-C cancels the current answer, Ctrl-D (or `/exit`) ends.
async fn repl(cx: &Context<'_>, backend: &Backend, target: &Target) -> Result<Exit, CliError> {
    let p = cx.printer;
    p.message(format!(
        "Chatting with {}/{} — Ctrl-C cancels an answer, Ctrl-D exits.",
        target.provider, target.model
    ));
    let mut messages: Vec<Message> = Vec::new();
    loop {
        p.message_raw(&p.bold("› "));
        let Some(line) = cx.input.next_line().await else {
            p.message("");
            return Ok(Exit::Success);
        };
        let line = line?;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if line == "/exit" || line == "/quit" {
            return Ok(Exit::Success);
        }
        messages.push(Message::user(line));
        tokio::select! {
            result = answer(cx, backend, target, &messages) => match result {
                Ok(text) => messages.push(Message::assistant(text)),
                Err(error) => {
                    p.error(&error);
                    messages.pop();
                }
            },
            _ = tokio::signal::ctrl_c() => {
                p.data_raw("\n");
                p.message(p.dim("(cancelled)"));
                messages.pop();
            }
        }
    }
}
