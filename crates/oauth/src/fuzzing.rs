//! Entry points for the fuzz targets in `fuzz/` and their corpus replay test: untrusted bytes
//! into netclaw-oauth's parsers. Hidden from the docs; not an API to build on.

use jiff::Timestamp;

/// A pasted redirect URL (what a user copies from the browser's address bar).
pub fn pasted_redirect(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = crate::redirect::parse_redirect(text);
    }
}

/// The head of a request to the loopback callback listener, and its query.
pub fn callback_request(bytes: &[u8]) {
    if let Ok(target) = crate::callback::request::parse_request_line(bytes) {
        let _ = crate::redirect::params_from_query(&target.query);
    }
}

/// A JWT as found in a token response, read for display and routing.
pub fn jwt_claims(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = crate::jwt::claims_unverified::<serde_json::Value>(text);
        let _ = crate::jwt::account_id_from_jwt(text);
        let _ = crate::jwt::plan_type_from_jwt(text);
        let _ = crate::jwt::expiry_from_jwt(text);
    }
}

/// A token endpoint response body, and the device authorization responses of both flows.
pub fn token_and_device_responses(bytes: &[u8]) {
    let now = Timestamp::UNIX_EPOCH;
    let _ = crate::token::parse_token_response(bytes, now);
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) {
        let _ = crate::device::rfc8628_authorization(&json);
        if let Ok(verification) = url::Url::parse("http://127.0.0.1/codex/device") {
            let _ = crate::device::openai_authorization(&json, &verification);
        }
    }
}
