//! `Prompter`: every question the CLI asks, behind a trait so wizards run scripted in tests.

mod line;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use secrecy::SecretString;

use crate::error::{CliError, Exit};

/// Why a question got no answer.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// No terminal to ask on.
    #[error("this needs an interactive terminal")]
    NotInteractive,
    /// The user pressed Ctrl-C.
    #[error("interrupted")]
    Interrupted,
    /// The user pressed Esc at a text prompt: go back a step (or cancel where there is none).
    #[error("cancelled (Esc)")]
    Back,
    /// The terminal failed.
    #[error("terminal error: {0}")]
    Terminal(String),
    /// A scripted prompter ran out of answers or got the wrong kind of question.
    #[error("script: {0}")]
    Script(String),
}

impl PromptError {
    /// As a [`CliError`]; `flags` names the non-interactive way to do the same thing.
    pub(crate) fn into_cli(self, flags: &str) -> CliError {
        match self {
            Self::NotInteractive => CliError::usage("this command needs an interactive terminal")
                .with_hint(format!("run it in a terminal, or use {flags}")),
            Self::Interrupted => CliError::new("interrupted").with_exit(Exit::Interrupted),
            other => CliError::new(other.to_string()),
        }
    }
}

/// Asks the user things. `select` returns `None` when the user goes back (Esc).
pub trait Prompter: Send {
    /// Whether a person can answer.
    fn is_interactive(&self) -> bool;
    /// Pick one of `items`; `None` means "go back".
    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> Result<Option<usize>, PromptError>;
    /// Yes or no.
    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, PromptError>;
    /// A secret, typed without echo; Esc is [`PromptError::Back`].
    fn password(&mut self, prompt: &str) -> Result<SecretString, PromptError>;
    /// A line of text; empty input takes `default`; Esc is [`PromptError::Back`].
    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String, PromptError>;
}

/// The real terminal, through dialoguer, on stderr.
#[derive(Debug)]
pub struct TtyPrompter {
    interactive: bool,
}

impl TtyPrompter {
    /// A prompter that asks when both stdin and stderr are terminals.
    pub fn detect() -> Self {
        use std::io::IsTerminal;
        Self {
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        }
    }
}

fn terminal_error(e: dialoguer::Error) -> PromptError {
    match e {
        dialoguer::Error::IO(io) if io.kind() == std::io::ErrorKind::Interrupted => {
            PromptError::Interrupted
        }
        dialoguer::Error::IO(io) => PromptError::Terminal(io.to_string()),
    }
}

impl TtyPrompter {
    fn line(
        &self,
        prompt: &str,
        default: Option<&str>,
        hidden: bool,
    ) -> Result<String, PromptError> {
        if !self.interactive {
            return Err(PromptError::NotInteractive);
        }
        let outcome = line::ask_line(&console::Term::stderr(), prompt, default, hidden)
            .map_err(|e| terminal_error(dialoguer::Error::IO(e)))?;
        match outcome {
            line::LineOutcome::Entered(text) => Ok(text),
            line::LineOutcome::Back => Err(PromptError::Back),
            line::LineOutcome::Interrupted => Err(PromptError::Interrupted),
        }
    }
}

impl Prompter for TtyPrompter {
    fn is_interactive(&self) -> bool {
        self.interactive
    }

    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> Result<Option<usize>, PromptError> {
        if !self.interactive {
            return Err(PromptError::NotInteractive);
        }
        dialoguer::Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact_on_opt(&console::Term::stderr())
            .map_err(terminal_error)
    }

    fn confirm(&mut self, prompt: &str, default: bool) -> Result<bool, PromptError> {
        if !self.interactive {
            return Err(PromptError::NotInteractive);
        }
        dialoguer::Confirm::new()
            .with_prompt(prompt)
            .default(default)
            .interact_on(&console::Term::stderr())
            .map_err(terminal_error)
    }

