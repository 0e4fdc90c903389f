//! Finding (and building) the `netclaw` and `netclaw-daemon` binaries the demo runs.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, bail};

/// The two programs the demo runs.
#[derive(Debug, Clone)]
pub struct Binaries {
    /// The `netclaw` command line.
    pub netclaw: PathBuf,
    /// The `netclaw-daemon` server.
    pub daemon: PathBuf,
}

impl Binaries {
    /// The binaries in `dir`; an error names the one that is missing.
    pub fn in_dir(dir: &Path) -> anyhow::Result<Self> {
        let found = Self {
            netclaw: dir.join("netclaw"),
            daemon: dir.join("netclaw-daemon"),
        };
        for bin in [&found.netclaw, &found.daemon] {
            if !bin.is_file() {
                bail!("`{}` does not exist", bin.display());
            }
        }
        Ok(found)
    }

    /// Builds both with `cargo` (progress goes to the terminal's stderr) and returns the
    /// executables cargo reports.
    pub fn build(cargo: &str) -> anyhow::Result<Self> {
        let mut child = Command::new(cargo)
            .args([
                "build",
                "--package",
                "netclaw-cli",
                "--package",
                "netclaw-daemon",
                "--bins",
                "--message-format=json-render-diagnostics",
            ])
            .current_dir(crate::workspace_root())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("cannot run `{cargo} build`"))?;
        let stdout = child.stdout.take().context("cargo's stdout is missing")?;
        let (mut netclaw, mut daemon) = (None, None);
        for line in std::io::BufReader::new(stdout).lines() {
            let message: serde_json::Value = match serde_json::from_str(&line?) {
                Ok(message) => message,
                Err(_) => continue,
            };
            let Some(executable) = message.get("executable").and_then(|e| e.as_str()) else {
                continue;
            };
            match message.pointer("/target/name").and_then(|n| n.as_str()) {
                Some("netclaw") => netclaw = Some(PathBuf::from(executable)),
                Some("netclaw-daemon") => daemon = Some(PathBuf::from(executable)),
                _ => {}
            }
        }
        let status = child.wait()?;
        if !status.success() {
            bail!("`cargo build` of netclaw and netclaw-daemon failed ({status})");
        }
        match (netclaw, daemon) {
            (Some(netclaw), Some(daemon)) => Ok(Self { netclaw, daemon }),
            _ => bail!("`cargo build` did not report the netclaw and netclaw-daemon executables"),
        }
    }
}
