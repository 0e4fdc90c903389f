//! PKCE (RFC 7636, S256) and the random `state`: 32 OS-random bytes each, base64url without padding.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret as _, SecretString};
use sha2::{Digest as _, Sha256};

use crate::error::OAuthError;

/// A PKCE verifier and its S256 challenge.
#[derive(Clone)]
pub struct Pkce {
    verifier: SecretString,
    challenge: String,
}

impl Pkce {
    /// A fresh pair from 32 OS-random bytes (a 43-character verifier).
    ///
    /// # Errors
    /// [`OAuthError::Config`] when the OS has no randomness to give.
    pub fn generate() -> Result<Self, OAuthError> {
        Ok(Self::from_verifier(random_base64url()?))
    }

    /// The pair for a known verifier (tests; device flows where the server made the verifier).
    #[must_use]
    pub fn from_verifier(verifier: impl Into<String>) -> Self {
        let verifier: String = verifier.into();
        let challenge = s256_challenge(&verifier);
        Self {
            verifier: SecretString::from(verifier),
            challenge,
        }
    }

    /// The secret verifier, sent only in the token request.
    #[must_use]
    pub fn verifier(&self) -> &SecretString {
        &self.verifier
    }

    /// The public challenge, sent in the authorize URL.
    #[must_use]
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

impl fmt::Debug for Pkce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pkce")
            .field("verifier", &"[redacted]")
            .field("challenge", &self.challenge)
            .finish()
    }
}

/// `base64url(SHA-256(ascii(verifier)))`, no padding.
#[must_use]
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A fresh `state`: 32 OS-random bytes, base64url (43 characters).
///
/// # Errors
/// [`OAuthError::Config`] when the OS has no randomness to give.
pub fn generate_state() -> Result<String, OAuthError> {
    random_base64url()
}

fn random_base64url() -> Result<String, OAuthError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| OAuthError::config(format!("the OS random generator failed: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

impl Pkce {
    pub(crate) fn verifier_str(&self) -> &str {
        self.verifier.expose_secret()
    }
}

#[cfg(test)]
mod tests;
