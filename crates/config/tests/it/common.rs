//! Shared set-up: a temp netclaw home, stores on it, and sample providers.

use std::path::Path;

use netclaw_config::{
    AuthMethod, ConfigStore, CredentialWrite, EnvSnapshot, OAuthTokens, Paths, ProviderEntry,
    ProviderWrite, SecretString,
};

/// A netclaw home in a temp dir, removed on drop.
pub(crate) struct Home {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) paths: Paths,
}

impl Home {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path().join("home"));
        Self { dir, paths }
    }

    /// A store with no environment (identity from `keys/identity.txt`).
    pub(crate) fn store(&self) -> ConfigStore {
        ConfigStore::new(self.paths.clone(), &EnvSnapshot::default())
    }

    pub(crate) fn store_with(&self, env: &EnvSnapshot) -> ConfigStore {
        ConfigStore::new(self.paths.clone(), env)
    }

    /// Replaces the temp path in `text` with `[HOME]` for snapshots.
    pub(crate) fn redact(&self, text: &str) -> String {
        text.replace(&self.paths.home().display().to_string(), "[HOME]")
    }

    pub(crate) fn write_config(&self, json: &str) {
        netclaw_config::fs::write_atomic(&self.paths.config_file(), json.as_bytes()).unwrap();
    }

    pub(crate) fn config_text(&self) -> String {
        std::fs::read_to_string(self.paths.config_file()).unwrap()
    }
}

pub(crate) fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

pub(crate) fn secret(s: &str) -> SecretString {
    SecretString::from(s)
}

pub(crate) fn api_key_provider(ty: &str, key: &str) -> ProviderWrite {
    let mut entry = ProviderEntry::new(ty);
    entry.auth_method = AuthMethod::ApiKey;
    ProviderWrite {
        entry,
        credentials: CredentialWrite::ApiKey(secret(key)),
    }
}

pub(crate) fn tokens(access: &str, refresh: Option<&str>, expires: Option<&str>) -> OAuthTokens {
    OAuthTokens {
        access_token: secret(access),
        refresh_token: refresh.map(secret),
        id_token: None,
        account_id: None,
        expires_at: expires.map(|e| e.parse().unwrap()),
    }
}

/// Replaces a file's bytes (to damage it on purpose).
pub(crate) fn overwrite(path: impl AsRef<Path>, bytes: impl AsRef<[u8]>) {
    netclaw_config::fs::write_atomic(path.as_ref(), bytes.as_ref()).unwrap();
}
