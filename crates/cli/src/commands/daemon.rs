//! `netclaw daemon start|stop|status|run|logs`.

use netclaw_config::Hint;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use netclaw_config::EnvVars;
use netclaw_daemon::{DaemonClient, DaemonOptions, read_daemon_info};
use serde_json::json;

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;
use crate::spinner::Spinner;

/// How long `daemon start` waits for `/api/health`, and `daemon stop` for the exit.
const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(50);
/// How often `daemon logs -f` looks for new lines.
const FOLLOW_POLL: Duration = Duration::from_millis(250);

/// A client for the running daemon, if one answers `/api/health`.
pub(crate) async fn running(home: &Home) -> Option<DaemonClient> {
    let client = DaemonClient::from_run_files(&home.paths).ok()?;
    client.health().await.ok()?;
    Some(client)
}

/// Where the gateway is and the command that sets a tool up for it.
pub(crate) fn say_gateway(cx: &Context<'_>, base_url: &str) {
    cx.printer.message(format!(
        "gateway: {}/v1 for OpenAI clients, {} for Anthropic clients; `netclaw gateway env --key NAME` prints what to export, `netclaw gateway setup codex|claude` configures those tools",
        base_url.trim_end_matches('/'),
        base_url.trim_end_matches('/')
    ));
}

/// `daemon run`: in the foreground until Ctrl-C or SIGTERM.
pub(crate) async fn run(cx: &Context<'_>, port: Option<u16>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let options = DaemonOptions {
        port,
        ..DaemonOptions::default()
    };
    let daemon = netclaw_daemon::spawn(home.paths.clone(), cx.env.clone(), options)
        .await
        .map_err(|e| {
            let hint = e.hint();
            let error = CliError::from(e);
            match hint {
                Some(h) => error.with_hint(h),
                None => error,
            }
        })?;
    cx.printer.message(format!(
        "netclaw daemon listening on {} (Ctrl-C stops it)",
        cx.printer.cyan(daemon.base_url())
    ));
    let shutdown = daemon.shutdown_token();
    tokio::spawn(async move {
        wait_for_signal().await;
        shutdown.cancel();
    });
    daemon
        .wait()
        .await
        .map_err(|e| CliError::new("the daemon stopped with an error").with_cause(e))?;
    cx.printer.message("netclaw daemon stopped");
    Ok(Exit::Success)
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

/// The program `daemon start` runs: `NETCLAW_DAEMON_BIN`, else `netclaw-daemon` next to this
/// executable, else this executable's own `daemon run`.
pub(crate) fn daemon_program(cx: &Context<'_>) -> (PathBuf, Vec<String>) {
    if let Some(bin) = cx.env.get(EnvVars::NETCLAW_DAEMON_BIN) {
        return (PathBuf::from(bin), Vec::new());
    }
    let me = std::env::current_exe().unwrap_or_else(|_| PathBuf::from("netclaw"));
    let sibling = me.with_file_name("netclaw-daemon");
    if sibling.is_file() {
        (sibling, Vec::new())
    } else {
        (me, vec!["daemon".into(), "run".into()])
    }
}