    fn password(&mut self, prompt: &str) -> Result<SecretString, PromptError> {
        self.line(prompt, None, true).map(SecretString::from)
    }

    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String, PromptError> {
        self.line(prompt, default, false)
    }
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Pick the first item whose label contains this text.
    Pick(String),
    /// Go back (Esc).
    Back,
    /// Answer a yes/no question.
    Confirm(bool),
    /// Type a secret.
    Password(String),
    /// Type a line (empty takes the default).
    Input(String),
}

/// Answers questions from a list, and records every question it was asked.
#[derive(Debug, Clone, Default)]
pub struct ScriptedPrompter {
    answers: Arc<Mutex<VecDeque<Answer>>>,
    transcript: Arc<Mutex<Vec<String>>>,
}

impl ScriptedPrompter {
    /// A prompter that gives `answers` in order.
    pub fn new(answers: impl IntoIterator<Item = Answer>) -> Self {
        Self {
            answers: Arc::new(Mutex::new(answers.into_iter().collect())),
            transcript: Arc::default(),
        }
    }

    /// Every question and answer so far, one per line (secrets shown as `***`).
    pub fn transcript(&self) -> Vec<String> {
        self.transcript
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Answers not used yet.
    pub fn remaining(&self) -> usize {
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn next(&self, question: &str) -> Result<Answer, PromptError> {
        self.answers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop_front()
            .ok_or_else(|| PromptError::Script(format!("no answer left for `{question}`")))
    }

    fn record(&self, line: String) {
        self.transcript
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line);
    }
}

impl Prompter for ScriptedPrompter {
    fn is_interactive(&self) -> bool {
        true
    }

    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        _default: usize,
    ) -> Result<Option<usize>, PromptError> {
        match self.next(prompt)? {
            Answer::Back => {
                self.record(format!("? {prompt} [{}] -> (back)", items.join(" | ")));
                Ok(None)
            }
            Answer::Pick(text) => {
                let index = items
                    .iter()
                    .position(|item| item.contains(&text))
                    .ok_or_else(|| {
                        PromptError::Script(format!(
                            "`{prompt}`: no item contains `{text}` in {items:?}"
                        ))
                    })?;
                self.record(format!(
                    "? {prompt} [{}] -> {}",
                    items.join(" | "),
                    items[index]
                ));
                Ok(Some(index))
            }
            other => Err(PromptError::Script(format!(
                "`{prompt}` is a selection, the script says {other:?}"
            ))),
        }
    }

    fn confirm(&mut self, prompt: &str, _default: bool) -> Result<bool, PromptError> {
        match self.next(prompt)? {
            Answer::Confirm(yes) => {
                self.record(format!("? {prompt} -> {}", if yes { "yes" } else { "no" }));
                Ok(yes)
            }
            other => Err(PromptError::Script(format!(
                "`{prompt}` is a yes/no question, the script says {other:?}"
            ))),
        }
    }

    fn password(&mut self, prompt: &str) -> Result<SecretString, PromptError> {
        match self.next(prompt)? {
            Answer::Password(secret) => {
                self.record(format!("? {prompt} -> ***"));
                Ok(SecretString::from(secret))
            }
            Answer::Back => {
                self.record(format!("? {prompt} -> (back)"));
                Err(PromptError::Back)
            }
            other => Err(PromptError::Script(format!(
                "`{prompt}` asks for a secret, the script says {other:?}"
            ))),
        }
    }

    fn input(&mut self, prompt: &str, default: Option<&str>) -> Result<String, PromptError> {
        match self.next(prompt)? {
            Answer::Input(text) => {
                let value = if text.is_empty() {
                    default.unwrap_or_default().to_owned()
                } else {
                    text
                };
                self.record(format!("? {prompt} -> {value}"));
                Ok(value)
            }
            Answer::Back => {
                self.record(format!("? {prompt} -> (back)"));
                Err(PromptError::Back)
            }
            other => Err(PromptError::Script(format!(
                "`{prompt}` asks for text, the script says {other:?}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests;
