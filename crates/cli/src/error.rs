//! `CliError`: what went wrong, why, what to do about it, and the exit code (uv style).

use std::fmt::Display;
use std::process::ExitCode;

/// The documented exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Success,
    /// 1: the command failed.
    Failure,
    /// 2: usage error (bad arguments, an interactive command without a terminal), or from
    /// `provider probe`: a token expires soon.
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
        // Errors that know their fix carry it as the hint.
        let any: &dyn std::any::Any = &error;
        let hint = any
            .downcast_ref::<netclaw_config::ConfigError>()
            .and_then(netclaw_config::ConfigError::hint);
        Self {
            message: error.to_string(),
            causes,
            hint,
            exit: Exit::Failure,
        }
    }
}

#[cfg(test)]
mod tests;
