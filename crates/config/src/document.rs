//! `ConfigDocument`: both files as read, edited in memory, and saved by `ConfigStore::update`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ConfigError;
use crate::fs::{read_if_exists, write_atomic, write_atomic_with_hook};
use crate::json_file::{self, ConfigOnDisk, parse_error, serialize_config, skeleton};
use crate::migrate::CURRENT_VERSION;
use crate::model::{
    DaemonSettings, ModelRef, ModelRole, Models, ProviderEntry, Settings, merge_object,
};
use crate::paths::Paths;
use crate::save_point::{SaveHook, SavePoint};
use crate::secrets::{
    IdentitySource, LoadedIdentity, SecretsPayload, decrypt_payload, encrypt_payload,
};

/// `netclaw.json` (raw JSON, migrated in memory) and the secrets payload (decrypted on first use).
///
/// Edits keep every key the typed model does not know, in place. Nothing touches disk until
/// the [`crate::ConfigStore::update`] closure that received the document returns `Ok`; then
/// only the files that changed are written.
#[derive(Debug)]
pub struct ConfigDocument {
    paths: Paths,
    identity_source: IdentitySource,
    config: Map<String, Value>,
    on_disk: Option<ConfigOnDisk>,
    secrets: Option<SecretsState>,
    secrets_dirty: bool,
}

#[derive(Debug)]
struct SecretsState {
    payload: SecretsPayload,
    /// The payload as read, to know what an edit drops (see [`SecretsPayload::staged_before`]).
    original: SecretsPayload,
    identity: Option<LoadedIdentity>,
}

impl ConfigDocument {
    /// Reads `netclaw.json` (the secrets file is read when first needed).
    pub(crate) fn read(
        paths: &Paths,
        identity_source: &IdentitySource,
    ) -> Result<Self, ConfigError> {
        let path = paths.config_file();
        let on_disk = read_if_exists(&path)?
            .map(|bytes| json_file::parse_config(&path, bytes))
            .transpose()?;
        let config = on_disk
            .as_ref()
            .map_or_else(skeleton, |d| d.migrated.clone());
        Ok(Self {
            paths: paths.clone(),
            identity_source: identity_source.clone(),
            config,
            on_disk,
            secrets: None,
            secrets_dirty: false,
        })
    }

    /// The paths this document was read from.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Where the secrets file's identity comes from.
    pub fn identity_source(&self) -> &IdentitySource {
        &self.identity_source
    }

    /// True when `netclaw.json` existed when the document was read.
    pub fn config_exists(&self) -> bool {
        self.on_disk.is_some()
    }

    /// The version `netclaw.json` declared on disk (1 when missing; `None` without a file).
    pub fn version_on_disk(&self) -> Option<u64> {
        self.on_disk.as_ref().map(|d| d.version)
    }

    /// The raw `netclaw.json` document, migrated to the current version.
    pub fn config_json(&self) -> &Map<String, Value> {
        &self.config
    }

