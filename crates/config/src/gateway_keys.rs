//! Gateway keys: credentials for the tools a user points at the daemon's `/v1` gateway (an
//! editor, Codex, Claude Code), which survive daemon restarts, can be limited to some models
//! and expire, and open nothing else. Only a SHA-256 hash of each key is stored (a key is 32
//! random bytes, so a plain hash cannot be reversed or guessed); the key itself is shown once,
//! when it is created.

use std::collections::BTreeMap;

use base64::Engine as _;
use jiff::Timestamp;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ConfigError;
use crate::fs::{FileLock, read_if_exists, write_atomic};
use crate::paths::Paths;

/// What every gateway key starts with, so a leaked one is recognisable.
pub const KEY_PREFIX: &str = "nck_";

/// One stored key: never the key, only its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayKey {
    /// The key's name (`editor`, `codex`).
    pub name: String,
    /// `sha256:` and the hex SHA-256 of the key.
    pub hash: String,
    /// The first characters of the key, to tell keys apart in listings.
    pub shown: String,
    /// When it was created.
    pub created: Timestamp,
    /// The `<provider>/<model>` names it may use (`<provider>/*` for all of one provider);
    /// empty means every model.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub models: Vec<String>,
    /// When it stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<Timestamp>,
}

impl GatewayKey {
    /// Whether the key may use `public_model` (`<provider>/<model>`; provider names ignore
    /// case).
    pub fn allows(&self, public_model: &str) -> bool {
        if self.models.is_empty() {
            return true;
        }
        let (provider, model) = public_model.split_once('/').unwrap_or((public_model, ""));
        self.models.iter().any(|allowed| {
            let (p, m) = allowed.split_once('/').unwrap_or((allowed, "*"));
            crate::ProviderName::same(p, provider) && (m == "*" || m == model)
        })
    }

    /// Whether it has expired at `now`.
    pub fn expired(&self, now: Timestamp) -> bool {
        self.expires.is_some_and(|at| at <= now)
    }
}

/// Every gateway key of a home, as `config/gateway-keys.json` holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayKeys {
    /// The keys, in creation order.
    pub keys: Vec<GatewayKey>,
}

/// The stored hash of `key`.
pub fn key_hash(key: &[u8]) -> String {
    let digest = Sha256::digest(key);
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn locked(paths: &Paths) -> Result<FileLock, ConfigError> {
    FileLock::acquire(&paths.config_lock_file())
}

impl GatewayKeys {
    /// The keys stored in the home (none when the file does not exist).
    pub fn load(paths: &Paths) -> Result<Self, ConfigError> {
        let file = paths.gateway_keys_file();
        match read_if_exists(&file)? {
            None => Ok(Self::default()),
            Some(bytes) => serde_json::from_slice(&bytes).map_err(|e| ConfigError::Invalid {
                message: format!("`{}` is not a gateway key list: {e}", file.display()),
            }),
        }
    }

    fn save(&self, paths: &Paths) -> Result<(), ConfigError> {
        paths.ensure_dirs()?;
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| ConfigError::Invalid {
            message: format!("cannot encode the gateway keys: {e}"),
        })?;
        write_atomic(&paths.gateway_keys_file(), &bytes)
    }

    /// Creates key `name` for `models` (empty: all) until `expires`, stores its hash, and
    /// returns the key: the only time it exists outside the caller's hands.
    pub fn create(
        paths: &Paths,
        name: &str,
        models: Vec<String>,
        expires: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<SecretString, ConfigError> {
        let _lock = locked(paths)?;
        let mut keys = Self::load(paths)?;
        if keys.keys.iter().any(|k| k.name == name) {
            return Err(ConfigError::Invalid {
                message: format!("a gateway key named `{name}` already exists"),
            });
        }
        let mut random = [0u8; 32];
        getrandom::fill(&mut random).map_err(|e| ConfigError::Invalid {
            message: format!("no randomness for a new key: {e}"),
        })?;
        let key = format!(
            "{KEY_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
        );
        keys.keys.push(GatewayKey {
            name: name.to_owned(),
            hash: key_hash(key.as_bytes()),
            shown: format!("{}…", &key[..KEY_PREFIX.len() + 4]),
            created: now,
            models,
            expires,
        });
        keys.save(paths)?;
        Ok(SecretString::from(key))
    }

    /// Removes key `name`; `false` when there was none.
    pub fn revoke(paths: &Paths, name: &str) -> Result<bool, ConfigError> {
        let _lock = locked(paths)?;
        let mut keys = Self::load(paths)?;
        let before = keys.keys.len();
        keys.keys.retain(|k| k.name != name);
        if keys.keys.len() == before {
            return Ok(false);
        }
        keys.save(paths)?;
        Ok(true)
    }

    /// The key `presented` is, when it is one of these.
    pub fn find(&self, presented: &SecretString) -> Option<&GatewayKey> {
        let hash = key_hash(presented.expose_secret().as_bytes());
        self.keys.iter().find(|k| k.hash == hash)
    }
}

/// When each key was last used, by name (`state/gateway-keys-used.json`).
pub type KeysUsed = BTreeMap<String, Timestamp>;

/// The last-used times the daemon recorded (none when it never did).
pub fn load_keys_used(paths: &Paths) -> KeysUsed {
    read_if_exists(&paths.gateway_keys_used_file())
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Records last-used times, keeping later ones already on disk.
pub fn save_keys_used(paths: &Paths, used: &KeysUsed) -> Result<(), ConfigError> {
    let mut all = load_keys_used(paths);
    for (name, at) in used {
        let entry = all.entry(name.clone()).or_insert(*at);
        *entry = (*entry).max(*at);
    }
    let bytes = serde_json::to_vec_pretty(&all).map_err(|e| ConfigError::Invalid {
        message: format!("cannot encode key usage: {e}"),
    })?;
    write_atomic(&paths.gateway_keys_used_file(), &bytes)
}

#[cfg(test)]
mod tests;
