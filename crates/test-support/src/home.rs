//! [`TempHome`]: a netclaw home in a temp directory, with the providers tests configure most.

use netclaw_config::{
    AuthMethod, ConfigStore, CredentialWrite, EnvSnapshot, ModelRef, ModelRole, OAuthOverrides,
    OAuthTokens, Paths, ProviderEntry, ProviderWrite,
};
use secrecy::SecretString;

/// A temp netclaw home that lives as long as the value.
#[derive(Debug)]
pub struct TempHome {
    /// The directory (removed on drop).
    pub dir: tempfile::TempDir,
    /// Its files.
    pub paths: Paths,
}

impl Default for TempHome {
    fn default() -> Self {
        Self::new()
    }
}

impl TempHome {
    /// An empty home.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        Self { dir, paths }
    }

    /// The environment netclaw sees: only `HOME`, pointing into the temp directory.
    pub fn env(&self) -> EnvSnapshot {
        EnvSnapshot::from_pairs([("HOME", self.dir.path().to_str().unwrap())])
    }

    /// A config store for the home (the identity rules every netclaw program follows).
    pub fn store(&self) -> ConfigStore {
        ConfigStore::new(self.paths.clone(), &self.env())
    }

    /// Configures provider `name` of `type_key` at `endpoint` with an API key.
    pub fn add_key_provider(&self, name: &str, type_key: &str, endpoint: &str, key: &str) {
        let mut entry = ProviderEntry::new(type_key);
        entry.auth_method = AuthMethod::ApiKey;
        entry.endpoint = Some(endpoint.to_owned());
        self.store()
            .write_provider(
                name,
                ProviderWrite {
                    entry,
                    credentials: CredentialWrite::ApiKey(SecretString::from(key)),
                },
            )
            .unwrap();
    }

    /// Configures an `openai` provider logged in through the ChatGPT subscription (Codex),
    /// account `acct-123`, its OAuth server at `issuer`.
    pub fn add_codex_provider(
        &self,
        name: &str,
        endpoint: &str,
        issuer: &str,
        access: &str,
        refresh: &str,
        expires_at: jiff::Timestamp,
    ) {
        let mut entry = ProviderEntry::new("openai");
        entry.auth_method = AuthMethod::OAuthPkce;
        entry.endpoint = Some(endpoint.to_owned());
        entry.oauth = Some(OAuthOverrides {
            issuer: Some(issuer.to_owned()),
            ..Default::default()
        });
        self.store()
            .write_provider(
                name,
                ProviderWrite {
                    entry,
                    credentials: CredentialWrite::OAuth(OAuthTokens {
                        access_token: SecretString::from(access),
                        refresh_token: Some(SecretString::from(refresh)),
                        id_token: None,
                        account_id: Some(SecretString::from("acct-123")),
                        expires_at: Some(expires_at),
                    }),
                },
            )
            .unwrap();
    }

    /// Sets the main model.
    pub fn set_main(&self, provider: &str, model: &str) {
        let role: ModelRef =
            serde_json::from_value(serde_json::json!({"Provider": provider, "ModelId": model}))
                .unwrap();
        self.store()
            .set_model_role(ModelRole::Main, Some(role))
            .unwrap();
    }
}
