//! Scrubbing credentials out of any text shown to the user (servers sometimes echo keys back):
//! probe messages and chat errors alike.

use secrecy::{ExposeSecret, SecretString};

use crate::bearer::Bearer;

/// What replaces a credential in user-visible text.
pub(crate) const REDACTED: &str = "[redacted]";

/// Replaces every occurrence of the held secrets in a text.
#[derive(Debug, Default)]
pub(crate) struct Redactor {
    secrets: Vec<SecretString>,
}

impl Redactor {
    /// A redactor for the credential a probe sends.
    pub(crate) fn for_bearer(bearer: Option<&Bearer>) -> Self {
        Self {
            secrets: bearer.map(|b| b.token.clone()).into_iter().collect(),
        }
    }

    /// Also scrubs `secret` (a credential sent on a retry or after a renewal).
    pub(crate) fn hold(&mut self, secret: &SecretString) {
        let value = secret.expose_secret();
        if !self
            .secrets
            .iter()
            .any(|held| held.expose_secret() == value)
        {
            self.secrets.push(secret.clone());
        }
    }

    /// `text` with each secret (of at least 4 characters) replaced by `[redacted]`.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for secret in &self.secrets {
            let value = secret.expose_secret();
            if value.len() >= 4 && out.contains(value) {
                out = out.replace(value, REDACTED);
            }
        }
        out
    }
}
