//! `LineEditor`: the REPL's prompt, with line editing and ↑/↓ history (rustyline).
//!
//! This is the one place outside the printer that writes to the terminal: while a line is being
//! typed, rustyline owns the terminal (raw mode, redrawing the prompt and the line as keys
//! arrive). It talks to the controlling terminal (`/dev/tty`), never to stdout, so answers
//! redirected to a file hold no prompts. History lives in memory for the session only and is
//! never written to disk: prompts may hold secrets.

use rustyline::config::{Behavior, Config};
use rustyline::error::ReadlineError;
use rustyline::history::MemHistory;

use crate::error::CliError;

/// Prompts shown and remembered per session.
const HISTORY_SIZE: usize = 1000;

/// What the person did at the prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Typed {
    /// A line, submitted with Enter.
    Line(String),
    /// Ctrl-C: the line was dropped.
    Interrupted,
    /// Ctrl-D on an empty line (or the terminal went away).
    End,
}

type Editor = rustyline::Editor<(), MemHistory>;

/// A line editor on the terminal, with in-memory history.
pub(super) struct LineEditor {
    /// `None` only while a line is being read on the blocking pool.
    editor: Option<Editor>,
    prompt: String,
}

impl std::fmt::Debug for LineEditor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // History holds prompts, which may hold secrets.
        f.debug_struct("LineEditor")
            .field("prompt", &self.prompt)
            .finish_non_exhaustive()
    }
}

impl LineEditor {
    /// An editor showing `prompt`. A line that starts with a space is not remembered.
    pub(super) fn open(prompt: impl Into<String>) -> Result<Self, CliError> {
        let config = Config::builder()
            .behavior(Behavior::PreferTerm)
            .auto_add_history(true)
            .history_ignore_space(true)
            .history_ignore_dups(true)
            .and_then(|builder| builder.max_history_size(HISTORY_SIZE))
            .map_err(editor_error)?
            .build();
        let history = MemHistory::with_config(&config);
        let editor = Editor::with_history(config, history).map_err(editor_error)?;
        Ok(Self {
            editor: Some(editor),
            prompt: prompt.into(),
        })
    }

    /// Reads one line. The terminal is blocking, so the editor moves to the blocking pool
    /// while the person types and comes back with the line.
    pub(super) async fn read(&mut self) -> Result<Typed, CliError> {
        let mut editor = self
            .editor
            .take()
            .ok_or_else(|| CliError::new("the line editor was lost after a failed read"))?;
        let prompt = self.prompt.clone();
        let (editor, read) = tokio::task::spawn_blocking(move || {
            let read = editor.readline(&prompt);
            (editor, read)
        })
        .await
        .map_err(|e| CliError::new(format!("the line editor stopped: {e}")))?;
        self.editor = Some(editor);
        match read {
            Ok(line) => Ok(Typed::Line(line)),
            Err(ReadlineError::Interrupted) => Ok(Typed::Interrupted),
            Err(ReadlineError::Eof) => Ok(Typed::End),
            Err(e) => Err(editor_error(e)),
        }
    }
}

fn editor_error(error: ReadlineError) -> CliError {
    CliError::new(format!("cannot read from the terminal: {error}"))
}
