//! The daemon's run files: `run/daemon.lock` (held while running), `run/daemon.json` and
//! `run/daemon.token`, written atomically with mode 0600.

use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use netclaw_config::Paths;
use secrecy::SecretString;

use crate::api::DaemonInfo;

/// A run file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum RunFileError {
    /// No daemon is running for this home (no `run/daemon.json`).
    #[error("no netclaw daemon is running for home `{home}`")]
    NotRunning {
        /// The netclaw home.
        home: PathBuf,
    },
    /// The file exists but could not be read or parsed.
    #[error("cannot read `{path}`: {reason}")]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Reads `run/daemon.json`.
pub fn read_daemon_info(paths: &Paths) -> Result<DaemonInfo, RunFileError> {
    let path = paths.daemon_info_file();
    let text = read_existing(paths, &path)?;
    serde_json::from_str(&text).map_err(|e| RunFileError::Unreadable {
        path,
        reason: e.to_string(),
    })
}

/// Reads `run/daemon.token`.
pub fn read_daemon_token(paths: &Paths) -> Result<SecretString, RunFileError> {
    let path = paths.daemon_token_file();
    let text = read_existing(paths, &path)?;
    Ok(SecretString::from(text.trim().to_owned()))
}

fn read_existing(paths: &Paths, path: &Path) -> Result<String, RunFileError> {
    std::fs::read_to_string(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            RunFileError::NotRunning {
                home: paths.home().to_path_buf(),
            }
        } else {
            RunFileError::Unreadable {
                path: path.to_path_buf(),
                reason: e.to_string(),
            }
        }
    })
}

/// The exclusive lock on `run/daemon.lock`, held for the daemon's lifetime.
#[derive(Debug)]
pub(crate) struct RunLock {
    _file: File,
}

/// Why the lock could not be taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another daemon holds it; its pid when `daemon.json` names one.
    Held(Option<u32>),
    /// The lock file could not be opened.
    Io(std::io::Error),
}

/// Takes the daemon lock without waiting.
pub(crate) fn acquire_lock(paths: &Paths) -> Result<RunLock, LockError> {
    ensure_private_dir(&paths.run_dir()).map_err(LockError::Io)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(paths.daemon_lock_file())
        .map_err(LockError::Io)?;
    match file.try_lock() {
        Ok(()) => Ok(RunLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(LockError::Held(read_daemon_info(paths).ok().map(|i| i.pid)))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(LockError::Io(e)),
    }
}

/// 32 random bytes, hex-encoded.
pub(crate) fn fresh_token() -> Result<SecretString, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(SecretString::from(hex))
}

/// Writes `run/daemon.token` (0600).
pub(crate) fn write_token(paths: &Paths, token: &SecretString) -> std::io::Result<()> {
    use secrecy::ExposeSecret;
    ensure_private_dir(&paths.run_dir())?;
    write_private(&paths.daemon_token_file(), token.expose_secret().as_bytes())
}

/// Writes `run/daemon.json` (0600), replacing a stale one left by a crash.
pub(crate) fn write_info(paths: &Paths, info: &DaemonInfo) -> std::io::Result<()> {
    ensure_private_dir(&paths.run_dir())?;
    let mut json = serde_json::to_vec_pretty(info).map_err(std::io::Error::other)?;
    json.push(b'\n');
    write_private(&paths.daemon_info_file(), &json)
}

/// Removes `run/daemon.json` at clean exit.
pub(crate) fn remove_info(paths: &Paths) {
    match std::fs::remove_file(paths.daemon_info_file()) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => tracing::warn!(error = %e, "could not remove daemon.json"),
    }
}

/// Creates `dir` (mode 0700) when missing, through netclaw-config's one directory maker.
pub(crate) fn ensure_private_dir(dir: &Path) -> std::io::Result<()> {
    netclaw_config::fs::create_private_dir(dir).map_err(std::io::Error::other)
}

/// Atomic 0600 write through netclaw-config's one write path (temp file, fsync, rename).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    netclaw_config::fs::write_atomic(path, bytes).map_err(std::io::Error::other)
}
