//! The gateway keys the daemon accepts on `/v1`, held in memory (reloaded when their file
//! changes) with the times each was last used, which reach `state/gateway-keys-used.json` now
//! and then rather than on every request.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use netclaw_config::{GatewayKey, GatewayKeys, KeysUsed, Paths};
use secrecy::SecretString;

/// Who made a gateway request.
#[derive(Debug, Clone)]
pub(crate) enum Caller {
    /// The holder of `run/daemon.token`: everything.
    Daemon,
    /// A gateway key: `/v1` only, its models only.
    Key(Arc<GatewayKey>),
}

impl Caller {
    /// Whether the caller may use `public_model` (`<provider>/<model>`).
    pub(crate) fn allows(&self, public_model: &str) -> bool {
        match self {
            Self::Daemon => true,
            Self::Key(key) => key.allows(public_model),
        }
    }
}

/// The keys in force and their recent use.
#[derive(Debug, Default)]
pub(crate) struct KeyBook {
    keys: RwLock<Arc<GatewayKeys>>,
    /// The key file's modification stamp when it was read, to notice a change.
    stamp: Mutex<Option<std::time::SystemTime>>,
    /// Last use per key name since the last flush.
    used: Mutex<KeysUsed>,
}

fn modified(paths: &Paths) -> Option<std::time::SystemTime> {
    std::fs::metadata(paths.gateway_keys_file())
        .and_then(|m| m.modified())
        .ok()
}

impl KeyBook {
    /// Reads the key file when it changed since the last read (or was never read); a file that
    /// does not parse keeps the keys in force and is logged.
    pub(crate) fn refresh(&self, paths: &Paths) {
        let now = modified(paths);
        let mut stamp = self.stamp.lock().unwrap_or_else(PoisonError::into_inner);
        if *stamp == now && now.is_some() {
            return;
        }
        match GatewayKeys::load(paths) {
            Ok(keys) => {
                tracing::info!(keys = keys.keys.len(), "gateway keys loaded");
                *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
                *stamp = now;
            }
            Err(error) => {
                tracing::error!(%error, "the gateway key file is invalid; keeping the keys in force")
            }
        }
    }

    /// The key `presented` is, noting its use at `now`.
    pub(crate) fn find(
        &self,
        presented: &SecretString,
        now: jiff::Timestamp,
    ) -> Option<GatewayKey> {
        let keys = Arc::clone(&self.keys.read().unwrap_or_else(PoisonError::into_inner));
        let key = keys.find(presented)?.clone();
        self.used
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.name.clone(), now);
        Some(key)
    }

    /// Writes the last-used times noted since the last flush, if any.
    pub(crate) fn flush_used(&self, paths: &Paths) {
        let used = std::mem::take(&mut *self.used.lock().unwrap_or_else(PoisonError::into_inner));
        if used.is_empty() {
            return;
        }
        if let Err(error) = netclaw_config::save_keys_used(paths, &used) {
            tracing::debug!(%error, "cannot record when gateway keys were used");
        }
    }
}