    /// The raw `netclaw.json` document for edits the typed helpers do not cover.
    pub fn config_json_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.config
    }

    /// The typed settings of `netclaw.json` alone (no env overrides, no secrets).
    ///
    /// A value of the wrong shape is reported with the file's line and column.
    pub fn settings(&self) -> Result<Settings, ConfigError> {
        serde_json::from_value(Value::Object(self.config.clone())).map_err(|e| {
            let path = self.paths.config_file();
            // Re-parse the original text to find the position, when it is still there.
            match &self.on_disk {
                Some(d) => match serde_json::from_slice::<Settings>(&d.bytes) {
                    Err(positioned) if positioned.line() > 0 => parse_error(&path, &positioned),
                    _ => ConfigError::Invalid {
                        message: format!("`{}`: {e}", path.display()),
                    },
                },
                None => ConfigError::Invalid {
                    message: format!("`{}`: {e}", path.display()),
                },
            }
        })
    }

    /// Provider names in file order.
    pub fn provider_names(&self) -> Vec<String> {
        self.providers_json()
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// The stored spelling of provider `name` (exact, else ignoring case).
    pub fn resolve_provider_name(&self, name: &str) -> Option<String> {
        crate::ProviderName::find_in(self.providers_json()?.keys(), name).cloned()
    }

    /// The typed entry of provider `name`, if configured.
    pub fn provider(&self, name: &str) -> Result<Option<ProviderEntry>, ConfigError> {
        let Some(key) = self.resolve_provider_name(name) else {
            return Ok(None);
        };
        let raw = self.providers_json().and_then(|p| p.get(&key)).cloned();
        raw.map(|v| self.typed(&format!("Providers.{key}"), v))
            .transpose()
    }

    /// Creates provider `name` or replaces its known fields; keys the model does not know stay.
    pub fn set_provider(&mut self, name: &str, entry: &ProviderEntry) -> Result<(), ConfigError> {
        validate_provider_name(name)?;
        let key = self
            .resolve_provider_name(name)
            .unwrap_or_else(|| name.to_owned());
        let typed = to_object(entry);
        let providers = object_at(&mut self.config, "Providers");
        let slot = providers
            .entry(key)
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        if let Value::Object(raw) = slot {
            merge_object(raw, typed);
        }
        Ok(())
    }

    /// Edits provider `name` through its typed entry.
    pub fn edit_provider<R>(
        &mut self,
        name: &str,
        edit: impl FnOnce(&mut ProviderEntry) -> R,
    ) -> Result<R, ConfigError> {
        let Some(key) = self.resolve_provider_name(name) else {
            return Err(ConfigError::ProviderNotFound {
                name: name.to_owned(),
            });
        };
        let mut entry = self.provider(&key)?.expect("the name was just resolved");
        let out = edit(&mut entry);
        self.set_provider(&key, &entry)?;
        Ok(out)
    }

    /// Edits the `Models` section through its typed form.
    pub fn edit_models<R>(
        &mut self,
        edit: impl FnOnce(&mut Models) -> R,
    ) -> Result<R, ConfigError> {
        self.edit_section("Models", edit)
    }

    /// Sets (or with `None`, removes) the model for `role`.
    pub fn set_model_role(
        &mut self,
        role: ModelRole,
        model: Option<ModelRef>,
    ) -> Result<(), ConfigError> {
        self.edit_models(|m| *m.role_mut(role) = model)
    }

    /// Edits the `Daemon` section through its typed form.
    pub fn edit_daemon<R>(
        &mut self,
        edit: impl FnOnce(&mut DaemonSettings) -> R,
    ) -> Result<R, ConfigError> {
        self.edit_section("Daemon", edit)
    }

    fn edit_section<T, R>(
        &mut self,
        key: &str,
        edit: impl FnOnce(&mut T) -> R,
    ) -> Result<R, ConfigError>
    where
        T: Serialize + DeserializeOwned,
    {
        let raw = self
            .config
            .get(key)
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        let mut typed: T = self.typed(key, raw)?;
        let out = edit(&mut typed);
        merge_object(object_at(&mut self.config, key), to_object(&typed));
        Ok(out)
    }

    fn typed<T: DeserializeOwned>(&self, at: &str, raw: Value) -> Result<T, ConfigError> {
        serde_json::from_value(raw).map_err(|e| {
            // Prefer the positioned error from the whole file when it shows the same problem.
            match self.settings() {
                Err(positioned @ ConfigError::Parse { .. }) => positioned,
                _ => ConfigError::Invalid {
                    message: format!("`{at}` in `{}`: {e}", self.paths.config_file().display()),
                },
            }
        })
    }

    pub(crate) fn providers_json(&self) -> Option<&Map<String, Value>> {
        self.config.get("Providers").and_then(Value::as_object)
    }

    pub(crate) fn providers_json_mut(&mut self) -> &mut Map<String, Value> {
        object_at(&mut self.config, "Providers")
    }

    /// The decrypted secrets (read and decrypted on first use).
    pub fn secrets(&mut self) -> Result<&SecretsPayload, ConfigError> {
        Ok(&self.secrets_state()?.payload)
    }

    /// The decrypted secrets for editing; the secrets file is rewritten on save.
    pub fn secrets_mut(&mut self) -> Result<&mut SecretsPayload, ConfigError> {
        self.secrets_state()?;
        self.secrets_dirty = true;
        Ok(&mut self
            .secrets
            .as_mut()
            .expect("secrets were just loaded")
            .payload)
    }

    fn secrets_state(&mut self) -> Result<&mut SecretsState, ConfigError> {
        if self.secrets.is_none() {
            let path = self.paths.secrets_file();
            let state = match read_if_exists(&path)? {
                None => SecretsState {
                    payload: SecretsPayload::default(),
                    original: SecretsPayload::default(),
                    identity: None,
                },
                Some(ciphertext) => {
                    let identity = self.identity_source.load()?.ok_or_else(|| {
                        ConfigError::IdentityMissing {
                            identity: self.paths.identity_file(),
                            secrets: path.clone(),
                        }
                    })?;
                    let payload =
                        decrypt_payload(&path, &ciphertext, &identity, &self.identity_source)?;
                    SecretsState {
                        original: payload.clone(),
                        payload,
                        identity: Some(identity),
                    }
                }
            };
            self.secrets = Some(state);
        }
        Ok(self.secrets.as_mut().expect("secrets were just set"))
    }

    /// Writes the files that changed so that a crash between (or inside) the replaces leaves
    /// a pair that works: the secrets first, as the union of old and new when the edit drops
    /// any (a rename, a removal, a key replaced by tokens), then `netclaw.json` (keeping a
    /// `.bak` of an older version before it is upgraded on disk), then the final secrets.
    /// Every intermediate state gives each provider of either `netclaw.json` its secrets; the
    /// worst a crash leaves is an unconfigured copy, which the load warns about.
    pub(crate) fn save(mut self, hook: Option<&SaveHook>) -> Result<(), ConfigError> {
        let secrets_path = self.paths.secrets_file();
        let mut final_secrets = None;
        if self.secrets_dirty {
            let source = self.identity_source.clone();
            let state = self.secrets.as_mut().expect("dirty secrets are loaded");
            let file_exists = secrets_path.exists();
            if file_exists || !state.payload.providers.is_empty() || !state.payload.extra.is_empty()
            {
                if state.identity.is_none() {
                    state.identity = Some(source.load_or_generate()?);
                }
                let identity = state.identity.as_ref().expect("identity was just loaded");
                let staged = state.original.staged_before(&state.payload);
                let first = encrypt_payload(
                    &secrets_path,
                    staged.as_ref().unwrap_or(&state.payload),
                    identity,
                )?;
                write_atomic_with_hook(&secrets_path, &first, |_| {
                    SaveHook::at(hook, SavePoint::SecretsStaged)
                })?;
                stop_at(hook, SavePoint::SecretsReplaced, &secrets_path)?;
                if staged.is_some() {
                    final_secrets = Some(encrypt_payload(&secrets_path, &state.payload, identity)?);
                }
            }
        }
        let changed = match &self.on_disk {
            Some(d) => d.migrated != self.config,
            None => self.config != skeleton(),
        };
        let config_path = self.paths.config_file();
        if changed {
            if let Some(d) = &self.on_disk
                && d.version < u64::from(CURRENT_VERSION)
            {
                write_atomic(&backup_path(&config_path), &d.bytes)?;
            }
            write_atomic_with_hook(&config_path, &serialize_config(&self.config), |_| {
                SaveHook::at(hook, SavePoint::ConfigStaged)
            })?;
            stop_at(hook, SavePoint::ConfigReplaced, &config_path)?;
        }
        if let Some(bytes) = final_secrets {
            write_atomic_with_hook(&secrets_path, &bytes, |_| {
                SaveHook::at(hook, SavePoint::FinalSecretsStaged)
            })?;
        }
        Ok(())
    }
}

