//! `cargo xtask`: netclaw's developer tasks.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "netclaw's developer tasks")]
struct Args {
    #[command(subcommand)]
    task: Task,
}

#[derive(Subcommand)]
enum Task {
    /// Check the crate arrows, `//!` headers, banned test attributes, env reads and secret exposure
    Tidy,
}

fn main() -> anyhow::Result<ExitCode> {
    let root = xtask::workspace_root();
    match Args::parse().task {
        Task::Tidy => {
            let mut problems = xtask::layering::violations(&root)?;
            problems.extend(xtask::tidy::violations(&root)?);
            report(&problems)
        }
    }
}

#[expect(clippy::print_stdout, clippy::print_stderr, reason = "xtask's output")]
fn report(problems: &[String]) -> anyhow::Result<ExitCode> {
    for p in problems {
        eprintln!("{p}");
    }
    if problems.is_empty() {
        println!("tidy: all checks pass");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("tidy: {} problem(s)", problems.len());
        Ok(ExitCode::FAILURE)
    }
}
