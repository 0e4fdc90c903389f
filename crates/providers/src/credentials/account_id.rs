//! The ChatGPT account id the Codex backend needs (stored, else read from the token's JWT
//! claims), and who a login belongs to, for people to read.

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
    let claims = unverified_claims(token)?;
    non_blank(claims.pointer("/https:~1~1api.openai.com~1auth/chatgpt_account_id"))
        .or_else(|| non_blank(claims.get("chatgpt_account_id")))
        .or_else(|| non_blank(claims.get("oid")))
        .or_else(|| non_blank(claims.pointer("/orgs/0/id")))
}

fn unverified_claims(token: &str) -> Option<Value> {
    let payload = token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn non_blank(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// Who a login belongs to, from its id_token's claims (read without verifying them: for people
/// to read, never for a decision): `tester@example.test (plus)`, the plan being ChatGPT's
/// `chatgpt_plan_type` when the token has one.
pub fn login_identity(id_token: &secrecy::SecretString) -> Option<String> {
    let claims = unverified_claims(id_token.expose_secret())?;
    let who = non_blank(claims.get("email"))
        .or_else(|| non_blank(claims.get("preferred_username")))
        .or_else(|| non_blank(claims.get("name")))?;
    let plan = non_blank(claims.pointer("/https:~1~1api.openai.com~1auth/chatgpt_plan_type"));
    Some(match plan {
        Some(plan) => format!("{who} ({plan})"),
        None => who,
    })
}

#[cfg(test)]
mod identity_tests {
    use super::*;

    fn token(claims: &Value) -> secrecy::SecretString {
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        secrecy::SecretString::from(format!("h.{payload}.s"))
    }

    #[test]
    fn a_login_is_named_by_its_email_and_plan() {
        let chatgpt = serde_json::json!({"email": "tester@example.test",
            "https://api.openai.com/auth": {"chatgpt_plan_type": "plus"}});
        assert_eq!(
            login_identity(&token(&chatgpt)).as_deref(),
            Some("tester@example.test (plus)")
        );
        let plain = serde_json::json!({"sub": "1", "preferred_username": "tester"});
        assert_eq!(login_identity(&token(&plain)).as_deref(), Some("tester"));
        assert_eq!(
            login_identity(&token(&serde_json::json!({"sub": "1"}))),
            None
        );
        assert_eq!(login_identity(&secrecy::SecretString::from("opaque")), None);
    }
}