/// Runs the hook at a point between two replaces, as a write failure of `path`.
fn stop_at(
    hook: Option<&SaveHook>,
    point: SavePoint,
    path: &std::path::Path,
) -> Result<(), ConfigError> {
    SaveHook::at(hook, point).map_err(|e| ConfigError::io("write", path, e))
}

/// `<file>.bak`.
pub(crate) fn backup_path(path: &std::path::Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".bak");
    name.into()
}

/// Rejects names that cannot be keys: empty, too long, or holding characters other than
/// letters, digits, `-` and `_` (`.` would break dotted keys, `/` the `provider/model` form).
pub fn validate_provider_name(name: &str) -> Result<(), ConfigError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.len() > 64 {
        Some("it is longer than 64 characters")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Some("only letters, digits, `-` and `_` are allowed")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(ConfigError::InvalidProviderName {
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

pub(crate) fn object_at<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> &'a mut Map<String, Value> {
    let slot = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    match slot {
        Value::Object(m) => m,
        _ => unreachable!("the slot was just made an object"),
    }
}

fn to_object<T: Serialize>(typed: &T) -> Map<String, Value> {
    match serde_json::to_value(typed) {
        Ok(Value::Object(m)) => m,
        _ => unreachable!("settings sections serialize to JSON objects"),
    }
}
