//! The ChatGPT account id the Codex backend needs: stored, else read from the token's JWT claims.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::ExposeSecret;
use serde_json::Value;

use crate::bearer::Bearer;

/// The account id of `bearer`: the stored one, else the access token's JWT claims.
pub fn account_id_for(bearer: &Bearer) -> Option<String> {
    bearer
        .account_id
        .clone()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| account_id_from_jwt(bearer.token.expose_secret()))
}

/// Reads the account id from a JWT's claims **without verifying its signature** (the value only
/// routes requests to the right account; it is never used for a trust decision).
///
/// Order: `https://api.openai.com/auth`.`chatgpt_account_id`, top-level `chatgpt_account_id`,
/// `oid`, then `orgs[0].id`. An opaque (non-JWT) token gives `None`.
pub fn account_id_from_jwt(token: &str) -> Option<String> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let non_blank = |v: Option<&Value>| {
        v.and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    non_blank(claims.pointer("/https:~1~1api.openai.com~1auth/chatgpt_account_id"))
        .or_else(|| non_blank(claims.get("chatgpt_account_id")))
        .or_else(|| non_blank(claims.get("oid")))
        .or_else(|| non_blank(claims.pointer("/orgs/0/id")))
}
