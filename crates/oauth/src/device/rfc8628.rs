//! RFC 8628: form posts with `Accept: application/json`; the body's `error` decides, whatever the status.

use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use serde_json::Value;

use super::{
    DEFAULT_INTERVAL, DeviceAuthorization, DeviceFlowKind, DeviceProgress, ProgressFn,
    SLOW_DOWN_STEP, at_least_one_second, seconds_field, string_field,
};
use crate::client::OAuthClient;
use crate::clock::{Clock, add};
use crate::error::OAuthError;
use crate::http::{endpoint_error, error_description, send};
use crate::token::{TokenSet, parse_token_json};

const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:device_code";
const WHAT: &str = "OAuth device authorization response";

pub(super) async fn start(client: &OAuthClient) -> Result<DeviceAuthorization, OAuthError> {
    let endpoint = client
        .endpoints
        .device_authorization
        .as_ref()
        .ok_or_else(|| {
            OAuthError::config(
                "this OAuth server has no device authorization endpoint; use the browser login",
            )
        })?;
    let mut form: Vec<(String, String)> =
        vec![("client_id".into(), client.config.client_id.clone())];
    if let Some(scope) = client.config.scope() {
        form.push(("scope".into(), scope));
    }
    for (k, v) in &client.config.extra_authorize_params {
        if !k.trim().is_empty() && k != "client_id" && k != "scope" {
            form.push((k.clone(), v.clone()));
        }
    }
    let request = client
        .http
        .post(endpoint.clone())
        .header("Accept", "application/json")
        .form(&form);
    let reply = send(request, endpoint).await?;
    if !reply.is_success() {
        return Err(endpoint_error(endpoint, &reply));
    }
    let json = reply
        .json()
        .ok_or_else(|| OAuthError::invalid(format!("Invalid JSON in {WHAT}")))?;
    authorization(&json)
}

/// The device authorization response (RFC 8628 §3.2).
pub(crate) fn authorization(json: &serde_json::Value) -> Result<DeviceAuthorization, OAuthError> {
    let required = |keys: &[&str], name: &str| {
        string_field(json, keys)
            .ok_or_else(|| OAuthError::invalid(format!("Missing {name} in {WHAT}")))
    };
    Ok(DeviceAuthorization {
        kind: DeviceFlowKind::Rfc8628,
        device_code: SecretString::from(required(&["device_code"], "device_code")?),
        user_code: required(&["user_code"], "user_code")?,
        verification_uri: required(
            &["verification_uri", "verification_url"],
            "verification_uri",
        )?,
        verification_uri_complete: string_field(json, &["verification_uri_complete"]),
        expires_in: seconds_field(json, "expires_in", WHAT)?
            .ok_or_else(|| OAuthError::invalid(format!("Missing expires_in in {WHAT}")))?,
        interval: at_least_one_second(
            seconds_field(json, "interval", WHAT)?.unwrap_or(DEFAULT_INTERVAL),
        ),
    })
}

pub(super) async fn poll(
    client: &OAuthClient,
    auth: &DeviceAuthorization,
    clock: &dyn Clock,
    progress: ProgressFn<'_>,
) -> Result<TokenSet, OAuthError> {
    let endpoint = &client.endpoints.token;
    let mut interval: Duration = at_least_one_second(auth.interval);
    let expires_at = add(clock.now(), auth.expires_in);
    progress(DeviceProgress::WaitingForUser { expires_at });
    let form = [
        ("grant_type", GRANT_TYPE),
        ("device_code", auth.device_code.expose_secret()),
        ("client_id", client.config.client_id.as_str()),
    ];
    for attempt in 1_u32.. {
        progress(DeviceProgress::Waiting {
            next_poll_in: interval,
            expires_at,
        });
        clock.sleep(interval).await;
        if clock.now() >= expires_at {
            return Err(OAuthError::DeviceCodeExpired);
        }
        progress(DeviceProgress::Polling { attempt });
        let request = client
            .http
            .post(endpoint.clone())
            .header("Accept", "application/json")
            .form(&form);
        let reply = match send(request, endpoint).await {
            Ok(reply) => reply,
            Err(OAuthError::Network { .. }) => {
                progress(DeviceProgress::Transient { status: None });
                continue;
            }
            Err(e) => return Err(e),
        };
        let Some(json) = reply.json() else {
            if reply.status >= 500 {
                progress(DeviceProgress::Transient {
                    status: Some(reply.status),
                });
                continue;
            }
            return Err(endpoint_error(endpoint, &reply));
        };
        let error = json
            .get("error")
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty());
        match error {
            None if reply.is_success() => return parse_token_json(&json, clock.now()),
            None if reply.status >= 500 => progress(DeviceProgress::Transient {
                status: Some(reply.status),
            }),
            None => return Err(endpoint_error(endpoint, &reply)),
            Some("authorization_pending") => progress(DeviceProgress::Pending),
            Some("slow_down") => {
                interval += SLOW_DOWN_STEP;
                progress(DeviceProgress::SlowedDown { interval });
            }
            Some("access_denied") => {
                return Err(OAuthError::Denied {
                    error: "access_denied".into(),
                    description: error_description(&json),
                });
            }
            Some("expired_token") => return Err(OAuthError::DeviceCodeExpired),
            Some(other) => {
                return Err(OAuthError::DeviceFlow {
                    message: error_description(&json).unwrap_or_else(|| other.to_owned()),
                });
            }
        }
    }
    Err(OAuthError::DeviceCodeExpired)
}
