//! `netclaw-daemon`: the daemon binary (`--home DIR`, `--port N`, `--foreground`).

mod args;
mod logging;

use std::process::ExitCode;

use anyhow::Context;
use netclaw_config::{EnvSnapshot, Paths};

fn main() -> ExitCode {
    let env = EnvSnapshot::capture();
    let args = match args::Args::parse(std::env::args().skip(1)) {
        Ok(args::Parsed::Run(args)) => args,
        Ok(args::Parsed::Exit(text)) => {
            #[expect(clippy::print_stdout, reason = "--help and --version print to stdout")]
            {
                println!("{text}");
            }
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            #[expect(clippy::print_stderr, reason = "usage errors before logging is set up")]
            {
                eprintln!("error: {message}\n\n{}", args::USAGE);
            }
            return ExitCode::from(2);
        }
    };
    match run(args, env) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            #[expect(clippy::print_stderr, reason = "the daemon's fatal error, also logged")]
            {
                eprintln!("error: {error:#}");
            }
            ExitCode::FAILURE
        }
    }
}

fn run(args: args::Args, env: EnvSnapshot) -> anyhow::Result<()> {
    let paths = Paths::resolve(args.home.as_deref(), &env)?;
    logging::init(&paths, &env, args.foreground)?;
    // One thread serves everything (file and crypto work goes to the blocking pool): on a
    // small machine that leaves the other cores to the clients and local models, and keeps
    // the daemon's memory small.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(4)
        .thread_stack_size(512 * 1024)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let options = netclaw_daemon::DaemonOptions {
            port: args.port,
            ..Default::default()
        };
        let daemon = match netclaw_daemon::spawn(paths, env, options).await {
            Ok(daemon) => daemon,
            Err(error) => {
                let hint = netclaw_config::Hint::hint(&error)
                    .map(|h| format!("\n\nhint: {h}"))
                    .unwrap_or_default();
                anyhow::bail!("{error}{hint}");
            }
        };
        let shutdown = daemon.shutdown_token();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("shutdown requested");
            shutdown.cancel();
        });
        daemon
            .wait()
            .await
            .context("the server stopped with an error")
    })
}

async fn wait_for_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
