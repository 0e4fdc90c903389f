//! Where netclaw keeps its files: resolved once from `--home`, `NETCLAW_HOME` or `~/.netclaw`.

use std::fmt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::env::{EnvSnapshot, EnvVars};
use crate::error::ConfigError;
use crate::fs::create_private_dir;

/// No home directory could be found.
#[derive(Debug, thiserror::Error)]
#[error("cannot find a home directory for netclaw: set `NETCLAW_HOME` or pass `--home DIR`")]
pub struct PathsError;

/// The netclaw home and every file inside it.
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
    /// `state/cooldowns.json`: providers skipped for now (rate limits, usage limits, logins
    /// that need renewing), so a restarted daemon keeps skipping them.
    pub fn cooldowns_file(&self) -> PathBuf {
        self.state_dir().join("cooldowns.json")
    }
    /// `config/gateway-keys.json`: the gateway keys, stored only as hashes.
    pub fn gateway_keys_file(&self) -> PathBuf {
        self.config_dir().join("gateway-keys.json")
    }
    /// `state/gateway-keys-used.json`: when each gateway key was last used (the daemon writes
    /// it now and then, so a request never waits on a file).
    pub fn gateway_keys_used_file(&self) -> PathBuf {
        self.state_dir().join("gateway-keys-used.json")
    }
    /// `cache/`: data that can be thrown away (last model discovery per provider).
    pub fn cache_dir(&self) -> PathBuf {
        self.home.join("cache")
    }

    /// Creates the home and its standard directories, each with mode 0700 (existing ones are
    /// left as they are).
    pub fn ensure_dirs(&self) -> Result<(), ConfigError> {
        for dir in [
            self.home.clone(),
            self.config_dir(),
            self.keys_dir(),
            self.run_dir(),
            self.logs_dir(),
            self.state_dir(),
            self.cache_dir(),
        ] {
            create_private_dir(&dir)?;
        }
        Ok(())
    }

    /// Warnings for the secrets and identity files when group or others can read them.
    pub fn permission_warnings(&self) -> Vec<PermissionWarning> {
        [self.secrets_file(), self.identity_file()]
            .iter()
            .filter_map(|p| check_private(p))
            .collect()
    }
}

/// A file holding secrets or a key that group or others can access (ssh-style check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionWarning {
    /// The file.
    pub path: PathBuf,
    /// Its permission bits (e.g. `0o644`).
    pub mode: u32,
}

impl fmt::Display for PermissionWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is accessible by group or others (mode {:04o}): run `chmod 600 {}`",
            self.path.display(),
            self.mode,
            self.path.display()
        )
    }
}

/// A warning when `path` exists and its mode has any group/other bits.
pub fn check_private(path: &Path) -> Option<PermissionWarning> {
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then(|| PermissionWarning {
        path: path.to_path_buf(),
        mode,
    })
}

#[cfg(test)]
mod tests;
