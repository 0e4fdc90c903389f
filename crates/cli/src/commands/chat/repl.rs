//! The conversation on a terminal: each prompt is sent with every earlier prompt and answer of
//! the session, through the same backend and `answer` as a one-shot `netclaw chat PROMPT`.
//! Ctrl-C cancels the answer that streams (it is dropped from the conversation, with its
//! prompt); Ctrl-D or `/exit` ends.

use netclaw_providers::chat::Message;

use super::answer::answer;
use super::backend::Backend;
use super::interrupts::Interrupts;
use super::line_editor::{LineEditor, Typed as Key};
use super::slash::{self, HELP, Typed};
use super::{Target, target};
use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;

/// What the prompt looks like.
const PROMPT: &str = "› ";

/// Runs the REPL until Ctrl-D or `/exit`.
pub(super) async fn run(
    cx: &Context<'_>,
    home: &Home,
    mut backend: Backend,
    mut target: Target,
) -> Result<Exit, CliError> {
    let p = cx.printer;
    let mut editor = LineEditor::open(PROMPT)?;
    let mut interrupts = Interrupts::listen()?;
    p.message(format!(
        "Chatting with {} — Ctrl-C cancels an answer, Ctrl-D exits, /help lists commands.",
        target.name()
    ));
    let mut messages: Vec<Message> = Vec::new();
    loop {
        let line = match editor.read().await? {
            Key::Line(line) => line,
            Key::Interrupted => continue,
            Key::End => return Ok(Exit::Success),
        };
        match slash::parse(&line) {
            Typed::Blank => {}
            Typed::Exit => return Ok(Exit::Success),
            Typed::Help => p.message(HELP),
            Typed::Clear => {
                messages.clear();
                p.message(p.dim("(conversation cleared)"));
            }
            Typed::ShowModel => p.message(format!("chatting with {}", target.name())),
            Typed::Model(spec) => match target_of(home, &mut backend, spec) {
                Ok(next) => {
                    target = next;
                    p.message(format!("now chatting with {}", target.name()));
                }
                Err(error) => p.error(&error),
            },
            Typed::Unknown(name) => p.error(
                &CliError::usage(format!("no REPL command `/{name}`")).with_hint(
                    "`/help` lists them; start the line with `//` to send it as a prompt",
                ),
            ),
            Typed::Prompt(text) => {
                messages.push(Message::user(text));
                interrupts.forget_pending();
                tokio::select! {
                    result = answer(cx, &backend, &target, &messages) => match result {
                        Ok(text) => messages.push(Message::assistant(text)),
                        Err(error) => {
                            p.error(&error);
                            messages.pop();
                        }
                    },
                    () = interrupts.next() => {
                        p.data_raw("\n");
                        p.message(p.dim("(cancelled)"));
                        messages.pop();
                    }
                }
            }
        }
    }
}

/// The target `/model spec` names, with the backend pointed at it.
fn target_of(home: &Home, backend: &mut Backend, spec: &str) -> Result<Target, CliError> {
    let next = target(home, Some(spec))?;
    backend.retarget(&next)?;
    Ok(next)
}
