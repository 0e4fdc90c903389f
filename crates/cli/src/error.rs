//! `CliError`: what went wrong, why, what to do about it, and the exit code (uv style).

use std::fmt::Display;

use netclaw_config::Hint;
use std::process::ExitCode;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Success,
    /// 1: the command failed.
    Failure,
    /// 2: usage error (bad arguments, an interactive command without a terminal), or from
    /// `provider probe`: a login expires soon and cannot be renewed.
    Usage,
    /// 130: interrupted by Ctrl-C.
    Interrupted,
}

impl Exit {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            Self::Success => 0,
            Self::Failure => 1,
            Self::Usage => 2,
            Self::Interrupted => 130,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit.code())
    }
}

/// A failure shown to the user as `error: …` / `caused by: …` / `hint: …`.
///
/// Any `std::error::Error` converts into it with `?`, keeping its `source()` chain as causes.
#[derive(Debug)]
pub struct CliError {
    message: String,
    causes: Vec<String>,
    hint: Option<String>,
    exit: Exit,
}

impl CliError {
    /// A failure (exit 1) with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            causes: Vec::new(),
            hint: None,
            exit: Exit::Failure,
        }
    }

    /// A usage error (exit 2) with `message`.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(message).with_exit(Exit::Usage)
    }

    /// Adds what to do about it (name the command that fixes it).
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds a cause line.
    #[must_use]
    pub fn with_cause(mut self, cause: impl Display) -> Self {
        self.causes.push(cause.to_string());
        self
    }

    /// Sets the exit code.
    #[must_use]
    pub fn with_exit(mut self, exit: Exit) -> Self {
        self.exit = exit;
        self
    }

    /// Puts `context` in front: the old message becomes the first cause.
    #[must_use]
    pub fn context(mut self, context: impl Into<String>) -> Self {
        let old = std::mem::replace(&mut self.message, context.into());
        self.causes.insert(0, old);
        self
    }

    /// The headline.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The cause lines, outermost first.
    pub fn causes(&self) -> &[String] {
        &self.causes
    }

    /// The hint, if any.
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }

    /// The exit code.
    pub fn exit(&self) -> Exit {
        self.exit
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for CliError {
    fn from(error: E) -> Self {
        let mut causes = Vec::new();
        let mut source = error.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            // Errors that wrap with `{0}` repeat their source: show each sentence once.
            if !error.to_string().ends_with(&text) && causes.last() != Some(&text) {
                causes.push(text);
            }
            source = cause.source();
        }
        let hint = known_hint(&error);
        Self {
            message: error.to_string(),
            causes,
            hint,
            exit: Exit::Failure,
        }
    }
}

/// The hint of an error that knows its fix ([`Hint`]): every library error type that
/// implements it is tried, so a `?` anywhere keeps the fix for the `hint:` line.
fn known_hint(error: &(dyn std::any::Any + Send + Sync)) -> Option<String> {
    fn of<E: Hint + 'static>(error: &(dyn std::any::Any + Send + Sync)) -> Option<Option<String>> {
        error.downcast_ref::<E>().map(Hint::hint)
    }
    of::<netclaw_config::ConfigError>(error)
        .or_else(|| of::<netclaw_providers::chat::ChatError>(error))
        .or_else(|| of::<netclaw_daemon::StartError>(error))
        .flatten()
}

impl CliError {
    /// An error that knows its fix, with that fix as the hint and its short form as the
    /// message (`summary` for chat errors, which also carry a longer technical text).
    pub fn hinted(message: impl Into<String>, error: &impl Hint) -> Self {
        let error_hint = error.hint();
        let cli = Self::new(message);
        match error_hint {
            Some(hint) => cli.with_hint(hint),
            None => cli,
        }
    }
}

#[cfg(test)]
mod tests;
