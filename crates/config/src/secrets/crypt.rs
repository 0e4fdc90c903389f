//! Encrypting and decrypting the secrets payload as one age file, with typed errors.

use std::path::Path;

use secrecy::zeroize::Zeroize;

use super::{IdentitySource, LoadedIdentity, SecretsPayload};
use crate::error::ConfigError;

/// Decrypts and parses the secrets file bytes.
pub(crate) fn decrypt_payload(
    path: &Path,
    ciphertext: &[u8],
    identity: &LoadedIdentity,
    source: &IdentitySource,
) -> Result<SecretsPayload, ConfigError> {
    let mut plain = age::decrypt(&identity.identity, ciphertext).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => ConfigError::WrongIdentity {
            path: path.to_path_buf(),
            identity: source.describe(),
        },
        other => ConfigError::SecretsCorrupt {
            path: path.to_path_buf(),
            reason: corrupt_reason(&other),
        },
    })?;
    let parsed = serde_json::from_slice::<SecretsPayload>(&plain);
    plain.zeroize();
    parsed.map_err(|e| ConfigError::SecretsCorrupt {
        path: path.to_path_buf(),
        // serde_json's message can quote the offending value: keep only its position.
        reason: format!(
            "the decrypted content is not the expected JSON (line {}, column {})",
            e.line(),
            e.column()
        ),
    })
}

fn corrupt_reason(e: &age::DecryptError) -> String {
    match e {
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            "it is not an age file or its header is damaged".to_owned()
        }
        age::DecryptError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            "the file ends early".to_owned()
        }
        age::DecryptError::Io(_) => {
            "its contents fail authentication (damaged or truncated)".to_owned()
        }
        age::DecryptError::InvalidMac | age::DecryptError::DecryptionFailed => {
            "its contents fail authentication (damaged or truncated)".to_owned()
        }
        other => other.to_string(),
    }
}

/// Serializes and encrypts the payload to the identity's recipient.
pub(crate) fn encrypt_payload(
    path: &Path,
    payload: &SecretsPayload,
    identity: &LoadedIdentity,
) -> Result<Vec<u8>, ConfigError> {
    let mut plain = serde_json::to_vec(payload).map_err(|_| ConfigError::Encrypt {
        path: path.to_path_buf(),
    })?;
    let encrypted = age::encrypt(&identity.recipient, &plain);
    plain.zeroize();
    encrypted.map_err(|_| ConfigError::Encrypt {
        path: path.to_path_buf(),
    })
}
