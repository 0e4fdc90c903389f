//! OpenAI's device flow: JSON to `/api/accounts/deviceauth/*`, then a normal code exchange.

use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Map, Value, json};

use super::{
    DEFAULT_INTERVAL, DeviceAuthorization, DeviceFlowKind, DeviceProgress,
    OPENAI_DEFAULT_EXPIRES_IN, ProgressFn, at_least_one_second, seconds_field, string_field,
};
use crate::client::OAuthClient;
use crate::clock::{Clock, add};
use crate::error::OAuthError;
use crate::http::{endpoint_error, send};
use crate::token::TokenSet;

const WHAT: &str = "OpenAI device authorization response";

fn required<'a>(url: Option<&'a url::Url>, name: &str) -> Result<&'a url::Url, OAuthError> {
    url.ok_or_else(|| OAuthError::config(format!("the OpenAI {name} endpoint is not configured")))
}

pub(super) async fn start(client: &OAuthClient) -> Result<DeviceAuthorization, OAuthError> {
    let endpoints = &client.endpoints;
    let endpoint = required(
        endpoints.device_authorization.as_ref(),
        "device authorization",
    )?;
    let verification = required(
        endpoints.device_verification.as_ref(),
        "device verification",
    )?;
    let mut body = Map::new();
    body.insert(
        "client_id".into(),
        Value::String(client.config.client_id.clone()),
    );
    if let Some(scope) = client.config.scope() {
        body.insert("scope".into(), Value::String(scope));
    }
    for (k, v) in &client.config.extra_authorize_params {
        if !k.trim().is_empty() && k != "client_id" && k != "scope" {
            body.insert(k.clone(), Value::String(v.clone()));
        }
    }
    let request = client
        .http
        .post(endpoint.clone())
        .header("Accept", "application/json")
        .json(&body);
    let reply = send(request, endpoint).await?;
    if reply.status == 404 {
        return Err(OAuthError::DeviceCodeNotEnabled);
    }
    if !reply.is_success() {
        return Err(endpoint_error(endpoint, &reply));
    }
    let json = reply
        .json()
        .ok_or_else(|| OAuthError::invalid(format!("Invalid JSON in {WHAT}")))?;
    authorization(&json, verification)
}

/// OpenAI's device authorization response; `verification` is where the user enters the code.
pub(crate) fn authorization(
    json: &Value,
    verification: &url::Url,
) -> Result<DeviceAuthorization, OAuthError> {
    let device_auth_id = string_field(json, &["device_auth_id"])
        .ok_or_else(|| OAuthError::invalid(format!("Missing device_auth_id in {WHAT}")))?;
    let user_code = string_field(json, &["user_code", "usercode"])
        .ok_or_else(|| OAuthError::invalid(format!("Missing user_code in {WHAT}")))?;
    let expires_in = seconds_field(json, "expires_in", WHAT)?
        .filter(|d| !d.is_zero())
        .unwrap_or(OPENAI_DEFAULT_EXPIRES_IN);
    Ok(DeviceAuthorization {
        kind: DeviceFlowKind::OpenAi,
        device_code: SecretString::from(device_auth_id),
        user_code,
        verification_uri: verification.to_string(),
        verification_uri_complete: None,
        expires_in,
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
    let endpoint = required(client.endpoints.device_token.as_ref(), "device token")?;
    let redirect_uri = required(
        client.endpoints.device_redirect_uri.as_ref(),
        "device redirect",
    )?;
    let interval: Duration = at_least_one_second(auth.interval);
    let expires_at = add(clock.now(), auth.expires_in);
    progress(DeviceProgress::WaitingForUser { expires_at });
    let body =
        json!({"device_auth_id": auth.device_code.expose_secret(), "user_code": auth.user_code});
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
            .json(&body);
        let reply = match send(request, endpoint).await {
            Ok(reply) => reply,
            Err(OAuthError::Network { .. }) => {
                progress(DeviceProgress::Transient { status: None });
                continue;
            }
            Err(e) => return Err(e),
        };
        match reply.status {
            403 | 404 => progress(DeviceProgress::Pending),
            500.. => progress(DeviceProgress::Transient {
                status: Some(reply.status),
            }),
            200..=299 => {
                let json = reply.json().unwrap_or(Value::Null);
                let code = string_field(&json, &["authorization_code"]);
                let verifier = string_field(&json, &["code_verifier"]);
                let (Some(code), Some(verifier)) = (code, verifier) else {
                    return Err(OAuthError::invalid(
                        "Empty authorization response from OpenAI",
                    ));
                };
                progress(DeviceProgress::Exchanging);
                return client
                    .exchange(&code, &verifier, redirect_uri.as_str(), clock.now())
                    .await;
            }
            status => {
                return Err(OAuthError::DeviceFlow {
                    message: format!(
                        "OpenAI returned an unexpected error (HTTP {status}). Please try again"
                    ),
                });
            }
        }
    }
    Err(OAuthError::DeviceCodeExpired)
}
