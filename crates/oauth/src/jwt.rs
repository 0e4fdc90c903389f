//! JWT claims: read unverified (for display and routing only), or verified against a JWKS.
//!
//! [`claims_unverified`] uses `jsonwebtoken::dangerous::insecure_decode_claims`. It checks no
//! signature, so its output must **never** be used for a trust decision: only to read the
//! expiry, the ChatGPT account id or the plan of tokens we received ourselves over TLS from the
//! token endpoint. [`verify_id_token`] is the checked path for standard OIDC servers.

use jiff::Timestamp;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::OAuthError;

/// The namespace OpenAI puts its account claims under.
pub const OPENAI_AUTH_CLAIM: &str = "https://api.openai.com/auth";

/// Decodes a JWT's claims **without verifying anything**. Never use the result for trust decisions.
///
/// # Errors
/// [`OAuthError::Jwt`] when the token is not three dot-separated parts with a JSON payload.
pub fn claims_unverified<C: DeserializeOwned>(jwt: &str) -> Result<C, OAuthError> {
    jsonwebtoken::dangerous::insecure_decode_claims::<C>(jwt).map_err(|e| OAuthError::Jwt {
        message: "the token is not a readable JWT".to_owned(),
        source: Some(e),
    })
}

/// The ChatGPT account id from a token's claims (unverified):
/// `https://api.openai.com/auth`.`chatgpt_account_id`, then top-level `chatgpt_account_id`, `oid`,
/// `orgs[0].id`. `None` for opaque tokens or tokens without those claims.
#[must_use]
pub fn account_id_from_jwt(jwt: &str) -> Option<String> {
    let claims: Value = claims_unverified(jwt).ok()?;
    account_id_from_claims(&claims)
}

pub(crate) fn account_id_from_claims(claims: &Value) -> Option<String> {
    let candidates = [
        claims
            .get(OPENAI_AUTH_CLAIM)
            .and_then(|auth| auth.get("chatgpt_account_id")),
        claims.get("chatgpt_account_id"),
        claims.get("oid"),
        claims
            .get("orgs")
            .and_then(|o| o.get(0))
            .and_then(|o| o.get("id")),
    ];
    candidates.into_iter().flatten().find_map(string_or_integer)
}

/// The ChatGPT plan (`plus`, `pro`, `team`, …) from `https://api.openai.com/auth`.`chatgpt_plan_type`
/// (unverified). An open set: unknown values are returned as they are.
#[must_use]
pub fn plan_type_from_jwt(jwt: &str) -> Option<String> {
    let claims: Value = claims_unverified(jwt).ok()?;
    claims
        .get(OPENAI_AUTH_CLAIM)?
        .get("chatgpt_plan_type")?
        .as_str()
        .map(str::to_owned)
}

/// The `exp` claim (unverified), e.g. to learn an access token's lifetime when `expires_in` was absent.
#[must_use]
pub fn expiry_from_jwt(jwt: &str) -> Option<Timestamp> {
    let claims: Value = claims_unverified(jwt).ok()?;
    let exp = claims.get("exp")?;
    let seconds = exp.as_i64().or_else(|| exp.as_f64().map(|f| f as i64))?;
    Timestamp::from_second(seconds).ok()
}

pub(crate) fn string_or_integer(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// Verified claims of an OIDC id_token.
#[derive(Debug, Clone, PartialEq)]
pub struct IdTokenClaims {
    /// Subject.
    pub sub: Option<String>,
    /// Email, if the server included it.
    pub email: Option<String>,
    /// Expiry.
    pub expires_at: Timestamp,
    /// Every claim, for callers that need more.
    pub raw: Value,
}

/// What an id_token must satisfy.
#[derive(Debug, Clone)]
pub struct IdTokenExpectations<'a> {
    /// The issuer as discovered (a trailing `/` is ignored).
    pub issuer: &'a str,
    /// Our client id (the audience).
    pub audience: &'a str,
    /// The current time; `exp` must be later (60 s leeway).
    pub now: Timestamp,
}

const ASYMMETRIC: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];
const LEEWAY_SECONDS: i64 = 60;

/// Verifies an id_token's signature against `jwks` (asymmetric algorithms only), then its issuer,
/// audience and expiry (against the given `now`).
///
/// # Errors
/// [`OAuthError::Jwt`] naming the check that failed.
pub fn verify_id_token(
    id_token: &str,
    jwks: &JwkSet,
    expect: &IdTokenExpectations<'_>,
) -> Result<IdTokenClaims, OAuthError> {
    let fail = |message: &str, source| OAuthError::Jwt {
        message: message.to_owned(),
        source,
    };
    let header = jsonwebtoken::decode_header(id_token)
        .map_err(|e| fail("the id_token is not a readable JWT", Some(e)))?;
    if !ASYMMETRIC.contains(&header.alg) {
        return Err(fail(
            "the id_token is not signed with an asymmetric algorithm",
            None,
        ));
    }
    let jwk = match header.kid.as_deref() {
        Some(kid) => jwks.find(kid),
        None if jwks.keys.len() == 1 => jwks.keys.first(),
        None => None,
    }
    .ok_or_else(|| fail("no key in the server's JWKS matches the id_token", None))?;
    let key = DecodingKey::from_jwk(jwk)
        .map_err(|e| fail("the server's JWKS key is unusable", Some(e)))?;
    let mut validation = Validation::new(header.alg);
    validation.validate_exp = false; // checked below against the injected `now`
    validation.set_required_spec_claims(&["exp", "iss", "aud"]);
    let bare = expect.issuer.trim_end_matches('/');
    validation.set_issuer(&[bare.to_owned(), format!("{bare}/")]);
    validation.set_audience(&[expect.audience]);
    let data = jsonwebtoken::decode::<Value>(id_token, &key, &validation)
        .map_err(|e| fail("the id_token did not verify", Some(e)))?;
    let raw = data.claims;
    let exp = raw
        .get("exp")
        .and_then(Value::as_i64)
        .and_then(|s| Timestamp::from_second(s).ok())
        .ok_or_else(|| fail("the id_token has no valid `exp`", None))?;
    if exp.as_second() + LEEWAY_SECONDS <= expect.now.as_second() {
        return Err(fail("the id_token has expired", None));
    }
    Ok(IdTokenClaims {
        sub: raw.get("sub").and_then(Value::as_str).map(str::to_owned),
        email: raw.get("email").and_then(Value::as_str).map(str::to_owned),
        expires_at: exp,
        raw,
    })
}

#[cfg(test)]
mod tests;
