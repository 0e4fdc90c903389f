//! Account-id extraction from every claim shape servers send, and id_token verification.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::json;

use super::*;

fn unsigned(payload: &Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let body = URL_SAFE_NO_PAD.encode(payload.to_string());
    format!("{header}.{body}.sig")
}

#[test]
fn oid_claim() {
    assert_eq!(
        account_id_from_jwt(&unsigned(&json!({"oid": "acc-oid"}))).as_deref(),
        Some("acc-oid")
    );
}

#[test]
fn no_dots_or_empty_is_none() {
    assert_eq!(account_id_from_jwt("opaque-token"), None);
    assert_eq!(account_id_from_jwt(""), None);
}

#[test]
fn falls_back_to_first_org() {
    let t = unsigned(&json!({"orgs": [{"id": "org-1"}, {"id": "org-2"}]}));
    assert_eq!(account_id_from_jwt(&t).as_deref(), Some("org-1"));
}

#[test]
fn oid_preferred_over_orgs() {
    let t = unsigned(&json!({"orgs": [{"id": "org-1"}], "oid": "acc-oid"}));
    assert_eq!(account_id_from_jwt(&t).as_deref(), Some("acc-oid"));
}

#[test]
fn no_claims_is_none() {
    assert_eq!(account_id_from_jwt(&unsigned(&json!({"sub": "x"}))), None);
}

#[test]
fn nested_openai_claim_wins_over_top_level() {
    let t = unsigned(&json!({
        "chatgpt_account_id": "top",
        "oid": "oid",
        "https://api.openai.com/auth": {"chatgpt_account_id": "nested", "chatgpt_plan_type": "plus"}
    }));
    assert_eq!(account_id_from_jwt(&t).as_deref(), Some("nested"));
    assert_eq!(plan_type_from_jwt(&t).as_deref(), Some("plus"));
    let top = unsigned(&json!({"chatgpt_account_id": "top", "oid": "oid"}));
    assert_eq!(account_id_from_jwt(&top).as_deref(), Some("top"));
}

#[test]
fn expiry_claim() {
    let t = unsigned(&json!({"exp": 1_800_000_000}));
    assert_eq!(
        expiry_from_jwt(&t),
        Some(Timestamp::from_second(1_800_000_000).unwrap())
    );
    assert_eq!(expiry_from_jwt("nope"), None);
}

// RFC 8032 §7.1 test 1 key pair, as PKCS#8 v1 DER and as a JWK.
const SEED_HEX: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const PUBLIC_HEX: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn signed(claims: &Value, kid: Option<&str>) -> String {
    let mut der = hex("302e020100300506032b657004220420");
    der.extend(hex(SEED_HEX));
    let mut header = Header::new(Algorithm::EdDSA);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_ed_der(&der)).unwrap()
}

fn jwks() -> JwkSet {
    serde_json::from_value(json!({"keys": [{
        "kty": "OKP", "crv": "Ed25519", "kid": "k1", "alg": "EdDSA",
        "x": URL_SAFE_NO_PAD.encode(hex(PUBLIC_HEX))
    }]}))
    .unwrap()
}

fn expect(now: i64) -> IdTokenExpectations<'static> {
    IdTokenExpectations {
        issuer: "https://id.example",
        audience: "netclaw-cli",
        now: Timestamp::from_second(now).unwrap(),
    }
}

fn good_claims() -> Value {
    json!({"iss": "https://id.example", "aud": "netclaw-cli", "exp": 2_000, "sub": "u1", "email": "u@example"})
}

#[test]
fn verifies_a_good_id_token() {
    let claims =
        verify_id_token(&signed(&good_claims(), Some("k1")), &jwks(), &expect(1_000)).unwrap();
    assert_eq!(claims.sub.as_deref(), Some("u1"));
    assert_eq!(claims.email.as_deref(), Some("u@example"));
    assert_eq!(claims.expires_at.as_second(), 2_000);
}

#[test]
fn rejects_wrong_issuer_audience_expiry_signature_and_alg_none() {
    let token = |patch: Value| {
        let mut c = good_claims();
        c.as_object_mut()
            .unwrap()
            .extend(patch.as_object().unwrap().clone());
        signed(&c, Some("k1"))
    };
    let check = |t: &str, now| {
        verify_id_token(t, &jwks(), &expect(now))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        check(&token(json!({"iss": "https://evil.example"})), 1_000),
        "the id_token did not verify"
    );
    assert_eq!(
        check(&token(json!({"aud": "someone-else"})), 1_000),
        "the id_token did not verify"
    );
    assert_eq!(check(&token(json!({})), 2_061), "the id_token has expired");
    assert!(
        verify_id_token(&token(json!({})), &jwks(), &expect(2_059)).is_ok(),
        "60 s leeway"
    );
    let good = signed(&good_claims(), Some("k1"));
    let (head_and_body, _) = good.rsplit_once('.').unwrap();
    let forged = format!("{head_and_body}.{}", URL_SAFE_NO_PAD.encode([0_u8; 64]));
    assert_eq!(check(&forged, 1_000), "the id_token did not verify");
    assert_eq!(
        check(&unsigned(&good_claims()), 1_000),
        "the id_token is not a readable JWT",
        "alg none is not even a known algorithm"
    );
    assert_eq!(
        check(&signed(&good_claims(), Some("other")), 1_000),
        "no key in the server's JWKS matches the id_token"
    );
}
