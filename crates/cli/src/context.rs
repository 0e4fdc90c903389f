//! `Context`: what every command gets: output, environment, options, stdin, prompts, browser.

use std::sync::{Mutex, MutexGuard, PoisonError};

use netclaw_config::{EnvSnapshot, Paths};

use crate::browser::BrowserOpener;
use crate::error::CliError;
use crate::input::Input;
use crate::options::Globals;
use crate::printer::Printer;
use crate::prompt::Prompter;

/// Shared state of one `netclaw` invocation.
pub(crate) struct Context<'p> {
    pub(crate) printer: &'p Printer,
    pub(crate) env: EnvSnapshot,
    pub(crate) globals: Globals,
    pub(crate) input: Input,
    prompter: Mutex<Box<dyn Prompter>>,
    pub(crate) browser: Box<dyn BrowserOpener>,
}

impl std::fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("globals", &self.globals)
            .finish_non_exhaustive()
    }
}

impl<'p> Context<'p> {
    pub(crate) fn new(
        printer: &'p Printer,
        env: EnvSnapshot,
        globals: Globals,
        input: Input,
        prompter: Box<dyn Prompter>,
        browser: Box<dyn BrowserOpener>,
    ) -> Self {
        Self {
            printer,
            env,
            globals,
            input,
            prompter: Mutex::new(prompter),
            browser,
        }
    }

    /// The netclaw home and its files.
    pub(crate) fn paths(&self) -> Result<Paths, CliError> {
        Ok(Paths::resolve(self.globals.home.as_deref(), &self.env)?)
    }

    /// Whoever answers questions.
    pub(crate) fn prompter(&self) -> MutexGuard<'_, Box<dyn Prompter>> {
        self.prompter.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether questions can be asked.
    pub(crate) fn interactive(&self) -> bool {
        self.prompter().is_interactive()
    }

    /// Whether `--json` was given.
    pub(crate) fn json(&self) -> bool {
        self.globals.json
    }
}
