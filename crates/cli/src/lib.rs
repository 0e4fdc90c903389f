//! netclaw-cli: the `netclaw` command line; the only crate that prints or prompts.
//!
//! `main.rs` calls [`run`] with the process's arguments, environment and terminal; tests call it
//! in-process with a [`ScriptedPrompter`] and [`Terminal::captured`].

mod args;
mod browser;
mod clipboard;
mod commands;
mod context;
mod cooldowns;
mod error;
mod home;
mod http;
mod humanize;
mod input;
mod login;
mod options;
mod printer;
mod probe_state;
mod prompt;
mod spinner;

use std::ffi::OsString;
use std::process::ExitCode;

use netclaw_config::{EnvSnapshot, EnvVars};

pub use browser::{BrowserOpener, SystemBrowser};
pub use error::{CliError, Exit};
pub use input::Input;
pub use printer::{Captured, Printer, Terminal};
pub use prompt::{Answer, PromptError, Prompter, ScriptedPrompter, TtyPrompter};

use crate::args::Cli;
use crate::context::Context;

/// Everything the CLI talks to besides files and the network: the terminal, stdin, the person
/// answering questions, and the browser.
pub struct Io {
    /// Where output goes.
    pub terminal: Terminal,
    /// Standard input.
    pub input: Input,
    /// Who answers questions.
    pub prompter: Box<dyn Prompter>,
    /// What opens login pages.
    pub browser: Box<dyn BrowserOpener>,
}

impl std::fmt::Debug for Io {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Io")
            .field("terminal", &self.terminal)
            .field("input", &self.input)
            .finish_non_exhaustive()
    }
}

impl Io {
    /// The real process: stdout, stderr, stdin, dialoguer prompts, the system browser.
    pub fn process() -> Self {
        Self {
            terminal: Terminal::process(),
            input: Input::process(),
            prompter: Box::new(TtyPrompter::detect()),
            browser: Box::new(SystemBrowser),
        }
    }
}

/// Runs `netclaw` with `args` (the first is the program name) and returns the exit code.
pub fn run<I, T>(args: I, env: EnvSnapshot, io: Io) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let no_color = env.is_set(EnvVars::NO_COLOR);
    let parsed = args::command_with_environment()
        .try_get_matches_from(args)
        .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let printer = Printer::new(io.terminal, false, 0, no_color);
            return clap_exit(&printer, &e);
        }
    };
    let (globals, task) = cli.into_options();
    let printer = Printer::new(io.terminal, globals.quiet, globals.verbose, no_color);
    let context = Context::new(&printer, env, globals, io.input, io.prompter, io.browser);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            printer.error(&CliError::new(format!(
                "cannot start the async runtime: {e}"
            )));
            return Exit::Failure.into();
        }
    };
    let outcome = runtime.block_on(commands::run(task, &context));
    // Background stdin readers must not keep the process alive.
    runtime.shutdown_background();
    match outcome {
        Ok(exit) => exit.into(),
        Err(error) => {
            printer.error(&error);
            error.exit().into()
        }
    }
}

fn clap_exit(printer: &Printer, error: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let text = error.render().to_string();
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            printer.data_raw(&text);
            Exit::Success.into()
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            printer.stderr_raw(&text);
            Exit::Usage.into()
        }
        _ => {
            printer.stderr_raw(&text);
            Exit::Usage.into()
        }
    }
}