/// `daemon start`: detached, then wait until `/api/health` answers.
pub(crate) async fn start(cx: &Context<'_>, port: Option<u16>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    if let Some(client) = running(&home).await {
        cx.printer.message(format!(
            "The netclaw daemon is already running at {}",
            client.base_url()
        ));
        return Ok(Exit::Success);
    }
    home.paths.ensure_dirs()?;
    let (program, mut args) = daemon_program(cx);
    args.push("--home".into());
    args.push(home.paths.home().display().to_string());
    if let Some(port) = port {
        args.push("--port".into());
        args.push(port.to_string());
    }
    // What the daemon writes from here on is this start's; its error is the one to show.
    let log_start = std::fs::metadata(home.paths.daemon_log_file()).map_or(0, |m| m.len());
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(home.paths.daemon_log_file())
        .map_err(|e| {
            CliError::new(format!(
                "cannot open `{}`",
                home.paths.daemon_log_file().display()
            ))
            .with_cause(e)
        })?;
    let log_err = log
        .try_clone()
        .map_err(|e| CliError::new("cannot open the daemon log").with_cause(e))?;
    let mut command = Command::new(&program);
    command
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::from(log))
        .stderr(Stdio::from(log_err));
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(|e| {
        CliError::new(format!("cannot start `{}`", program.display()))
            .with_cause(e)
            .with_hint("set `NETCLAW_DAEMON_BIN` to the `netclaw-daemon` binary, or run `netclaw daemon run`")
    })?;
    let spinner = Spinner::start(cx.printer, "Starting the netclaw daemon…");
    let started = Instant::now();
    loop {
        if let Some(client) = running(&home).await {
            drop(spinner);
            cx.printer.success(format!(
                "netclaw daemon running at {} (pid {})",
                client.base_url(),
                child.id()
            ));
            say_gateway(cx, client.base_url());
            return Ok(Exit::Success);
        }
        if let Ok(Some(status)) = child.try_wait() {
            drop(spinner);
            return Err(start_failure(&home, log_start, &status.to_string()));
        }
        if started.elapsed() > WAIT {
            return Err(CliError::new("the daemon did not answer within 15 seconds")
                .with_hint("see `netclaw daemon logs`"));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Why the daemon exited at start: the `error:` it wrote to the log since `log_start`, with
/// its causes and hint, else the exit status and where the log is.
fn start_failure(home: &Home, log_start: u64, status: &str) -> CliError {
    let log_file = home.paths.daemon_log_file();
    let written = std::fs::read(&log_file)
        .ok()
        .and_then(|bytes| {
            bytes
                .get(usize::try_from(log_start).ok()?..)
                .map(<[u8]>::to_vec)
        })
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default();
    let see_log = format!("see `netclaw daemon logs` (`{}`)", log_file.display());
    let lines: Vec<&str> = written.lines().map(str::trim_end).collect();
    let Some(at) = lines.iter().rposition(|l| l.starts_with("error: ")) else {
        return CliError::new(format!("the daemon exited at start ({status})")).with_hint(see_log);
    };
    let mut error = CliError::new(format!(
        "the daemon could not start: {}",
        &lines[at]["error: ".len()..]
    ));
    let mut hint = None;
    for line in &lines[at + 1..] {
        if let Some(cause) = line.strip_prefix("caused by: ") {
            error = error.with_cause(cause);
        } else if let Some(text) = line.strip_prefix("hint: ") {
            hint = Some(text.to_owned());
        }
    }
    error.with_hint(hint.unwrap_or(see_log))
}

/// `daemon stop`: SIGTERM, then wait until it is gone.
pub(crate) async fn stop(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let Ok(info) = read_daemon_info(&home.paths) else {
        cx.printer.message("The netclaw daemon is not running.");
        return Ok(Exit::Success);
    };
    let status = Command::new("kill")
        .args(["-TERM", &info.pid.to_string()])
        .stderr(Stdio::null())
        .status()
        .map_err(|e| CliError::new("cannot run `kill`").with_cause(e))?;
    if !status.success() {
        cx.printer.message(format!(
            "The netclaw daemon (pid {}) was not running.",
            info.pid
        ));
        return Ok(Exit::Success);
    }
    let spinner = Spinner::start(cx.printer, "Stopping the netclaw daemon…");
    let started = Instant::now();
    while home.paths.daemon_info_file().exists() {
        if started.elapsed() > WAIT {
            return Err(CliError::new(format!(
                "the daemon (pid {}) did not stop within 15 seconds",
                info.pid
            ))
            .with_hint(format!("stop it with `kill -9 {}`", info.pid)));
        }
        tokio::time::sleep(POLL).await;
    }
    drop(spinner);
    cx.printer
        .success(format!("Stopped the netclaw daemon (pid {})", info.pid));
    Ok(Exit::Success)
}

/// `daemon status`: exit 0 when it runs, 1 when not.
pub(crate) async fn status(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let health = match DaemonClient::from_run_files(&home.paths) {
        Ok(client) => client.health().await.ok().map(|h| (client, h)),
        Err(_) => None,
    };
    match health {
        Some((client, health)) => {
            if cx.json() {
                cx.printer.json(&json!({
                    "running": true, "url": client.base_url(),
                    "gatewayUrl": format!("{}/v1", client.base_url().trim_end_matches('/')),
                    "pid": health.pid,
                    "version": health.version, "startedAt": health.started_at,
                    "status": health.status, "configError": health.config_error,
                }));
            } else {
                cx.printer.data(format!(
                    "running at {} (pid {}, version {}, since {})",
                    client.base_url(),
                    health.pid,
                    health.version,
                    health.started_at
                ));
                say_gateway(cx, client.base_url());
                if let Some(error) = health.config_error {
                    cx.printer.warning(format!(
                        "the latest configuration was rejected, the previous one is in use: {error}"
                    ));
                }
            }
            Ok(Exit::Success)
        }
        None => {
            if cx.json() {
                cx.printer.json(&json!({"running": false}));
            } else {
                cx.printer.data("not running");
                cx.printer.message("Start it with `netclaw daemon start`.");
            }
            Ok(Exit::Failure)
        }
    }
}

/// `daemon logs`: the last `lines` lines of `logs/daemon.log`.
pub(crate) async fn logs(cx: &Context<'_>, lines: usize, follow: bool) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let path = home.paths.daemon_log_file();
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            cx.printer
                .message(format!("No daemon log yet (`{}`).", path.display()));
            return Ok(Exit::Success);
        }
        Err(e) => {
            return Err(CliError::new(format!("cannot read `{}`", path.display())).with_cause(e));
        }
    };
    let all: Vec<&str> = text.lines().collect();
    for line in &all[all.len().saturating_sub(lines)..] {
        cx.printer.data(line);
    }
    if follow {
        follow_log(cx, &path, text.len()).await?;
    }
    Ok(Exit::Success)
}

/// Prints what is appended to the log from `offset` on, until Ctrl-C (a new log after a
/// restart starts again from its beginning).
async fn follow_log(
    cx: &Context<'_>,
    path: &std::path::Path,
    mut offset: usize,
) -> Result<(), CliError> {
    let mut partial = String::new();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return Ok(()),
            () = tokio::time::sleep(FOLLOW_POLL) => {}
        }
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        if bytes.len() < offset {
            offset = 0;
        }
        partial.push_str(&String::from_utf8_lossy(&bytes[offset..]));
        offset = bytes.len();
        while let Some(end) = partial.find('\n') {
            cx.printer.data(&partial[..end]);
            partial.drain(..=end);
        }
    }
}
