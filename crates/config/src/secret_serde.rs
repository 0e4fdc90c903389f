//! Serde helpers that write `SecretString` values; secrecy deserializes them but never serializes.
//!
//! Use with `#[serde(serialize_with = "netclaw_config::secret_serde::expose")]` (or
//! `expose_option` for `Option<SecretString>`). Only types that are written to the secrets file
//! or to a request should use them.

use secrecy::{ExposeSecret, SecretString};
use serde::Serializer;

/// Serializes a secret as its plain string.
pub fn expose<S: Serializer>(secret: &SecretString, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(secret.expose_secret())
}

/// Serializes an optional secret as its plain string, or `null`.
pub fn expose_option<S: Serializer>(
    secret: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match secret {
        Some(s) => serializer.serialize_some(s.expose_secret()),
        None => serializer.serialize_none(),
    }
}

/// The secret as a JSON string, for the secrets payload's free-form entries.
pub(crate) fn to_json(secret: &SecretString) -> serde_json::Value {
    serde_json::Value::from(secret.expose_secret())
}
