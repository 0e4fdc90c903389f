//! The paste-redirect parser: the user copies the browser's address bar (or just its query) back.

use std::fmt;

use secrecy::SecretString;
use url::Url;

use crate::error::{OAuthError, RedirectError};

/// What a redirect (pasted or received by the listener) carried.
#[derive(Clone)]
pub struct RedirectParams {
    /// The authorization code (short-lived, secret).
    pub code: SecretString,
    /// The state it claims to belong to.
    pub state: String,
}

impl fmt::Debug for RedirectParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedirectParams")
            .field("code", &"[redacted]")
            .field("state", &self.state)
            .finish()
    }
}

impl RedirectParams {
    /// Checks the state against the pending flow.
    ///
    /// # Errors
    /// [`RedirectError::StateMismatch`].
    pub fn check_state(&self, expected: &str) -> Result<(), RedirectError> {
        if constant_time_eq(self.state.as_bytes(), expected.as_bytes()) {
            Ok(())
        } else {
            Err(RedirectError::StateMismatch)
        }
    }
}

/// Parses a pasted redirect: a full URL (`http://localhost:1455/auth/callback?code=…&state=…`) or a
/// bare query (`code=…&state=…`, with or without `?`). An `error=` redirect becomes
/// [`OAuthError::Denied`]. Host, port and path are not checked (the user may have tunnelled it).
///
/// # Errors
/// [`OAuthError::Redirect`] with a message that says which part of the URL is missing, or
/// [`OAuthError::Denied`].
pub fn parse_redirect(input: &str) -> Result<RedirectParams, OAuthError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(RedirectError::Empty.into());
    }
    let query = match Url::parse(input) {
        Ok(url) if url.has_host() => url.query().unwrap_or_default().to_owned(),
        _ => {
            let bare = input.strip_prefix('?').unwrap_or(input);
            let looks_like_query = bare.split('&').any(|pair| {
                ["code=", "state=", "error="]
                    .iter()
                    .any(|k| pair.starts_with(k))
            });
            if !looks_like_query || bare.contains(char::is_whitespace) {
                return Err(RedirectError::NotAUrl.into());
            }
            bare.to_owned()
        }
    };
    params_from_query(&query)
}

/// Reads `code`, `state` and `error` from a query string.
pub(crate) fn params_from_query(query: &str) -> Result<RedirectParams, OAuthError> {
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        let slot = match key.as_ref() {
            "code" => &mut code,
            "state" => &mut state,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value.into_owned());
        }
    }
    if let Some(error) = error.filter(|e| !e.is_empty()) {
        return Err(OAuthError::Denied {
            error,
            description: description.filter(|d| !d.is_empty()),
        });
    }
    let code = code
        .filter(|c| !c.is_empty())
        .ok_or(RedirectError::MissingCode)?;
    let state = state
        .filter(|s| !s.is_empty())
        .ok_or(RedirectError::MissingState)?;
    Ok(RedirectParams {
        code: SecretString::from(code),
        state,
    })
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0_u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests;
