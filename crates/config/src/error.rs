//! `ConfigError`: every way reading or writing netclaw's files can fail, with a hint for each.

use crate::Hint;
use std::io;
use std::path::PathBuf;

use crate::migrate::CURRENT_VERSION;

/// An error from reading, decrypting, validating or writing netclaw's configuration.
///
/// Messages name the file involved and never contain secret values. [`ConfigError::hint`] says
/// what the user can do about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A file or directory could not be read, written, locked or renamed.
    #[error("cannot {action} `{path}`")]
    Io {
        /// What was being done (`read`, `write`, `lock`, …).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },

    /// A JSON file is not valid JSON, or a value has the wrong shape.
    #[error("cannot parse `{path}` at line {line}, column {column}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What is wrong there.
        message: String,
    },

    /// The layered settings (file ⊕ secrets ⊕ env) do not fit the settings model.
    #[error("invalid configuration: {message}")]
    Invalid {
        /// What is wrong, with the key and the layer it came from.
        message: String,
    },

    /// The file was written by a newer netclaw.
    #[error(
        "`{path}` has configVersion {found}, newer than this netclaw understands ({supported})"
    )]
    NewerVersion {
        /// The file.
        path: PathBuf,
        /// The version in the file.
        found: u64,
        /// The newest version this build knows.
        supported: u32,
    },

    /// A path netclaw reads is a FIFO, a socket, a device or a directory, not a file.
    #[error("`{path}` is {kind}, not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is (`a FIFO`, `a directory`, …).
        kind: &'static str,
    },

    /// `netclaw.json` exists but is empty (a write cut short by something other than netclaw,
    /// or a truncation): taken as "no config" it would hide every provider.
    #[error("`{path}` is empty")]
    EmptyConfig {
        /// The file.
        path: PathBuf,
        /// `netclaw.json.bak`, when there is one to restore.
        backup: Option<PathBuf>,
    },

    /// `configVersion` is not a positive integer.
    #[error("`{path}` has an invalid configVersion `{found}`")]
    InvalidVersion {
        /// The file.
        path: PathBuf,
        /// The value found, as JSON.
        found: String,
    },

    /// The secrets file was encrypted for another age identity.
    #[error(
        "cannot decrypt `{path}` with the age identity from {identity}: it was encrypted for a different key"
    )]
    WrongIdentity {
        /// The secrets file.
        path: PathBuf,
        /// Where the identity came from (a file path or `NETCLAW_AGE_IDENTITY`).
        identity: String,
    },

    /// The secrets file is not a complete age file or does not hold the expected JSON.
    #[error("`{path}` is corrupt or truncated: {reason}")]
    SecretsCorrupt {
        /// The secrets file.
        path: PathBuf,
        /// What failed (never contains secret values).
        reason: String,
    },

    /// The secrets file exists but no identity can be found to decrypt it.
    #[error("`{secrets}` exists but its age identity `{identity}` is missing")]
    IdentityMissing {
        /// The expected identity file.
        identity: PathBuf,
        /// The secrets file.
        secrets: PathBuf,
    },

    /// The identity file or `NETCLAW_AGE_IDENTITY` does not hold a valid age X25519 identity.
    #[error("{identity} does not hold a valid age identity: {reason}")]
    IdentityInvalid {
        /// Where the identity came from (a file path in backticks or `NETCLAW_AGE_IDENTITY`).
        identity: String,
        /// What is wrong.
        reason: String,
    },

    /// Encrypting the secrets payload failed.
    #[error("cannot encrypt the secrets for `{path}`")]
    Encrypt {
        /// The secrets file.
        path: PathBuf,
    },

    /// A provider name is not usable as a key.
    #[error("invalid provider name `{name}`: {reason}")]
    InvalidProviderName {
        /// The rejected name.
        name: String,
        /// Why.
        reason: &'static str,
    },

    /// No provider with that name is configured.
    #[error("no provider named `{name}` is configured")]
    ProviderNotFound {
        /// The name asked for.
        name: String,
    },

    /// A provider with that name already exists.
    #[error("a provider named `{name}` already exists")]
    ProviderExists {
        /// The name asked for.
        name: String,
    },

    /// An account name is not usable as a key.
    #[error("invalid account name `{name}`: {reason}")]
    InvalidAccountName {
        /// The rejected name.
        name: String,
        /// Why.
        reason: &'static str,
    },

    /// A provider has no account of that name.
    #[error("provider `{provider}` has no account named `{account}`")]
    AccountNotFound {
        /// The provider.
        provider: String,
        /// The account asked for.
        account: String,
    },

    /// A provider already has an account of that name.
    #[error("provider `{provider}` already has an account named `{account}`")]
    AccountExists {
        /// The provider.
        provider: String,
        /// The account asked for.
        account: String,
    },

    /// A command that writes one account was given none while the provider has several.
    #[error("provider `{provider}` has several accounts ({})", accounts.join(", "))]
    AccountAmbiguous {
        /// The provider.
        provider: String,
        /// Its accounts.
        accounts: Vec<String>,
    },

    /// A dotted secret key does not name a secret.
    #[error("`{key}` is not a secret key")]
    InvalidSecretKey {
        /// The key given.
        key: String,
    },
}

