//! `ConfigStore`: the handle every writer goes through: locked read-modify-write of both files.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use secrecy::SecretString;

use crate::document::{ConfigDocument, backup_path};
use crate::env::EnvSnapshot;
use crate::error::ConfigError;
use crate::fs::{FileLock, read_if_exists, sweep_stale_temp_files, write_atomic};
use crate::json_file::{parse_config, serialize_config};
use crate::load::Config;
use crate::migrate::CURRENT_VERSION;
use crate::model::{ModelRef, ModelRole};
use crate::paths::Paths;
use crate::save_point::SaveHook;
use crate::secrets::IdentitySource;
use crate::writers::{OAuthTokens, ProviderWrite};

/// Reads and writes netclaw's two config files under `Paths`.
///
/// Every write is a read-modify-write under the cross-process lock
/// ([`Paths::config_lock_file`]), so concurrent writers (CLI and daemon) never lose each
/// other's changes; each file is replaced atomically.
#[derive(Debug, Clone)]
pub struct ConfigStore {
    paths: Paths,
    identity: IdentitySource,
    hook: Option<SaveHook>,
    /// How many times this store and its clones have read the files.
    reads: Arc<AtomicU64>,
}

/// What [`ConfigStore::migrate`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationReport {
    /// There is no netclaw.json.
    NoFile,
    /// The file is already at the current version.
    UpToDate {
        /// The version.
        version: u32,
    },
    /// The file was rewritten.
    Migrated {
        /// The version it had.
        from: u64,
        /// The version it has now.
        to: u32,
        /// Where the old file was kept.
        backup: std::path::PathBuf,
    },
}

impl ConfigStore {
    /// A store for the files under `paths`, with the identity `env` selects
    /// (`NETCLAW_AGE_IDENTITY`, else `keys/identity.txt`).
    pub fn new(paths: Paths, env: &EnvSnapshot) -> Self {
        let identity = IdentitySource::resolve(&paths, env);
        Self {
            paths,
            identity,
            hook: None,
            reads: Arc::default(),
        }
    }

    /// A store with an explicit identity source.
    pub fn with_identity(paths: Paths, identity: IdentitySource) -> Self {
        Self {
            paths,
            identity,
            hook: None,
            reads: Arc::default(),
        }
    }

    /// The same store with `hook` called at each step of every save; tests use it to stop a
    /// save where a crash or a failing disk would.
    #[must_use]
    pub fn with_save_hook(mut self, hook: SaveHook) -> Self {
        self.hook = Some(hook);
        self
    }

    /// The paths.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// Where the identity comes from.
    pub fn identity(&self) -> &IdentitySource {
        &self.identity
    }

