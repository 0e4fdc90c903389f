//! `TokenSet` and the token-response parser shared by every flow.

use std::fmt;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Value;

use crate::error::OAuthError;
use crate::jwt::{self, OPENAI_AUTH_CLAIM};

/// The tokens of one login. `Debug` shows which tokens are present, never their values.
#[derive(Clone)]
pub struct TokenSet {
    /// Bearer for API calls.
    pub access_token: SecretString,
    /// Refresh token, if the server issued one.
    pub refresh_token: Option<SecretString>,
    /// OIDC id_token, if any.
    pub id_token: Option<SecretString>,
    /// When the access token expires; `None` = the server did not say.
    pub expires_at: Option<Timestamp>,
    /// ChatGPT account id (OpenAI), from the response or the token claims.
    pub account_id: Option<String>,
}

impl TokenSet {
    /// `true` when the access token expires within `skew` of `now`. A token without a known
    /// expiry never needs a proactive refresh (a 401 still triggers one).
    #[must_use]
    pub fn needs_refresh(&self, now: Timestamp, skew: Duration) -> bool {
        let Some(expires_at) = self.expires_at else {
            return false;
        };
        let skew = SignedDuration::try_from(skew).unwrap_or(SignedDuration::MAX);
        match expires_at.checked_sub(skew) {
            Ok(refresh_at) => refresh_at <= now,
            Err(_) => true,
        }
    }

    /// The account id: the stored one, else from the id_token's then the access token's claims
    /// (read unverified).
    #[must_use]
    pub fn resolved_account_id(&self) -> Option<String> {
        self.account_id.clone().or_else(|| {
            [self.id_token.as_ref(), Some(&self.access_token)]
                .into_iter()
                .flatten()
                .find_map(|t| jwt::account_id_from_jwt(t.expose_secret()))
        })
    }

    /// Applies a refresh response on top of the previous tokens: fields the server omitted
    /// (refresh token, id_token, account id) are kept; the expiry is the new one (even `None`).
    #[must_use]
    pub fn merged_over(self, previous: &Self) -> Self {
        Self {
            access_token: self.access_token,
            refresh_token: self
                .refresh_token
                .or_else(|| previous.refresh_token.clone()),
            id_token: self.id_token.or_else(|| previous.id_token.clone()),
            expires_at: self.expires_at,
            account_id: self.account_id.or_else(|| previous.account_id.clone()),
        }
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = |present: bool| if present { "[redacted]" } else { "none" };
        f.debug_struct("TokenSet")
            .field("access_token", &"[redacted]")
            .field("refresh_token", &shown(self.refresh_token.is_some()))
            .field("id_token", &shown(self.id_token.is_some()))
            .field("expires_at", &self.expires_at)
            .field("account_id", &shown(self.account_id.is_some()))
            .finish()
    }
}

/// Parses a token endpoint's success body:
/// `access_token` required; `refresh_token`, `id_token` optional; `expires_in` a number or numeric
/// string (null or missing = no expiry; the expiry is clamped to the representable range);
/// account id from `account_id`, `chatgpt_account_id`, `https://api.openai.com/auth`.
/// `chatgpt_account_id`, then the id_token's claims.
///
/// # Errors
/// [`OAuthError::InvalidResponse`] naming the field that is missing or malformed.
pub fn parse_token_response(body: &[u8], now: Timestamp) -> Result<TokenSet, OAuthError> {
    let json: Value = serde_json::from_slice(body)
        .map_err(|_| OAuthError::invalid("Invalid JSON in OAuth token response"))?;
    parse_token_json(&json, now)
}

pub(crate) fn parse_token_json(json: &Value, now: Timestamp) -> Result<TokenSet, OAuthError> {
    let access = non_blank_str(json.get("access_token"))
        .ok_or_else(|| OAuthError::invalid("Missing access_token in OAuth token response"))?;
    let refresh = non_blank_str(json.get("refresh_token"));
    let id_token = non_blank_str(json.get("id_token"));
    let expires_at = match json.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(v) => Some(expiry_from(v, now)?),
    };
    let account_id = [
        json.get("account_id"),
        json.get("chatgpt_account_id"),
        json.get(OPENAI_AUTH_CLAIM)
            .and_then(|a| a.get("chatgpt_account_id")),
    ]
    .into_iter()
    .flatten()
    .find_map(jwt::string_or_integer)
    .or_else(|| id_token.as_deref().and_then(jwt::account_id_from_jwt));
    Ok(TokenSet {
        access_token: SecretString::from(access),
        refresh_token: refresh.map(SecretString::from),
        id_token: id_token.map(SecretString::from),
        expires_at,
        account_id,
    })
}

fn non_blank_str(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .map(str::to_owned)
}

fn expiry_from(v: &Value, now: Timestamp) -> Result<Timestamp, OAuthError> {
    let invalid = || OAuthError::invalid("Invalid expires_in in OAuth token response");
    let seconds = match v {
        Value::Number(n) => n.as_f64().ok_or_else(invalid)?,
        Value::String(s) => s.trim().parse::<f64>().map_err(|_| invalid())?,
        _ => return Err(invalid()),
    };
    Ok(add_clamped(now, seconds))
}

/// `now + seconds`, clamped to `Timestamp::MIN..=Timestamp::MAX`; NaN gives `now`.
pub(crate) fn add_clamped(now: Timestamp, seconds: f64) -> Timestamp {
    if seconds.is_nan() {
        return now;
    }
    let target = now.as_second() as f64 + seconds;
    if target >= Timestamp::MAX.as_second() as f64 {
        return Timestamp::MAX;
    }
    if target <= Timestamp::MIN.as_second() as f64 {
        return Timestamp::MIN;
    }
    SignedDuration::try_from_secs_f64(seconds)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(if seconds > 0.0 {
            Timestamp::MAX
        } else {
            Timestamp::MIN
        })
}

#[cfg(test)]
mod tests;
