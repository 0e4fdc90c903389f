//! `Input`: the process's stdin, read whole (piped prompts, `--api-key-stdin`) or line by line
//! from a background thread (the paste-the-redirect prompt that races a callback, the REPL).

use std::io::{BufRead, BufReader, Read};
use std::sync::{Mutex, PoisonError};

use secrecy::SecretString;
use tokio::sync::mpsc;

/// Standard input.
pub struct Input {
    reader: Mutex<Option<Box<dyn Read + Send>>>,
    lines: tokio::sync::Mutex<Option<mpsc::UnboundedReceiver<std::io::Result<String>>>>,
    is_tty: bool,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("is_tty", &self.is_tty)
            .finish_non_exhaustive()
    }
}

impl Input {
    /// The process's stdin.
    pub fn process() -> Self {
        use std::io::IsTerminal;
        let is_tty = std::io::stdin().is_terminal();
        Self::from_reader(Box::new(std::io::stdin()), is_tty)
    }

    /// Any reader (tests: a byte slice, a pipe).
    pub fn from_reader(reader: Box<dyn Read + Send>, is_tty: bool) -> Self {
        Self {
            reader: Mutex::new(Some(reader)),
            lines: tokio::sync::Mutex::new(None),
            is_tty,
        }
    }

    /// Empty, not a terminal.
    pub fn empty() -> Self {
        Self::from_reader(Box::new(std::io::empty()), false)
    }

    /// Whether stdin is a terminal.
    pub fn is_tty(&self) -> bool {
        self.is_tty
    }

    /// Reads everything (once); later calls return an empty string.
    pub(crate) fn read_all(&self) -> std::io::Result<String> {
        let reader = self
            .reader
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        let mut text = String::new();
        if let Some(mut reader) = reader {
            reader.read_to_string(&mut text)?;
        }
        Ok(text)
    }

    /// Reads a secret piped on stdin, without the trailing newline.
    pub(crate) fn read_secret(&self) -> std::io::Result<SecretString> {
        let text = self.read_all()?;
        Ok(SecretString::from(
            text.trim_end_matches(['\r', '\n']).to_owned(),
        ))
    }

    /// The next line, without its newline; `None` at end of input.
    ///
    /// The first call moves stdin to a background thread, so awaiting a line can race other
    /// futures (the loopback callback) and be dropped without losing the thread's place.
    pub(crate) async fn next_line(&self) -> Option<std::io::Result<String>> {
        let mut lines = self.lines.lock().await;
        if lines.is_none() {
            let reader = self
                .reader
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take()?;
            let (tx, rx) = mpsc::unbounded_channel();
            std::thread::Builder::new()
                .name("netclaw-stdin".into())
                .spawn(move || {
                    for line in BufReader::new(reader).lines() {
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                })
                .ok()?;
            *lines = Some(rx);
        }
        let rx = lines.as_mut()?;
        rx.recv().await
    }
}

#[cfg(test)]
mod tests;
