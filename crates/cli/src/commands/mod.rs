//! Command dispatch: one module per command group.

mod completions;

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::options::Task;

/// Runs `task`; `Ok` carries the exit code of a command that finished (probe may say 2).
pub(crate) async fn run(task: Task, cx: &Context<'_>) -> Result<Exit, CliError> {
    match task {
        Task::Completions(shell) => completions::run(cx, shell),
        other => Err(CliError::new(format!("`{other:?}` is not available yet"))),
    }
}
