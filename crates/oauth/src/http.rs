//! Sending requests and turning error bodies into typed errors (never echoing a token).

use serde_json::Value;
use url::Url;

use crate::error::{OAuthError, ReauthReason};

/// A response read whole: status and body.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    pub(crate) fn json(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

pub(crate) async fn send(
    request: reqwest::RequestBuilder,
    endpoint: &Url,
) -> Result<Reply, OAuthError> {
    let response = request
        .send()
        .await
        .map_err(|e| OAuthError::network(endpoint, e))?;
    let status = response.status().as_u16();
    let body = response
        .bytes()
        .await
        .map_err(|e| OAuthError::network(endpoint, e))?;
    Ok(Reply {
        status,
        body: body.to_vec(),
    })
}

/// The server's error code: `error` (string), `error.code`, or top-level `code`.
pub(crate) fn error_code(json: &Value) -> Option<String> {
    match json.get("error") {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Object(o)) => o.get("code").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
    .or_else(|| json.get("code").and_then(Value::as_str).map(str::to_owned))
}

/// The server's description: `error_description`, then `error.message`.
pub(crate) fn error_description(json: &Value) -> Option<String> {
    json.get("error_description")
        .and_then(Value::as_str)
        .or_else(|| {
            json.get("error")
                .and_then(|e| e.get("message"))
                .and_then(Value::as_str)
        })
        .filter(|s| !s.trim().is_empty())
        .map(|s| truncate(s, 300))
}

/// A typed error for a non-2xx reply.
pub(crate) fn endpoint_error(endpoint: &Url, reply: &Reply) -> OAuthError {
    let (error, description) = match reply.json() {
        Some(json) => (error_code(&json), error_description(&json)),
        None => {
            let text = String::from_utf8_lossy(&reply.body);
            let text = text.trim();
            (
                None,
                (!text.is_empty() && !looks_like_token(text)).then(|| truncate(text, 200)),
            )
        }
    };
    let mut url = endpoint.clone();
    url.set_query(None);
    OAuthError::Endpoint {
        endpoint: url.to_string(),
        status: reply.status,
        error,
        description,
    }
}

/// For a failed refresh: `invalid_grant` and OpenAI's refresh-token codes (or a 401) mean the
/// user must log in again; anything else is an ordinary endpoint error.
pub(crate) fn refresh_error(endpoint: &Url, reply: &Reply) -> OAuthError {
    let json = reply.json();
    let code = json
        .as_ref()
        .and_then(error_code)
        .map(|c| c.to_ascii_lowercase());
    let description = json.as_ref().and_then(error_description);
    let reason = match code.as_deref() {
        Some("invalid_grant") => Some(ReauthReason::InvalidGrant),
        Some("refresh_token_reused") => Some(ReauthReason::RefreshTokenReused),
        Some("refresh_token_expired") => Some(ReauthReason::RefreshTokenExpired),
        Some("refresh_token_invalidated") => Some(ReauthReason::RefreshTokenInvalidated),
        None if json.is_none()
            && String::from_utf8_lossy(&reply.body).contains("invalid_grant") =>
        {
            Some(ReauthReason::InvalidGrant)
        }
        _ if reply.status == 401 => Some(ReauthReason::Unauthorized),
        _ => None,
    };
    match reason {
        Some(reason) => OAuthError::ReauthRequired {
            reason,
            description,
        },
        None => endpoint_error(endpoint, reply),
    }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// A long unbroken run of token characters is not echoed (it could be a credential).
fn looks_like_token(s: &str) -> bool {
    s.split_whitespace().any(|w| {
        w.len() >= 40
            && w.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    })
}
