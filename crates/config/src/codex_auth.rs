//! The Codex CLI's login file (`$CODEX_HOME/auth.json`): `{"OPENAI_API_KEY": null | "sk-…",
//! "tokens": {"id_token", "access_token", "refresh_token", "account_id"}, "last_refresh"}`.
//! netclaw reads it to import a login, or to use one read-only; it never writes it.

use std::path::Path;

use base64::Engine as _;
use jiff::Timestamp;
use secrecy::SecretString;
use serde::Deserialize;

/// What a Codex login file holds.
#[derive(Debug, Clone)]
pub struct CodexAuth {
    /// A platform API key, when Codex was logged in with one.
    pub api_key: Option<SecretString>,
    /// The ChatGPT login, when there is one.
    pub tokens: Option<CodexTokens>,
}

/// A ChatGPT login as Codex stores it.
#[derive(Debug, Clone)]
pub struct CodexTokens {
    /// The access token.
    pub access_token: SecretString,
    /// The refresh token (rotated on each refresh, by whichever program refreshes first).
    pub refresh_token: Option<SecretString>,
    /// The id_token.
    pub id_token: Option<SecretString>,
    /// The ChatGPT account id (not a secret: it names the account, it opens nothing).
    pub account_id: Option<String>,
    /// When the access token expires (its JWT `exp`), when it says.
    pub expires_at: Option<Timestamp>,
}

/// Why a Codex login file cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CodexAuthError {
    /// There is no file there.
    #[error("there is no Codex login at `{path}`")]
    Missing {
        /// The file.
        path: String,
    },
    /// The file exists but cannot be read, or is not a login.
    #[error("`{path}` is not a Codex login file: {reason}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

#[derive(Deserialize)]
struct File {
    #[serde(rename = "OPENAI_API_KEY", default)]
    api_key: Option<String>,
    #[serde(default)]
    tokens: Option<Tokens>,
}

#[derive(Deserialize)]
struct Tokens {
    #[serde(default)]
    id_token: Option<String>,
    access_token: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    account_id: Option<String>,
}

impl CodexAuth {
    /// Reads and parses `path`.
    ///
    /// # Errors
    /// [`CodexAuthError`] when the file cannot be read, is not JSON of that shape, or holds
    /// neither a login nor a key.
    pub fn read(path: &Path) -> Result<Self, CodexAuthError> {
        let shown = path.display().to_string();
        let invalid = |reason: String| CodexAuthError::Invalid {
            path: shown.clone(),
            reason,
        };
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CodexAuthError::Missing {
                path: shown.clone(),
            },
            _ => invalid(e.to_string()),
        })?;
        Self::parse(&bytes).map_err(invalid)
    }

    /// Parses the file's bytes; the error says what is wrong.
    ///
    /// # Errors
    /// A description of the problem.
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let file: File =
            serde_json::from_slice(bytes).map_err(|e| format!("invalid JSON ({e})"))?;
        let non_empty = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
        let tokens = match file.tokens {
            Some(tokens) => {
                let access = non_empty(tokens.access_token)
                    .ok_or_else(|| "`tokens` has no `access_token`".to_owned())?;
                Some(CodexTokens {
                    expires_at: jwt_expiry(&access),
                    access_token: SecretString::from(access),
                    refresh_token: non_empty(tokens.refresh_token).map(SecretString::from),
                    id_token: non_empty(tokens.id_token).map(SecretString::from),
                    account_id: non_empty(tokens.account_id),
                })
            }
            None => None,
        };
        let api_key = non_empty(file.api_key).map(SecretString::from);
        if tokens.is_none() && api_key.is_none() {
            return Err(
                "it holds neither a ChatGPT login (`tokens`) nor an `OPENAI_API_KEY`".to_owned(),
            );
        }
        Ok(Self { api_key, tokens })
    }
}

/// The `exp` claim of a JWT, read without verifying it (for scheduling only).
fn jwt_expiry(token: &str) -> Option<Timestamp> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    Timestamp::from_second(claims.get("exp")?.as_i64()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_a_key_and_broken_files() {
        let claims =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(br#"{"exp": 4102444800}"#);
        let login = format!(
            r#"{{"OPENAI_API_KEY": null, "tokens": {{"id_token": "i", "access_token": "h.{claims}.s",
               "refresh_token": "r", "account_id": "acct"}}, "last_refresh": "2026-12-01T00:00:00Z"}}"#
        );
        let auth = CodexAuth::parse(login.as_bytes()).unwrap();
        let tokens = auth.tokens.unwrap();
        assert_eq!(
            tokens.expires_at.unwrap().to_string(),
            "2100-01-01T00:00:00Z"
        );
        assert!(auth.api_key.is_none());
        assert!(
            CodexAuth::parse(br#"{"OPENAI_API_KEY": "sk-x"}"#)
                .unwrap()
                .api_key
                .is_some()
        );
        for broken in [
            &b"{"[..],
            br#"{"OPENAI_API_KEY": null}"#,
            br#"{"tokens": {}}"#,
        ] {
            assert!(CodexAuth::parse(broken).is_err());
        }
    }
}
