//! Log setup: stderr in the foreground, else `logs/daemon.log` (0600, appended).

use std::fs::OpenOptions;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};

use anyhow::Context;
use netclaw_config::{EnvSnapshot, EnvVars, Paths};
use tracing_subscriber::EnvFilter;

pub(crate) fn init(paths: &Paths, env: &EnvSnapshot, foreground: bool) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(env.get(EnvVars::NETCLAW_LOG).unwrap_or("info"))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false);
    if foreground {
        builder.with_writer(std::io::stderr).init();
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(paths.logs_dir())
        .with_context(|| format!("cannot create `{}`", paths.logs_dir().display()))?;
    let log_file = paths.daemon_log_file();
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(&log_file)
        .with_context(|| format!("cannot open `{}`", log_file.display()))?;
    builder
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .init();
    Ok(())
}
