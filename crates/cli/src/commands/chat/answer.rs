//! One answer, streamed to stdout as it arrives, whichever backend serves it; the one function
//! both `netclaw chat PROMPT` and the REPL call.

use futures_util::StreamExt;
use netclaw_config::ProviderName;
use netclaw_daemon::api::{ChatEvent, ChatRequest as DaemonChatRequest};
use netclaw_providers::chat::{ChatRequest, Message, ProgressSink, StreamEvent, Usage};

use super::Target;
use super::backend::Backend;
use crate::context::Context;
use crate::error::CliError;
use crate::spinner::Spinner;

/// The dim line that says another model (or another account of it) answered than the one
/// asked for; `served` is `provider/model[@account]`.
fn served_note(cx: &Context<'_>, target: &Target, served: &str, reason: Option<&str>) {
    let same_model = served
        .split_once('/')
        .is_some_and(|(p, m)| ProviderName::same(p, &target.provider) && m == target.model);
    if same_model && reason.is_none() {
        return;
    }
    let why = reason.map(|r| format!(" ({r})")).unwrap_or_default();
    cx.printer.message(cx.printer.dim(format!(
        "served by {served} instead of {}/{}{why}",
        target.provider, target.model
    )));
}

/// Says what the wait is for (a retry): in the spinner on a terminal, as a line otherwise.
fn announce(cx: &Context<'_>, spinner: Option<&Spinner>, news: &str) {
    match spinner {
        Some(spinner) if cx.printer.animations() => spinner.set_message(format!("{news}…")),
        _ => cx.printer.message(cx.printer.dim(news)),
    }
}

/// Streams one answer to stdout; returns its text.
pub(super) async fn answer(
    cx: &Context<'_>,
    backend: &Backend,
    target: &Target,
    messages: &[Message],
) -> Result<String, CliError> {
    let p = cx.printer;
    let mut spinner = Some(Spinner::start(p, "Thinking…"));
    let mut text = String::new();
    let mut usage: Option<Usage> = None;
    let mut served = format!("{}/{}", target.provider, target.model);
    let on_text = |piece: &str, text: &mut String, spinner: &mut Option<Spinner>| {
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
                        served = match &by.account {
                            Some(account) => format!("{}/{}@{account}", by.provider, by.model),
                            None => format!("{}/{}", by.provider, by.model),
                        };
                        served_note(cx, target, &served, by.fallback_reason.as_deref());
                    }
                    ChatEvent::Text { text: piece } => on_text(&piece, &mut text, &mut spinner),
                    ChatEvent::Retrying { message } => announce(cx, spinner.as_ref(), &message),
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
            let (progress, mut heard) = ProgressSink::channel();
            let request = ChatRequest {
                progress,
                ..ChatRequest::new(&target.model, messages.to_vec())
            };
            let serve = direct.runtime.serve(&direct.plan, request);
            tokio::pin!(serve);
            // A failure that is retried says so while the wait goes on, instead of seconds of
            // silence before an error.
            let answer = loop {
                tokio::select! {
                    answer = &mut serve => break answer,
                    Some(news) = heard.recv() => announce(cx, spinner.as_ref(), &news.to_string()),
                }
            };
            let answered = match answer {
                Ok(answered) => answered,
                Err(refusal) => return Err(CliError::hinted(refusal.message(), &refusal)),
            };
            served = answered.candidate.served_name();
            served_note(cx, target, &served, answered.fallback_reason().as_deref());
            let mut stream = answered.into_stream();
            while let Some(event) = stream.next().await {
                match event {
                    Ok(StreamEvent::TextDelta { text: piece }) => {
                        on_text(&piece, &mut text, &mut spinner);
                    }
                    Ok(StreamEvent::Usage(u)) => usage = Some(u),
                    Ok(StreamEvent::Done { .. }) => break,
                    Ok(_) => {}
                    Err(e) => return Err(CliError::hinted(e.summary(), &e)),
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
