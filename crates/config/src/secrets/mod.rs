//! The secrets file: its decrypted payload, the age identity, and encryption.

mod crypt;
mod identity;
mod payload;

pub(crate) use crypt::{decrypt_payload, encrypt_payload};
pub use identity::IdentitySource;
pub(crate) use identity::LoadedIdentity;
pub use payload::{AccountSecrets, ProviderSecrets, SecretField, SecretsPayload};

#[cfg(test)]
mod tests;
