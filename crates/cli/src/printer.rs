//! `Printer`: the one place that writes to the terminal. Data goes to stdout, messages to stderr.
//!
//! `-q` silences messages (never data or errors), `-v` enables detail, colour follows
//! `NO_COLOR` and whether stderr is a terminal.

use std::fmt::Display;
use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use console::Style;
use serde::Serialize;

use crate::error::CliError;

type Sink = Mutex<Box<dyn Write + Send>>;

/// Writes data to stdout and messages to stderr.
pub struct Printer {
    out: Sink,
    err: Sink,
    quiet: bool,
    verbose: u8,
    color: bool,
    stderr_is_tty: bool,
}

impl std::fmt::Debug for Printer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Printer")
            .field("quiet", &self.quiet)
            .field("verbose", &self.verbose)
            .field("color", &self.color)
            .finish_non_exhaustive()
    }
}

/// Where a [`Printer`] writes and what the terminal looks like.
pub struct Terminal {
    /// Standard output.
    pub stdout: Box<dyn Write + Send>,
    /// Standard error.
    pub stderr: Box<dyn Write + Send>,
    /// Whether stdout is a terminal.
    pub stdout_is_tty: bool,
    /// Whether stderr is a terminal (spinners, colour, OSC 52 only then).
    pub stderr_is_tty: bool,
}

impl std::fmt::Debug for Terminal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Terminal")
            .field("stdout_is_tty", &self.stdout_is_tty)
            .field("stderr_is_tty", &self.stderr_is_tty)
            .finish_non_exhaustive()
    }
}

impl Terminal {
    /// The process's real stdout and stderr.
    pub fn process() -> Self {
        use std::io::IsTerminal;
        Self {
            stdout_is_tty: std::io::stdout().is_terminal(),
            stderr_is_tty: std::io::stderr().is_terminal(),
            stdout: Box::new(std::io::stdout()),
            stderr: Box::new(std::io::stderr()),
        }
    }

    /// In-memory stdout and stderr for tests; read them back through the returned [`Captured`].
    pub fn captured() -> (Self, Captured) {
        let captured = Captured::default();
        let terminal = Self {
            stdout: Box::new(SharedBuf(Arc::clone(&captured.stdout))),
            stderr: Box::new(SharedBuf(Arc::clone(&captured.stderr))),
            stdout_is_tty: false,
            stderr_is_tty: false,
        };
        (terminal, captured)
    }
}

/// Output captured by [`Terminal::captured`].
#[derive(Debug, Clone, Default)]
pub struct Captured {
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Captured {
    /// Everything written to stdout so far.
    pub fn stdout(&self) -> String {
        let bytes = self.stdout.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> String {
        let bytes = self.stderr.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

struct SharedBuf(Arc<Mutex<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Printer {
    /// A printer over `terminal`.
    pub fn new(terminal: Terminal, quiet: bool, verbose: u8, no_color: bool) -> Self {
        Self {
            color: terminal.stderr_is_tty && !no_color,
            stderr_is_tty: terminal.stderr_is_tty,
            out: Mutex::new(terminal.stdout),
            err: Mutex::new(terminal.stderr),
            quiet,
            verbose,
        }
    }

    /// Whether stderr is a terminal.
    pub(crate) fn stderr_is_tty(&self) -> bool {
        self.stderr_is_tty
    }

    /// Whether `-q` was given.
    pub(crate) fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// Whether spinners may draw (a terminal, not `-q`).
    pub(crate) fn animations(&self) -> bool {
        self.stderr_is_tty && !self.quiet
    }

    /// One line of data on stdout.
    pub(crate) fn data(&self, line: impl Display) {
        self.write_out(&format!("{line}\n"));
    }

    /// Data on stdout with no newline added (streamed tokens); flushed at once.
    pub(crate) fn data_raw(&self, text: &str) {
        self.write_out(text);
    }

    /// A value as pretty JSON on stdout.
    pub(crate) fn json<T: Serialize + ?Sized>(&self, value: &T) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.data(text),
            Err(e) => self.error(&CliError::new(format!("cannot encode JSON output: {e}"))),
        }
    }

    /// A message on stderr (silenced by `-q`).
    pub(crate) fn message(&self, line: impl Display) {
        if !self.quiet {
            self.write_err(&format!("{line}\n"));
        }
    }

    /// A success line: `✔ text` in green.
    pub(crate) fn success(&self, line: impl Display) {
        let mark = self.paint(Style::new().green().bold(), "✔");
        self.message(format!("{mark} {line}"));
    }

    /// `warning: text` on stderr (silenced by `-q`).
    pub(crate) fn warning(&self, line: impl Display) {
        let label = self.paint(Style::new().yellow().bold(), "warning");
        self.message(format!("{label}: {line}"));
    }

    /// A line only shown with `-v`.
    pub(crate) fn detail(&self, line: impl Display) {
        if self.verbose > 0 && !self.quiet {
            self.write_err(&format!("{line}\n"));
        }
    }

    /// An error with its causes and hint, always shown.
    pub(crate) fn error(&self, error: &CliError) {
        let mut text = format!(
            "{}: {}\n",
            self.paint(Style::new().red().bold(), "error"),
            error.message()
        );
        for cause in error.causes() {
            text.push_str(&format!(
                "  {}: {cause}\n",
                self.paint(Style::new().red(), "caused by")
            ));
        }
        if let Some(hint) = error.hint() {
            text.push_str(&format!(
                "{}: {hint}\n",
                self.paint(Style::new().cyan().bold(), "hint")
            ));
        }
        self.write_err(&text);
    }

    /// Raw bytes to stderr, even with `-q` (clap's own help and errors, OSC 52 sequences).
    pub(crate) fn stderr_raw(&self, text: &str) {
        self.write_err(text);
    }

    /// `text` in bold, when colour is on.
    pub(crate) fn bold(&self, text: impl Display) -> String {
        self.paint(Style::new().bold(), text)
    }

    /// `text` in cyan (URLs, commands), when colour is on.
    pub(crate) fn cyan(&self, text: impl Display) -> String {
        self.paint(Style::new().cyan(), text)
    }

    /// `text` dimmed, when colour is on.
    pub(crate) fn dim(&self, text: impl Display) -> String {
        self.paint(Style::new().dim(), text)
    }

    /// `text` in green, when colour is on.
    pub(crate) fn green(&self, text: impl Display) -> String {
        self.paint(Style::new().green(), text)
    }

    /// `text` in red, when colour is on.
    pub(crate) fn red(&self, text: impl Display) -> String {
        self.paint(Style::new().red(), text)
    }

    /// `text` in yellow, when colour is on.
    pub(crate) fn yellow(&self, text: impl Display) -> String {
        self.paint(Style::new().yellow(), text)
    }

    fn paint(&self, style: Style, text: impl Display) -> String {
        style.force_styling(self.color).apply_to(text).to_string()
    }

    fn write_out(&self, text: &str) {
        let mut out = self.out.lock().unwrap_or_else(PoisonError::into_inner);
        // A closed pipe (`netclaw … | head`) is not an error worth reporting.
        let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
    }

    fn write_err(&self, text: &str) {
        let mut err = self.err.lock().unwrap_or_else(PoisonError::into_inner);
        let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
    }
}

#[cfg(test)]
mod tests;
