//! The OAuth issuer side, shaped like OpenAI's: the device-code endpoints and `POST
//! /oauth/token` (authorization code exchange, form-encoded; refresh grant, JSON or form).
//! The device code is approved at the first poll; every refresh rotates the refresh token.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::{ACCOUNT_ID, DEMO_LABEL, Shared, USER_CODE, VendorEvent, lock};

pub(super) fn routes() -> axum::Router<Arc<Shared>> {
    axum::Router::new()
        .route("/api/accounts/deviceauth/usercode", post(user_code))
        .route("/api/accounts/deviceauth/token", post(device_token))
        .route("/oauth/token", post(token))
}

async fn user_code(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.record(VendorEvent::DeviceCodeIssued);
    Json(json!({"device_auth_id": "demo-device-1", "user_code": USER_CODE, "interval": "1"}))
}

async fn device_token() -> Json<Value> {
    Json(json!({
        "authorization_code": "demo-device-code",
        "code_verifier": "demo-device-verifier",
        "code_challenge": "demo-device-challenge"
    }))
}

/// The request's parameters, from a JSON or a form-encoded body.
fn parameters(headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
            return Vec::new();
        };
        map.into_iter()
            .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
            .collect()
    } else {
        url::form_urlencoded::parse(body).into_owned().collect()
    }
}

fn get<'a>(params: &'a [(String, String)], key: &str) -> &'a str {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

async fn token(State(shared): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let params = parameters(&headers, &body);
    match get(&params, "grant_type") {
        "authorization_code" => {
            let code = get(&params, "code").to_owned();
            if code.is_empty() {
                return refusal("invalid_request", "the code is missing");
            }
            let tokens = issue(&shared);
            shared.record(VendorEvent::CodeExchanged {
                code,
                refresh_token: tokens.refresh.clone(),
            });
            Json(tokens.body).into_response()
        }
        "refresh_token" => {
            let presented = get(&params, "refresh_token").to_owned();
            shared.record(VendorEvent::RefreshStarted {
                presented: presented.clone(),
            });
            // Dropped with the request when the client disconnects during the hold.
            let abandoned = AbandonedRefresh {
                shared: &shared,
                presented: Some(presented.clone()),
            };
            shared.refreshes.pass().await;
            abandoned.answered();
            let valid = lock(&shared.issued).current_refresh.as_deref() == Some(presented.as_str());
            if !valid {
                shared.record(VendorEvent::RefreshRefused { presented });
                return refusal(
                    "refresh_token_reused",
                    "this refresh token was already used or never issued",
                );
            }
            let tokens = issue(&shared);
            shared.record(VendorEvent::Refreshed {
                presented,
                access_token: tokens.access.clone(),
                refresh_token: tokens.refresh.clone(),
            });
            Json(tokens.body).into_response()
        }
        other => refusal(
            "unsupported_grant_type",
            &format!("the {DEMO_LABEL} does not know grant `{other}`"),
        ),
    }
}

/// Records [`VendorEvent::RefreshAbandoned`] unless the refresh got past its hold, so a test can
/// wait until the vendor has seen a killed client's connection close.
struct AbandonedRefresh<'a> {
    shared: &'a Shared,
    presented: Option<String>,
}

impl AbandonedRefresh<'_> {
    fn answered(mut self) {
        self.presented = None;
    }
}

impl Drop for AbandonedRefresh<'_> {
    fn drop(&mut self) {
        if let Some(presented) = self.presented.take() {
            self.shared
                .record(VendorEvent::RefreshAbandoned { presented });
        }
    }
}

fn refusal(code: &str, message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({"error": {"message": message, "type": "invalid_request_error", "code": code}})),
    )
        .into_response()
}

struct Tokens {
    access: String,
    refresh: String,
    body: Value,
}

/// New tokens; the refresh token issued before can no longer be used.
fn issue(shared: &Shared) -> Tokens {
    let ttl = shared.options.token_ttl.as_secs();
    let (access, refresh) = {
        let mut issued = lock(&shared.issued);
        issued.serial += 1;
        let access = format!("demo-access-{}", issued.serial);
        let refresh = format!("demo-refresh-{}", issued.serial);
        issued.access_tokens.push(access.clone());
        issued.current_refresh = Some(refresh.clone());
        (access, refresh)
    };
    let now = jiff::Timestamp::now().as_second();
    let claims = json!({
        "iss": "netclaw-demo-vendor", "sub": "demo-user", "aud": "netclaw-demo",
        "email": "demo@netclaw.invalid", "iat": now, "exp": now + 3600,
        "https://api.openai.com/auth": {"chatgpt_account_id": ACCOUNT_ID, "chatgpt_plan_type": "demo"}
    });
    // Signed by no one: netclaw reads OpenAI's id_token claims without trusting them.
    let id_token = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        URL_SAFE_NO_PAD.encode(b"demo-vendor-unsigned"),
    );
    let body = json!({
        "access_token": access, "refresh_token": refresh, "id_token": id_token,
        "expires_in": ttl, "token_type": "Bearer", "scope": "openid profile email offline_access"
    });
    Tokens {
        access,
        refresh,
        body,
    }
}
