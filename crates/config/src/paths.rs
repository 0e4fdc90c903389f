//! Where netclaw keeps its files: resolved once from `--home`, `NETCLAW_HOME` or `~/.netclaw`.

use std::path::{Path, PathBuf};

use crate::env::{EnvSnapshot, EnvVars};

/// No home directory could be found.
#[derive(Debug, thiserror::Error)]
#[error("cannot find a home directory for netclaw: set `NETCLAW_HOME` or pass `--home DIR`")]
pub struct PathsError;

/// The netclaw home and every file inside it (SPEC §2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    home: PathBuf,
}

impl Paths {
    /// `--home` wins, then `NETCLAW_HOME`, then `$HOME/.netclaw`.
    pub fn resolve(explicit_home: Option<&Path>, env: &EnvSnapshot) -> Result<Self, PathsError> {
        if let Some(home) = explicit_home {
            return Ok(Self::at(home));
        }
        if let Some(home) = env.get(EnvVars::NETCLAW_HOME) {
            return Ok(Self::at(home));
        }
        env.get(EnvVars::HOME)
            .map(|h| Self::at(Path::new(h).join(".netclaw")))
            .ok_or(PathsError)
    }

    /// A home rooted at `home` (tests use a temp dir).
    pub fn at(home: impl Into<PathBuf>) -> Self {
        Self { home: home.into() }
    }

    /// The home directory itself.
    pub fn home(&self) -> &Path {
        &self.home
    }
    /// `config/`.
    pub fn config_dir(&self) -> PathBuf {
        self.home.join("config")
    }
    /// `config/netclaw.json`: plain settings.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir().join("netclaw.json")
    }
    /// `config/secrets.json.age`: every secret, age-encrypted.
    pub fn secrets_file(&self) -> PathBuf {
        self.config_dir().join("secrets.json.age")
    }
    /// `config/.lock`: serializes read-modify-write of both config files across processes.
    pub fn config_lock_file(&self) -> PathBuf {
        self.config_dir().join(".lock")
    }
    /// `keys/`.
    pub fn keys_dir(&self) -> PathBuf {
        self.home.join("keys")
    }
    /// `keys/identity.txt`: the age X25519 identity.
    pub fn identity_file(&self) -> PathBuf {
        self.keys_dir().join("identity.txt")
    }
    /// `run/`.
    pub fn run_dir(&self) -> PathBuf {
        self.home.join("run")
    }
    /// `run/daemon.json`: the running daemon's address, pid, start time and version.
    pub fn daemon_info_file(&self) -> PathBuf {
        self.run_dir().join("daemon.json")
    }
    /// `run/daemon.token`: the running daemon's bearer token.
    pub fn daemon_token_file(&self) -> PathBuf {
        self.run_dir().join("daemon.token")
    }
    /// `run/daemon.lock`: held by the running daemon so a second one refuses to start.
    pub fn daemon_lock_file(&self) -> PathBuf {
        self.run_dir().join("daemon.lock")
    }
    /// `logs/`.
    pub fn logs_dir(&self) -> PathBuf {
        self.home.join("logs")
    }
    /// `logs/daemon.log`.
    pub fn daemon_log_file(&self) -> PathBuf {
        self.logs_dir().join("daemon.log")
    }
    /// `state/`: plain runtime state that survives restarts (probe results, cooldowns).
    pub fn state_dir(&self) -> PathBuf {
        self.home.join("state")
    }
    /// `cache/`: data that can be thrown away (last model discovery per provider).
    pub fn cache_dir(&self) -> PathBuf {
        self.home.join("cache")
    }
}
