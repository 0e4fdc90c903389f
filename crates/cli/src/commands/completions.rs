//! `netclaw completions <shell>`: a completion script generated from the clap tree.

use clap::CommandFactory;

use crate::args::Cli;
use crate::context::Context;
use crate::error::{CliError, Exit};

pub(crate) fn run(cx: &Context<'_>, shell: clap_complete::Shell) -> Result<Exit, CliError> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "netclaw", &mut script);
    cx.printer.data_raw(&String::from_utf8_lossy(&script));
    Ok(Exit::Success)
}
