//! The demo vendor's issuer rotates refresh tokens and refuses a reused one; its answers are
//! labelled and stream in pieces that add up to the whole.

use serde_json::{Value, json};

use super::{DEMO_LABEL, FakeVendor, FakeVendorOptions, VendorEvent, answer, answer_deltas};

#[test]
fn answers_are_labelled_and_the_deltas_add_up() {
    let deltas = answer_deltas("hi there");
    assert!(deltas.len() > 5, "{deltas:?}");
    assert_eq!(deltas.concat(), answer("hi there"));
    assert!(answer("hi there").contains(DEMO_LABEL));
    assert!(answer("hi there").contains("\u{201c}hi there\u{201d}"));
}

async fn post(url: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("the vendor answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON body"))
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_is_refused() {
    let vendor = FakeVendor::start(FakeVendorOptions::default())
        .await
        .expect("the vendor starts");
    let token_url = format!("{}/oauth/token", vendor.uri());
    let exchanged = reqwest::Client::new()
        .post(&token_url)
        .form(&[("grant_type", "authorization_code"), ("code", "c-1")])
        .send()
        .await
        .expect("the vendor answers");
    let first: Value = exchanged.json().await.expect("a JSON body");
    let first_refresh = first["refresh_token"].as_str().expect("a refresh token");
    let (status, second) = post(
        &token_url,
        json!({"grant_type": "refresh_token", "refresh_token": first_refresh}),
    )
    .await;
    assert_eq!(status, 200, "{second}");
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(
        vendor.current_refresh_token().as_deref(),
        second["refresh_token"].as_str()
    );
    let (status, reused) = post(
        &token_url,
        json!({"grant_type": "refresh_token", "refresh_token": first_refresh}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(reused["error"]["code"], "refresh_token_reused");
    let refused = vendor
        .wait_for(|e| matches!(e, VendorEvent::RefreshRefused { .. }))
        .await;
    assert_eq!(
        refused,
        VendorEvent::RefreshRefused {
            presented: first_refresh.to_owned()
        }
    );
}

#[tokio::test]
async fn codex_routes_refuse_a_token_the_issuer_never_issued() {
    let vendor = FakeVendor::start(FakeVendorOptions::default())
        .await
        .expect("the vendor starts");
    let response = reqwest::Client::new()
        .get(format!("{}/models", vendor.codex_endpoint()))
        .bearer_auth("made-up")
        .header("chatgpt-account-id", super::ACCOUNT_ID)
        .send()
        .await
        .expect("the vendor answers");
    assert_eq!(response.status().as_u16(), 401);
}
