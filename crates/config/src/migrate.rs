//! Versions of `netclaw.json` and the pure step functions that bring old files up to date.
//!
//! Migrations run in memory at every load; files are rewritten in the new version only by
//! [`crate::ConfigStore::migrate`] (`netclaw config migrate`, which keeps a `.bak`) or by the next
//! write, which also keeps a `.bak` of the old version first.

use serde_json::{Map, Value};

/// The version this build reads and writes.
///
/// - 1: the original netclaw's `netclaw.json`.
/// - 2: the legacy provider type `openai-codex` is gone (it is `openai` with `AuthMethod: OAuthPkce`).
/// - 3: a provider's credential belongs to a named account: `OAuthTokenExpiry` and
///   `CredentialFile` live under `Accounts.default` (the secrets file moves the same way when
///   it is next written).
pub const CURRENT_VERSION: u32 = 3;

/// The key holding the version.
pub const VERSION_KEY: &str = "configVersion";

/// Why a document cannot be migrated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// The document is from a newer netclaw.
    #[error("configVersion {found} is newer than this netclaw understands ({CURRENT_VERSION})")]
    Newer {
        /// The version found.
        found: u64,
    },
    /// `configVersion` is not a positive integer.
    #[error("configVersion `{found}` is not a positive whole number")]
    Invalid {
        /// The value found, as JSON.
        found: String,
    },
}

/// The version of a document: `configVersion`, or 1 when it is missing.
pub fn version_of(doc: &Map<String, Value>) -> Result<u64, MigrationError> {
    match doc.get(VERSION_KEY) {
        None | Some(Value::Null) => Ok(1),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if v >= 1 => Ok(v),
            _ => Err(MigrationError::Invalid {
                found: n.to_string(),
            }),
        },
        Some(other) => Err(MigrationError::Invalid {
            found: other.to_string(),
        }),
    }
}

/// Brings `doc` to [`CURRENT_VERSION`], one step at a time. Returns the version it started at.
pub fn migrate(doc: &mut Map<String, Value>) -> Result<u64, MigrationError> {
    let from = version_of(doc)?;
    if from > u64::from(CURRENT_VERSION) {
        return Err(MigrationError::Newer { found: from });
    }
    let mut version = from;
    while version < u64::from(CURRENT_VERSION) {
        match version {
            1 => v1_to_v2(doc),
            2 => v2_to_v3(doc),
            _ => unreachable!("every version below CURRENT_VERSION has a step"),
        }
        version += 1;
        doc.insert(VERSION_KEY.to_owned(), Value::from(version));
    }
    Ok(from)
}

/// v1 → v2: the legacy type `openai-codex` becomes `openai` with `AuthMethod: OAuthPkce`.
pub fn v1_to_v2(doc: &mut Map<String, Value>) {
    let Some(Value::Object(providers)) = doc.get_mut("Providers") else {
        return;
    };
    for entry in providers.values_mut() {
        let Value::Object(entry) = entry else {
            continue;
        };
        let is_codex = entry
            .get("Type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("openai-codex"));
        if is_codex {
            entry.insert("Type".to_owned(), Value::from("openai"));
            entry.insert("AuthMethod".to_owned(), Value::from("OAuthPkce"));
        }
    }
}

/// v2 → v3: the plain fields of a provider's one credential move to its default account.
pub fn v2_to_v3(doc: &mut Map<String, Value>) {
    const ACCOUNT_FIELDS: [&str; 2] = ["OAuthTokenExpiry", "CredentialFile"];
    let Some(Value::Object(providers)) = doc.get_mut("Providers") else {
        return;
    };
    for entry in providers.values_mut() {
        let Value::Object(entry) = entry else {
            continue;
        };
        let moved: Vec<(String, Value)> = ACCOUNT_FIELDS
            .iter()
            .filter_map(|field| Some(((*field).to_owned(), entry.shift_remove(*field)?)))
            .collect();
        if moved.is_empty() {
            continue;
        }
        let accounts = crate::document::object_at(entry, "Accounts");
        let account = crate::document::object_at(accounts, crate::DEFAULT_ACCOUNT);
        for (field, value) in moved {
            account.entry(field).or_insert(value);
        }
    }
}

#[cfg(test)]
mod tests;
