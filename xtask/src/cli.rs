//! The `cargo xtask` command line: the task list, dispatch, and the printed report of each task.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use netclaw_config::EnvSnapshot;

use crate::Hinted;
use crate::migrate::MigrateArgs;
use crate::update_openai_models::{Status, UpdateArgs};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "netclaw's developer tasks",
    bin_name = "cargo xtask"
)]
struct Args {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Check the crate arrows, `//!` headers, banned test attributes, env reads and secret exposure
    Tidy,
    /// Rewrite crates/providers/data/openai-models.json from the Codex /models list
    UpdateOpenaiModels(UpdateArgs),
    /// Run the netclaw.json migrations over a home and show the diff (keeps a `.bak`)
    Migrate(MigrateArgs),
    /// Run the whole chain against a built-in demo vendor on 127.0.0.1 (no account needed)
    Demo(crate::demo::DemoArgs),
    /// Fuzz every parser of untrusted input with cargo-fuzz (`cargo install cargo-fuzz`)
    Fuzz(crate::fuzz::FuzzArgs),
}

/// Runs `cargo xtask` with `args` (the first item is the program name), writing the report to
/// `out` and errors to `err`, with `env` as the process environment.
///
/// Exit codes: 0 success; 1 a check failed (tidy problems, `--check` found a stale catalog) or
/// the task failed; 2 bad arguments.
pub fn run<I, T>(args: I, env: &EnvSnapshot, out: &mut dyn Write, err: &mut dyn Write) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let args = match Args::try_parse_from(args) {
        Ok(args) => args,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let rendered = e.render().to_string();
            let sink: &mut dyn Write = if e.use_stderr() { err } else { out };
            // Nothing more can be done when the terminal itself cannot be written.
            let _ = write!(sink, "{rendered}");
            return ExitCode::from(code);
        }
    };
    match run_task(args.task, env, out, err) {
        Ok(code) => code,
        Err(e) => {
            let _ = report_error(&e, err);
            ExitCode::FAILURE
        }
    }
}

fn run_task(
    task: Task,
    env: &EnvSnapshot,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    match task {
        Task::Tidy => {
            let root = crate::workspace_root();
            let mut problems = crate::layering::violations(&root)?;
            problems.extend(crate::tidy::violations(&root)?);
            for p in &problems {
                writeln!(err, "{p}")?;
            }
            if problems.is_empty() {
                writeln!(out, "tidy: all checks pass")?;
                Ok(ExitCode::SUCCESS)
            } else {
                writeln!(err, "tidy: {} problem(s)", problems.len())?;
                Ok(ExitCode::FAILURE)
            }
        }
        Task::UpdateOpenaiModels(args) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            let outcome =
                runtime.block_on(crate::update_openai_models::update(&args, env.clone()))?;
            write!(out, "{outcome}")?;
            Ok(if outcome.status == Status::WouldChange {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
        Task::Demo(args) => {
            crate::demo::run(&args, env, out)?;
            Ok(ExitCode::SUCCESS)
        }
        Task::Fuzz(args) => {
            crate::fuzz::run(&args, &crate::workspace_root(), out)?;
            Ok(ExitCode::SUCCESS)
        }
        Task::Migrate(args) => {
            let outcome = crate::migrate::run(&args, env)?;
            write!(out, "{outcome}")?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `error: …`, one `caused by: …` per cause, and the `hint: …` of a [`Hinted`] error.
fn report_error(e: &anyhow::Error, err: &mut dyn Write) -> std::io::Result<()> {
    writeln!(err, "error: {e}")?;
    for cause in e.chain().skip(1) {
        writeln!(err, "caused by: {cause}")?;
    }
    if let Some(hint) = e.chain().find_map(|c| c.downcast_ref::<Hinted>()) {
        writeln!(err, "hint: {}", hint.hint)?;
    }
    Ok(())
}
