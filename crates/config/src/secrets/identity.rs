//! The age X25519 identity: from `NETCLAW_AGE_IDENTITY` or `keys/identity.txt`, created on first write.

use std::fmt;
use std::path::{Path, PathBuf};

use age::x25519;
use secrecy::{ExposeSecret, SecretString};

use crate::env::{EnvSnapshot, EnvVars};
use crate::error::ConfigError;
use crate::fs::{read_if_exists, write_atomic};
use crate::paths::Paths;

const SECRET_KEY_PREFIX: &str = "AGE-SECRET-KEY-1";

/// Where the age identity for the secrets file comes from.
#[derive(Clone)]
pub enum IdentitySource {
    /// An identity file: `keys/identity.txt` (created on first secret write) or the path in
    /// `NETCLAW_AGE_IDENTITY` (never created).
    File {
        /// The file.
        path: PathBuf,
        /// True when `NETCLAW_AGE_IDENTITY` named it.
        from_env: bool,
    },
    /// The `AGE-SECRET-KEY-1…` string itself, from `NETCLAW_AGE_IDENTITY`.
    Inline(SecretString),
}

impl fmt::Debug for IdentitySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File { path, from_env } => f
                .debug_struct("File")
                .field("path", path)
                .field("from_env", from_env)
                .finish(),
            Self::Inline(_) => f.write_str("Inline([REDACTED])"),
        }
    }
}

impl IdentitySource {
    /// `NETCLAW_AGE_IDENTITY` (a key string or a path) if set, else `keys/identity.txt`.
    pub fn resolve(paths: &Paths, env: &EnvSnapshot) -> Self {
        match env.get(EnvVars::NETCLAW_AGE_IDENTITY) {
            Some(v) if v.trim_start().starts_with(SECRET_KEY_PREFIX) => {
                Self::Inline(SecretString::from(v.trim()))
            }
            Some(path) => Self::File {
                path: PathBuf::from(path),
                from_env: true,
            },
            None => Self::File {
                path: paths.identity_file(),
                from_env: false,
            },
        }
    }

    /// The identity file, when the identity comes from one.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Self::File { path, .. } => Some(path),
            Self::Inline(_) => None,
        }
    }

    /// How to name this source in messages.
    pub fn describe(&self) -> String {
        match self {
            Self::File { path, .. } => format!("`{}`", path.display()),
            Self::Inline(_) => format!("`{}`", EnvVars::NETCLAW_AGE_IDENTITY),
        }
    }

    /// Loads the identity; `Ok(None)` when it is the default file and that does not exist yet.
    pub(crate) fn load(&self) -> Result<Option<LoadedIdentity>, ConfigError> {
        match self {
            Self::Inline(key) => parse_identity(key.expose_secret(), self).map(Some),
            Self::File { path, from_env } => match read_if_exists(path)? {
                Some(bytes) => {
                    let text =
                        String::from_utf8(bytes).map_err(|_| ConfigError::IdentityInvalid {
                            identity: self.describe(),
                            reason: "the file is not UTF-8 text".to_owned(),
                        })?;
                    let text = SecretString::from(text);
                    parse_identity(text.expose_secret(), self).map(Some)
                }
                None if *from_env => Err(ConfigError::IdentityInvalid {
                    identity: self.describe(),
                    reason: format!("`{}` names no existing file", EnvVars::NETCLAW_AGE_IDENTITY),
                }),
                None => Ok(None),
            },
        }
    }

    /// Loads the identity, generating and saving `keys/identity.txt` (0600, dir 0700) when it is
    /// the default file and missing.
    pub(crate) fn load_or_generate(&self) -> Result<LoadedIdentity, ConfigError> {
        if let Some(loaded) = self.load()? {
            return Ok(loaded);
        }
        let Self::File { path, .. } = self else {
            unreachable!("inline identities always load or fail");
        };
        let identity = x25519::Identity::generate();
        let recipient = identity.to_public();
        let text = SecretString::from(format!(
            "# created: {}\n# public key: {recipient}\n{}\n",
            jiff::Timestamp::now(),
            identity.to_string().expose_secret()
        ));
        write_atomic(path, text.expose_secret().as_bytes())?;
        Ok(LoadedIdentity {
            identity,
            recipient,
        })
    }
}

fn parse_identity(text: &str, source: &IdentitySource) -> Result<LoadedIdentity, ConfigError> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .ok_or_else(|| ConfigError::IdentityInvalid {
            identity: source.describe(),
            reason: "it holds no key (the file is empty or truncated)".to_owned(),
        })?;
    let identity: x25519::Identity = line.parse().map_err(|_| ConfigError::IdentityInvalid {
        identity: source.describe(),
        reason: format!("the key line is not a complete `{SECRET_KEY_PREFIX}…` key"),
    })?;
    let recipient = identity.to_public();
    Ok(LoadedIdentity {
        identity,
        recipient,
    })
}

/// A parsed identity and its public recipient.
pub(crate) struct LoadedIdentity {
    pub(crate) identity: x25519::Identity,
    pub(crate) recipient: x25519::Recipient,
}

impl fmt::Debug for LoadedIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadedIdentity")
            .field("recipient", &self.recipient.to_string())
            .finish_non_exhaustive()
    }
}
