//! Hot pure paths of netclaw-oauth: token-response parsing, claims, authorize URL, paste parsing.
#![allow(
    missing_docs,
    reason = "criterion_group! defines an undocumented function"
)]
#![allow(clippy::unwrap_used, reason = "a benchmark that fails should stop")]

use std::hint::black_box;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use jiff::Timestamp;
use netclaw_oauth::{
    OAuthClientConfig, Pkce, authorize_url, jwt, parse_redirect, parse_token_response,
};
use url::Url;

fn benches(c: &mut Criterion) {
    let now: Timestamp = "2026-06-23T12:00:00Z".parse().unwrap();
    let claims = serde_json::json!({
        "exp": 1_800_000_000,
        "https://api.openai.com/auth": {"chatgpt_account_id": "acct-123", "chatgpt_plan_type": "plus"}
    });
    let id_token = format!("e30.{}.sig", URL_SAFE_NO_PAD.encode(claims.to_string()));
    let body = serde_json::json!({
        "access_token": "a".repeat(1200), "refresh_token": "r".repeat(64),
        "id_token": id_token, "expires_in": "3600"
    })
    .to_string();
    c.bench_function("parse_token_response (with id_token claims)", |b| {
        b.iter(|| parse_token_response(black_box(body.as_bytes()), now).unwrap());
    });
    c.bench_function("jwt::account_id_from_jwt", |b| {
        b.iter(|| jwt::account_id_from_jwt(black_box(&id_token)).unwrap());
    });
    let config = OAuthClientConfig::openai();
    let endpoint = Url::parse("https://auth.openai.com/oauth/authorize").unwrap();
    c.bench_function("authorize_url (OpenAI)", |b| {
        b.iter(|| {
            authorize_url(
                &endpoint,
                &config,
                &config.redirect_uri,
                black_box("challenge"),
                "state",
            )
        });
    });
    c.bench_function("Pkce::generate (OS random + SHA-256)", |b| {
        b.iter(|| Pkce::generate().unwrap())
    });
    let pasted = "http://localhost:1455/auth/callback?code=ac_0123456789abcdef&scope=openid+profile&state=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    c.bench_function("parse_redirect (full URL)", |b| {
        b.iter(|| parse_redirect(black_box(pasted)).unwrap())
    });
}

criterion_group!(oauth, benches);
criterion_main!(oauth);
