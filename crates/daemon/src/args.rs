//! The daemon's few command-line flags, parsed by hand.

use std::path::PathBuf;

pub(crate) const USAGE: &str = "usage: netclaw-daemon [--home DIR] [--port N] [--foreground]

  --home DIR     netclaw home (default: $NETCLAW_HOME, else ~/.netclaw)
  --port N       port to listen on, 0 = any free port (default: Daemon.Port, else 5199)
  --foreground   log to stderr instead of logs/daemon.log
  -h, --help     show this help
  -V, --version  show the version";

/// Parsed flags.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Args {
    pub(crate) home: Option<PathBuf>,
    pub(crate) port: Option<u16>,
    pub(crate) foreground: bool,
}

/// Run with flags, or print something and exit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    Run(Args),
    Exit(String),
}

impl Args {
    pub(crate) fn parse(mut argv: impl Iterator<Item = String>) -> Result<Parsed, String> {
        let mut args = Self::default();
        while let Some(arg) = argv.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = |name: &str| {
                inline
                    .clone()
                    .or_else(|| argv.next())
                    .ok_or_else(|| format!("`{name}` needs a value"))
            };
            match flag.as_str() {
                "--home" => args.home = Some(PathBuf::from(value("--home")?)),
                "--port" => {
                    let raw = value("--port")?;
                    let port = raw.parse().map_err(|_| {
                        format!("`--port` must be a number from 0 to 65535, got `{raw}`")
                    })?;
                    args.port = Some(port);
                }
                "--foreground" => args.foreground = true,
                "-h" | "--help" => return Ok(Parsed::Exit(USAGE.to_owned())),
                "-V" | "--version" => {
                    return Ok(Parsed::Exit(format!(
                        "netclaw-daemon {}",
                        env!("CARGO_PKG_VERSION")
                    )));
                }
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        Ok(Parsed::Run(args))
    }
}

#[cfg(test)]
mod tests;
