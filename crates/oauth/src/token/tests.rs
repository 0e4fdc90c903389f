//! Token-response parser cases (every shape and mistake servers send), and `TokenSet`.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::*;

fn now() -> Timestamp {
    "2026-06-23T12:00:00Z".parse().unwrap()
}

fn parse(v: Value) -> Result<TokenSet, OAuthError> {
    parse_token_response(v.to_string().as_bytes(), now())
}

fn unsigned(payload: &Value) -> String {
    format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(payload.to_string()))
}

#[test]
fn expires_in_as_number() {
    let t = parse(json!({"access_token": "a", "expires_in": 3600})).unwrap();
    assert_eq!(t.expires_at, Some("2026-06-23T13:00:00Z".parse().unwrap()));
}

#[test]
fn expires_in_as_string() {
    let t = parse(json!({"access_token": "a", "expires_in": " 3600 "})).unwrap();
    assert_eq!(t.expires_at, Some("2026-06-23T13:00:00Z".parse().unwrap()));
}

#[test]
fn null_or_missing_expires_in_means_no_expiry() {
    assert_eq!(
        parse(json!({"access_token": "a", "expires_in": null}))
            .unwrap()
            .expires_at,
        None
    );
    assert_eq!(
        parse(json!({"access_token": "a"})).unwrap().expires_at,
        None
    );
}

#[test]
fn huge_expires_in_clamps_to_max_and_nan_gives_now() {
    assert_eq!(
        parse(json!({"access_token": "a", "expires_in": 1e300}))
            .unwrap()
            .expires_at,
        Some(Timestamp::MAX)
    );
    assert_eq!(
        parse(json!({"access_token": "a", "expires_in": -1e300}))
            .unwrap()
            .expires_at,
        Some(Timestamp::MIN)
    );
    assert_eq!(
        parse(json!({"access_token": "a", "expires_in": "NaN"}))
            .unwrap()
            .expires_at,
        Some(now())
    );
}

#[test]
fn invalid_expires_in_type() {
    for bad in [json!(true), json!([1]), json!("soon")] {
        let e = parse(json!({"access_token": "a", "expires_in": bad})).unwrap_err();
        assert_eq!(e.to_string(), "Invalid expires_in in OAuth token response");
    }
}

#[test]
fn missing_or_blank_access_token() {
    for body in [
        json!({}),
        json!({"access_token": "  "}),
        json!({"access_token": 5}),
    ] {
        assert_eq!(
            parse(body).unwrap_err().to_string(),
            "Missing access_token in OAuth token response"
        );
    }
    let e = parse_token_response(b"<html>", now()).unwrap_err();
    assert_eq!(e.to_string(), "Invalid JSON in OAuth token response");
}

#[test]
fn top_level_account_id_string_or_integer() {
    assert_eq!(
        parse(json!({"access_token": "a", "account_id": "acc"}))
            .unwrap()
            .account_id
            .as_deref(),
        Some("acc")
    );
    assert_eq!(
        parse(json!({"access_token": "a", "account_id": 42}))
            .unwrap()
            .account_id
            .as_deref(),
        Some("42")
    );
    assert_eq!(
        parse(json!({"access_token": "a", "chatgpt_account_id": "cg"}))
            .unwrap()
            .account_id
            .as_deref(),
        Some("cg")
    );
    assert_eq!(
        parse(json!({"access_token": "a", "https://api.openai.com/auth": {"chatgpt_account_id": "ns"}}))
            .unwrap()
            .account_id
            .as_deref(),
        Some("ns")
    );
}

#[test]
fn account_id_from_nested_id_token_claim() {
    let id =
        unsigned(&json!({"https://api.openai.com/auth": {"chatgpt_account_id": "from-id-token"}}));
    let t = parse(json!({"access_token": "a", "id_token": id, "refresh_token": "r"})).unwrap();
    assert_eq!(t.account_id.as_deref(), Some("from-id-token"));
    assert_eq!(
        t.refresh_token
            .as_ref()
            .map(|r| r.expose_secret().to_owned())
            .as_deref(),
        Some("r")
    );
}

#[test]
fn top_level_account_id_wins_over_id_token() {
    let id = unsigned(&json!({"oid": "oid"}));
    let t = parse(json!({"access_token": "a", "id_token": id, "account_id": "top"})).unwrap();
    assert_eq!(t.account_id.as_deref(), Some("top"));
}

fn set(expires_at: Option<Timestamp>) -> TokenSet {
    TokenSet {
        access_token: SecretString::from("access-secret"),
        refresh_token: Some(SecretString::from("refresh-secret")),
        id_token: None,
        expires_at,
        account_id: Some("acct-secret".into()),
    }
}

#[test]
fn needs_refresh_with_skew() {
    let skew = Duration::from_secs(120);
    assert!(
        !set(None).needs_refresh(now(), skew),
        "no expiry never refreshes proactively"
    );
    let in_3m = now().checked_add(SignedDuration::from_secs(180)).unwrap();
    let in_2m = now().checked_add(SignedDuration::from_secs(120)).unwrap();
    assert!(!set(Some(in_3m)).needs_refresh(now(), skew));
    assert!(set(Some(in_2m)).needs_refresh(now(), skew));
    assert!(set(Some(Timestamp::MIN)).needs_refresh(now(), skew));
    assert!(!set(Some(Timestamp::MAX)).needs_refresh(now(), skew));
    assert!(
        set(Some(in_3m)).needs_refresh(now(), Duration::MAX),
        "an unbounded skew always refreshes"
    );
}

#[test]
fn merge_keeps_omitted_fields_and_takes_new_expiry() {
    let previous = set(Some(now()));
    let fresh = parse(json!({"access_token": "new"}))
        .unwrap()
        .merged_over(&previous);
    assert_eq!(fresh.access_token.expose_secret(), "new");
    assert_eq!(
        fresh.refresh_token.unwrap().expose_secret(),
        "refresh-secret"
    );
    assert_eq!(fresh.account_id.as_deref(), Some("acct-secret"));
    assert_eq!(fresh.expires_at, None);
    let rotated = parse(json!({"access_token": "new", "refresh_token": "r2", "account_id": "a2"}))
        .unwrap()
        .merged_over(&previous);
    assert_eq!(rotated.refresh_token.unwrap().expose_secret(), "r2");
    assert_eq!(rotated.account_id.as_deref(), Some("a2"));
}

#[test]
fn debug_never_prints_secrets() {
    let shown = format!("{:?}", set(Some(now())));
    for secret in ["access-secret", "refresh-secret", "acct-secret"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[test]
fn resolved_account_id_falls_back_to_access_token_claims() {
    let mut t = set(None);
    t.account_id = None;
    t.access_token = SecretString::from(unsigned(&json!({"chatgpt_account_id": "from-access"})));
    assert_eq!(t.resolved_account_id().as_deref(), Some("from-access"));
}