    /// Reads netclaw.json without locking (writes are atomic renames, so a reader always sees
    /// a whole file); the secrets are decrypted when first asked for.
    pub fn read(&self) -> Result<ConfigDocument, ConfigError> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        ConfigDocument::read(&self.paths, &self.identity)
    }

    /// How many times this store and its clones have read the files (every load, update and
    /// refresh reads through here): what proves that a request path reads none.
    pub fn reads(&self) -> u64 {
        self.reads.load(Ordering::Relaxed)
    }

    /// Reads both files and layers them with `env` (see [`Config`]).
    pub fn load(&self, env: &EnvSnapshot) -> Result<Config, ConfigError> {
        Config::from_document(&mut self.read()?, env)
    }

    /// Runs `edit` on a fresh read of both files while holding the config lock, then writes
    /// the files it changed. When `edit` returns an error nothing is written.
    ///
    /// This is how a credentials layer refreshes safely: under the lock, re-read the stored
    /// tokens and expiry, decide whether a refresh is still needed, and persist the result.
    pub fn update<T, E>(
        &self,
        edit: impl FnOnce(&mut ConfigDocument) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<ConfigError>,
    {
        let _lock = FileLock::acquire(&self.paths.config_lock_file())?;
        self.sweep_stale_temp_files();
        let mut doc = self.read()?;
        // A file netclaw cannot parse is never written: the user's edit stays as it is, and
        // the error says where it is wrong. The edited result must parse too.
        doc.settings()?;
        let out = edit(&mut doc)?;
        doc.settings()?;
        doc.save(self.hook.as_ref())?;
        Ok(out)
    }

    /// Removes what killed writes of the locked files left behind (the lock is held).
    fn sweep_stale_temp_files(&self) {
        sweep_stale_temp_files(
            &self.paths.config_dir(),
            &["netclaw.json", "netclaw.json.bak", "secrets.json.age"],
        );
        let identity = self.paths.identity_file();
        if let (Some(dir), Some(name)) = (identity.parent(), identity.file_name()) {
            sweep_stale_temp_files(dir, &[&name.to_string_lossy()]);
        }
    }

    /// Rewrites netclaw.json in the current version, keeping the old file as `netclaw.json.bak`
    /// (`netclaw config migrate`); from before version 3 the secrets file is rewritten in the
    /// accounts shape too, the old one kept as `secrets.json.age.bak`.
    pub fn migrate(&self) -> Result<MigrationReport, ConfigError> {
        let _lock = FileLock::acquire(&self.paths.config_lock_file())?;
        let path = self.paths.config_file();
        let Some(bytes) = read_if_exists(&path)? else {
            return Ok(MigrationReport::NoFile);
        };
        let on_disk = parse_config(&path, bytes)?;
        if on_disk.version == u64::from(CURRENT_VERSION) {
            return Ok(MigrationReport::UpToDate {
                version: CURRENT_VERSION,
            });
        }
        if on_disk.version < 3 {
            // Version 3 files a provider's secrets under its accounts too: the secrets file is
            // rewritten in that shape first (either file loads with the other's old shape, so
            // a crash between the two loses nothing), its old bytes kept beside it.
            let secrets_path = self.paths.secrets_file();
            if let Some(bytes) = read_if_exists(&secrets_path)? {
                let mut doc = self.read()?;
                doc.secrets_mut()?;
                write_atomic(&backup_path(&secrets_path), &bytes)?;
                doc.save(self.hook.as_ref())?;
            }
        }
        let backup = backup_path(&path);
        write_atomic(&backup, &on_disk.bytes)?;
        write_atomic(&path, &serialize_config(&on_disk.migrated))?;
        Ok(MigrationReport::Migrated {
            from: on_disk.version,
            to: CURRENT_VERSION,
            backup,
        })
    }

    /// [`ConfigDocument::write_provider`] under the lock.
    pub fn write_provider(&self, name: &str, write: ProviderWrite) -> Result<(), ConfigError> {
        self.update(|doc| doc.write_provider(name, write))
    }

    /// [`ConfigDocument::add_provider`] under the lock: of two racing adds of one name,
    /// exactly one succeeds.
    pub fn add_provider(&self, name: &str, write: ProviderWrite) -> Result<(), ConfigError> {
        self.update(|doc| doc.add_provider(name, write))
    }

    /// [`ConfigDocument::persist_tokens`] under the lock.
    pub fn persist_tokens(
        &self,
        account: &crate::ProviderAccount,
        tokens: OAuthTokens,
    ) -> Result<(), ConfigError> {
        self.update(|doc| doc.persist_tokens(account, tokens))
    }

    /// [`ConfigDocument::write_account`] under the lock.
    pub fn write_account(
        &self,
        name: &str,
        account: Option<&str>,
        write: ProviderWrite,
    ) -> Result<(), ConfigError> {
        self.update(|doc| doc.write_account(name, account, write))
    }

    /// [`ConfigDocument::remove_provider`] under the lock.
    pub fn remove_provider(&self, name: &str) -> Result<bool, ConfigError> {
        self.update(|doc| doc.remove_provider(name))
    }

    /// [`ConfigDocument::rename_provider`] under the lock.
    pub fn rename_provider(&self, from: &str, to: &str) -> Result<(), ConfigError> {
        self.update(|doc| doc.rename_provider(from, to))
    }

    /// [`ConfigDocument::set_model_role`] under the lock.
    pub fn set_model_role(
        &self,
        role: ModelRole,
        model: Option<ModelRef>,
    ) -> Result<(), ConfigError> {
        self.update(|doc| doc.set_model_role(role, model))
    }

    /// [`ConfigDocument::set_secret`] under the lock.
    pub fn set_secret(&self, key: &str, value: SecretString) -> Result<(), ConfigError> {
        self.update(|doc| doc.set_secret(key, value))
    }

    /// The dotted names of every stored secret (no values).
    pub fn secret_names(&self) -> Result<Vec<String>, ConfigError> {
        self.read()?.secret_names()
    }

    /// A cheap stamp of both files (no file is opened). A daemon compares stamps to decide
    /// when to load again.
    pub fn stamp(&self) -> FilesStamp {
        FilesStamp {
            config: FileStamp::of(&self.paths.config_file()),
            secrets: FileStamp::of(&self.paths.secrets_file()),
        }
    }
}

/// What identifies one version of a file without opening it: the inode (an atomic replace
/// changes it), the size and the modification time in nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    inode: u64,
    size: u64,
    mtime_ns: i128,
}

impl FileStamp {
    fn of(path: &std::path::Path) -> Option<Self> {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(path).ok()?;
        Some(Self {
            inode: meta.ino(),
            size: meta.size(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
        })
    }
}

/// The stamps of netclaw.json and the secrets file; equal stamps mean there is nothing new to
/// load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FilesStamp {
    config: Option<FileStamp>,
    secrets: Option<FileStamp>,
}
