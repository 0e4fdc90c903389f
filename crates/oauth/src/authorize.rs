//! The browser authorize URL, with the parameters in a fixed order and escaped as servers expect
//! (OpenAI's server compares the redirect URI byte for byte).

use std::fmt;

use url::Url;

use crate::config::OAuthClientConfig;
use crate::error::OAuthError;
use crate::pkce::{Pkce, generate_state};

/// A browser login in progress: the URL to open and what the code exchange will need.
#[derive(Clone)]
pub struct PendingAuthorization {
    /// The URL the user opens.
    pub authorization_url: Url,
    /// The random state the callback must carry back.
    pub state: String,
    /// The redirect URI sent in the URL (and again in the code exchange).
    pub redirect_uri: Url,
    pub(crate) pkce: Pkce,
}

impl PendingAuthorization {
    /// Builds the URL with a fresh PKCE pair and state.
    ///
    /// # Errors
    /// [`OAuthError::Config`] when the OS has no randomness.
    pub fn new(
        authorization_endpoint: &Url,
        config: &OAuthClientConfig,
        redirect_uri: &Url,
    ) -> Result<Self, OAuthError> {
        Ok(Self::with(
            authorization_endpoint,
            config,
            redirect_uri,
            Pkce::generate()?,
            generate_state()?,
        ))
    }

    /// Builds the URL from a given PKCE pair and state (deterministic; for tests and snapshots).
    #[must_use]
    pub fn with(
        authorization_endpoint: &Url,
        config: &OAuthClientConfig,
        redirect_uri: &Url,
        pkce: Pkce,
        state: String,
    ) -> Self {
        let authorization_url = authorize_url(
            authorization_endpoint,
            config,
            redirect_uri,
            pkce.challenge(),
            &state,
        );
        Self {
            authorization_url,
            state,
            redirect_uri: redirect_uri.clone(),
            pkce,
        }
    }

    /// The PKCE pair (its verifier is secret).
    #[must_use]
    pub fn pkce(&self) -> &Pkce {
        &self.pkce
    }
}

impl fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("authorization_url", &self.authorization_url.as_str())
            .field("redirect_uri", &self.redirect_uri.as_str())
            .field("pkce", &self.pkce)
            .finish_non_exhaustive()
    }
}

/// `endpoint?response_type=code&client_id=…&redirect_uri=…&code_challenge=…&code_challenge_method=S256
/// &state=…&scope=…[&prompt=consent]&<extras>`; keys and values escaped as RFC 3986 unreserved (space = `%20`).
#[must_use]
pub fn authorize_url(
    authorization_endpoint: &Url,
    config: &OAuthClientConfig,
    redirect_uri: &Url,
    code_challenge: &str,
    state: &str,
) -> Url {
    let mut params: Vec<(String, String)> = vec![
        ("response_type".into(), "code".into()),
        ("client_id".into(), config.client_id.clone()),
        ("redirect_uri".into(), redirect_uri.as_str().to_owned()),
        ("code_challenge".into(), code_challenge.to_owned()),
        ("code_challenge_method".into(), "S256".into()),
        ("state".into(), state.to_owned()),
    ];
    if let Some(scope) = config.scope() {
        params.push(("scope".into(), scope));
    }
    params.extend(crate::scopes::consent_prompt(config));
    for (key, value) in &config.extra_authorize_params {
        match params.iter_mut().find(|(k, _)| k == key) {
            Some(existing) => existing.1.clone_from(value),
            None => params.push((key.clone(), value.clone())),
        }
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", escape_data(k), escape_data(v)))
        .collect();
    let mut url = authorization_endpoint.clone();
    let joined = match url.query() {
        Some(existing) if !existing.is_empty() => format!("{existing}&{}", query.join("&")),
        _ => query.join("&"),
    };
    url.set_query(Some(&joined));
    url
}

/// Percent-encodes everything but RFC 3986 unreserved characters (like .NET `Uri.EscapeDataString`).
#[must_use]
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for byte in s.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
