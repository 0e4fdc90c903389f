//! `cargo xtask`: netclaw's developer tasks (the task list and dispatch live in `xtask::cli`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let env = netclaw_config::EnvSnapshot::capture();
    xtask::cli::run(
        std::env::args_os(),
        &env,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    )
}
