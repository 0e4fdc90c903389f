//! `netclaw daemon install|uninstall`: the daemon as a user service that starts at login and
//! restarts on failure: a systemd user unit on Linux, a launchd agent on macOS.

use std::path::PathBuf;
use std::process::Command;

use netclaw_config::EnvVars;

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;

/// The service manager of this system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manager {
    Systemd,
    Launchd,
}

impl Manager {
    fn here() -> Self {
        if cfg!(target_os = "macos") {
            Self::Launchd
        } else {
            Self::Systemd
        }
    }
}

const UNIT_NAME: &str = "netclaw-daemon.service";
const AGENT_LABEL: &str = "dev.netclaw.daemon";

fn user_home(cx: &Context<'_>) -> Result<PathBuf, CliError> {
    cx.env
        .get(EnvVars::HOME)
        .map(PathBuf::from)
        .ok_or_else(|| CliError::new("`HOME` is not set; netclaw cannot place the service file"))
}

/// Where the service definition goes.
fn service_file(cx: &Context<'_>, manager: Manager) -> Result<PathBuf, CliError> {
    Ok(match manager {
        Manager::Systemd => match cx.env.get(EnvVars::XDG_CONFIG_HOME) {
            Some(dir) => PathBuf::from(dir).join("systemd/user").join(UNIT_NAME),
            None => user_home(cx)?.join(".config/systemd/user").join(UNIT_NAME),
        },
        Manager::Launchd => user_home(cx)?
            .join("Library/LaunchAgents")
            .join(format!("{AGENT_LABEL}.plist")),
    })
}

/// The service definition running `program args… --home HOME --foreground`.
fn definition(manager: Manager, program: &str, args: &[String]) -> String {
    match manager {
        Manager::Systemd => format!(
            "[Unit]\nDescription=netclaw daemon (the local gateway to your LLM providers)\nAfter=network-online.target\n\n[Service]\nExecStart={}\nRestart=on-failure\nRestartSec=2\n\n[Install]\nWantedBy=default.target\n",
            std::iter::once(program.to_owned())
                .chain(args.iter().cloned())
                .map(|a| if a.contains(' ') {
                    format!("\"{a}\"")
                } else {
                    a
                })
                .collect::<Vec<_>>()
                .join(" ")
        ),
        Manager::Launchd => {
            let arguments: String = std::iter::once(program)
                .chain(args.iter().map(String::as_str))
                .map(|a| format!("    <string>{a}</string>\n"))
                .collect();
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n  <key>Label</key>\n  <string>{AGENT_LABEL}</string>\n  <key>ProgramArguments</key>\n  <array>\n{arguments}  </array>\n  <key>RunAtLoad</key>\n  <true/>\n  <key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>\n  </dict>\n</dict>\n</plist>\n"
            )
        }
    }
}

/// Runs a service-manager command; `false` (with the reason logged) when it cannot.
fn run(program: &str, args: &[&str]) -> bool {
    match Command::new(program).args(args).status() {
        Ok(status) => status.success(),
        Err(error) => {
            tracing::debug!(program, %error, "cannot run the service manager");
            false
        }
    }
}

/// `daemon install`.
pub(crate) fn install(cx: &Context<'_>, print: bool) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let manager = Manager::here();
    let (program, mut args) = super::daemon::daemon_program(cx);
    // `netclaw-daemon` logs to stderr (the service manager's journal) with `--foreground`;
    // `netclaw daemon run`, the fallback without it, always runs in the foreground.
    let fallback = !args.is_empty();
    args.extend(["--home".to_owned(), home.paths.home().display().to_string()]);
    if !fallback {
        args.push("--foreground".to_owned());
    }
    let text = definition(manager, &program.display().to_string(), &args);
    if print {
        cx.printer.data(text.trim_end());
        return Ok(Exit::Success);
    }
    let file = service_file(cx, manager)?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::new(format!("cannot create `{}`", dir.display())).with_cause(e)
        })?;
    }
    netclaw_config::fs::write_atomic(&file, text.as_bytes())?;
    cx.printer.success(format!("Wrote `{}`", file.display()));
    let (enable, started) = match manager {
        Manager::Systemd => (
            format!("systemctl --user daemon-reload && systemctl --user enable --now {UNIT_NAME}"),
            run("systemctl", &["--user", "daemon-reload"])
                && run("systemctl", &["--user", "enable", "--now", UNIT_NAME]),
        ),
        Manager::Launchd => {
            let path = file.display().to_string();
            (
                format!("launchctl load -w {path}"),
                run("launchctl", &["load", "-w", &path]),
            )
        }
    };
    if started {
        cx.printer.success(
            "The daemon now starts at login and restarts if it fails (`netclaw daemon status`)",
        );
    } else {
        cx.printer.warning(format!(
            "the service manager did not take it; run `{enable}` yourself"
        ));
    }
    Ok(Exit::Success)
}

/// `daemon uninstall`.
pub(crate) fn uninstall(cx: &Context<'_>) -> Result<Exit, CliError> {
    let manager = Manager::here();
    let file = service_file(cx, manager)?;
    if !file.exists() {
        cx.printer.message(format!(
            "No netclaw service installed (`{}`).",
            file.display()
        ));
        return Ok(Exit::Success);
    }
    match manager {
        Manager::Systemd => {
            run("systemctl", &["--user", "disable", "--now", UNIT_NAME]);
        }
        Manager::Launchd => {
            run("launchctl", &["unload", "-w", &file.display().to_string()]);
        }
    }
    std::fs::remove_file(&file)
        .map_err(|e| CliError::new(format!("cannot remove `{}`", file.display())).with_cause(e))?;
    cx.printer.success(format!(
        "Removed `{}`; the daemon no longer starts at login",
        file.display()
    ));
    Ok(Exit::Success)
}

#[cfg(test)]
mod tests {
    use super::{Manager, definition};

    #[test]
    fn the_unit_and_the_agent_run_the_daemon_in_the_foreground_and_restart_it() {
        let args = [
            "--home".to_owned(),
            "/h/.netclaw".to_owned(),
            "--foreground".to_owned(),
        ];
        insta::assert_snapshot!(definition(
            Manager::Systemd,
            "/usr/bin/netclaw-daemon",
            &args
        ));
        insta::assert_snapshot!(definition(
            Manager::Launchd,
            "/usr/bin/netclaw-daemon",
            &args
        ));
    }
}
