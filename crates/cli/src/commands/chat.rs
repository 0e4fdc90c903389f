//! `netclaw chat [-m provider/model] [PROMPT]`: streams the answer as it arrives, through the
//! daemon when one runs, straight to the provider otherwise; stdin is appended when piped; a
//! REPL on a terminal with no prompt.

use std::sync::Arc;

use futures_util::StreamExt;
use netclaw_config::{AuthMethod, ProviderModel};
use netclaw_daemon::api::{ChatEvent, ChatRequest as DaemonChatRequest};
use netclaw_providers::chat::{
    AnthropicClient, ChatClient, ChatCompletionsClient, ChatRequest, ClientConfig, CodexClient,
    CompletionsFlavor, Message, OllamaClient, OpenAiResponsesClient, StreamEvent, Usage,
};
use netclaw_providers::descriptor::ProviderKind;

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
    Direct(Arc<dyn ChatClient>),
}

struct Target {
    provider: String,
    model: String,
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
    let mut on_text = |piece: &str, text: &mut String| {
        spinner.take();
        p.data_raw(piece);
        text.push_str(piece);
    };
    match backend {
        Backend::Daemon(client) => {
            let request = DaemonChatRequest {
                provider: Some(target.provider.clone()),
                model: Some(target.model.clone()),
                messages: messages.to_vec(),
                tools: Vec::new(),
            };
            let mut stream = client.chat(&request).await.map_err(CliError::from)?;
            while let Some(event) = stream.next().await {
                match event.map_err(CliError::from)? {
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
        Backend::Direct(client) => {
            let mut stream = client.stream(ChatRequest::new(&target.model, messages.to_vec()));
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
            "{}/{}: {} input + {} output = {} tokens",
            target.provider,
            target.model,
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
        _ => Backend::Direct(direct_client(&home, cx, &target.provider)?),
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
