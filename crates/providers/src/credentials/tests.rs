//! Unit tests of account-id resolution.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::*;
use crate::bearer::Bearer;

fn jwt(claims: &serde_json::Value) -> String {
    format!(
        "{}.{}.sig",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

#[test]
fn account_id_claim_order_follows_the_original() {
    let nested = json!({"https://api.openai.com/auth": {"chatgpt_account_id": "acc-n"},
                        "chatgpt_account_id": "acc-top", "oid": "o"});
    assert_eq!(account_id_from_jwt(&jwt(&nested)).as_deref(), Some("acc-n"));
    assert_eq!(
        account_id_from_jwt(&jwt(&json!({"chatgpt_account_id": "acc-top", "oid": "o"}))).as_deref(),
        Some("acc-top")
    );
    assert_eq!(
        account_id_from_jwt(&jwt(&json!({"oid": "o", "orgs": [{"id": "org"}]}))).as_deref(),
        Some("o")
    );
    assert_eq!(
        account_id_from_jwt(&jwt(&json!({"orgs": [{"id": "org"}]}))).as_deref(),
        Some("org")
    );
    assert_eq!(account_id_from_jwt(&jwt(&json!({"sub": "x"}))), None);
    assert_eq!(account_id_from_jwt("opaque-token"), None);
    assert_eq!(account_id_from_jwt(""), None);
}

#[test]
fn stored_account_id_wins_over_the_token() {
    let bearer = Bearer {
        token: jwt(&json!({"oid": "from-jwt"})).into(),
        account_id: Some("stored".into()),
    };
    assert_eq!(account_id_for(&bearer).as_deref(), Some("stored"));
    let bearer = Bearer {
        account_id: None,
        ..bearer
    };
    assert_eq!(account_id_for(&bearer).as_deref(), Some("from-jwt"));
}
