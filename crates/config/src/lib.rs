//! netclaw-config: the only crate that knows netclaw's file layout, env var names and encryption.
//!
//! Everything else receives a [`Paths`] and an [`EnvSnapshot`] and asks this crate to read or
//! write. Read with [`Config::load`]; write through a [`ConfigStore`], whose
//! [`ConfigStore::update`] runs a closure on a [`ConfigDocument`] under the cross-process lock.

mod accounts;
mod codex_auth;
mod document;
mod env;
mod env_overrides;
mod error;
pub mod fs;
#[doc(hidden)]
pub mod fuzzing;
mod gateway_keys;
mod hint;
mod json_file;
mod load;
pub mod migrate;
mod model;
mod paths;
mod provider_name;
mod save_point;
pub mod secret_serde;
mod secrets;
mod store;
mod writers;

pub use accounts::validate_account_name;
pub use codex_auth::{CodexAuth, CodexAuthError, CodexTokens};
pub use document::{ConfigDocument, validate_provider_name};
pub use env::{EnvSnapshot, EnvVars};
pub use env_overrides::oauth_with_env;
pub use error::ConfigError;
pub use gateway_keys::{
    GatewayKey, GatewayKeys, KEY_PREFIX, KeysUsed, key_hash, load_keys_used, save_keys_used,
};
pub use hint::Hint;
pub use load::{
    AccountCredentials, Config, Credential, CredentialSource, LoadWarning, ProviderCredentials,
    conventional_key_vars,
};
pub use model::{
    AccountEntry, AccountOrder, AuthMethod, DEFAULT_ACCOUNT, DaemonSettings, InvalidProviderModel,
    Modalities, ModelRef, ModelRole, Models, OAuthOverrides, ProviderAccount, ProviderEntry,
    ProviderModel, Settings, UnknownAuthMethod,
};
pub use paths::{Paths, PathsError, PermissionWarning, check_private};
pub use provider_name::ProviderName;
pub use save_point::{SaveHook, SavePoint};
pub use secrecy::{ExposeSecret, SecretString};
pub use secrets::{AccountSecrets, IdentitySource, ProviderSecrets, SecretField, SecretsPayload};
pub use store::{ConfigStore, FilesStamp, MigrationReport};
pub use writers::{CredentialWrite, OAuthTokens, ProviderWrite};