impl ConfigError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

impl Hint for ConfigError {
    fn hint(&self) -> Option<String> {
        let hint = match self {
            Self::Io { .. } | Self::Encrypt { .. } => return None,
            Self::Parse { .. } => "fix the file at that position, or move it aside and run `netclaw init`".to_owned(),
            Self::Invalid { .. } => {
                "fix the value in `netclaw.json` or the `NETCLAW_` environment variable named above".to_owned()
            }
            Self::NewerVersion { .. } => format!(
                "upgrade netclaw; this build writes configVersion {CURRENT_VERSION} and refuses to touch newer files"
            ),
            Self::NotAFile { path, .. } => format!(
                "move `{}` aside; netclaw reads and writes only regular files there",
                path.display()
            ),
            Self::EmptyConfig { path, backup: Some(backup) } => format!(
                "restore it with `cp {} {}`, or delete it to start over with `netclaw init`",
                backup.display(),
                path.display()
            ),
            Self::EmptyConfig { path, backup: None } => format!(
                "delete `{}` and run `netclaw init`; the secrets file was left untouched",
                path.display()
            ),
            Self::InvalidVersion { .. } => {
                format!("set `configVersion` to a whole number such as {CURRENT_VERSION}")
            }
            Self::WrongIdentity { .. } => "set `NETCLAW_AGE_IDENTITY` to the identity that wrote the file, or restore the identity file; netclaw left the secrets file untouched".to_owned(),
            Self::SecretsCorrupt { .. } => "restore the file from a backup, or move it aside and store credentials again with `netclaw provider login <name>`; netclaw left it untouched".to_owned(),
            Self::IdentityMissing { identity, .. } => format!(
                "restore `{}` or set `NETCLAW_AGE_IDENTITY`; without it the secrets cannot be read",
                identity.display()
            ),
            Self::IdentityInvalid { .. } => "the identity must be an `AGE-SECRET-KEY-1…` line as written by `age-keygen`".to_owned(),
            Self::InvalidProviderName { .. } => {
                "use letters, digits, `-` and `_` (for example `my-openai`)".to_owned()
            }
            Self::InvalidAccountName { .. } => {
                "use letters, digits, `-` and `_` (for example `personal`)".to_owned()
            }
            Self::ProviderNotFound { .. } => {
                "list the configured providers with `netclaw provider list`".to_owned()
            }
            Self::ProviderExists { name } => format!(
                "pick another name, or remove it first with `netclaw provider remove {name}`"
            ),
            Self::AccountNotFound { provider, .. } => {
                format!("list its accounts with `netclaw account list {provider}`")
            }
            Self::AccountExists { provider, account } => format!(
                "pick another name, or remove it first with `netclaw account remove {provider}/{account}`"
            ),
            Self::AccountAmbiguous { provider, accounts } => format!(
                "name one with `--account`, for example `--account {}`; `netclaw account list {provider}` shows them",
                accounts.first().map_or("default", String::as_str)
            ),
            Self::InvalidSecretKey { .. } => "use `Providers.<name>.<Field>` where the field is `ApiKey`, `OAuthAccessToken`, `OAuthRefreshToken`, `OAuthIdToken` or `OAuthAccountId`, e.g. `netclaw secrets set Providers.openai.ApiKey`".to_owned(),
        };
        Some(hint)
    }
}
