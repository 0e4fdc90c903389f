//! Who may call: the loopback `Host` check (DNS rebinding), the bearer token (constant-time),
//! and request ids with one log line per request (path only: queries may carry OAuth codes).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use secrecy::{ExposeSecret, SecretString};
use subtle::ConstantTimeEq;
use tracing::Instrument;

use crate::error::ApiError;
use crate::gateway::GatewayError;
use crate::gateway_keys::Caller;
use crate::routes::MAX_BODY_BYTES;
use crate::state::AppState;

/// Host names accepted in the `Host` header, besides a configured non-loopback bind host.
const LOOPBACK_NAMES: [&str; 3] = ["127.0.0.1", "localhost", "[::1]"];

/// The one layer in front of every route: gives the request an id (`x-request-id`), a tracing
/// span and one completion log line, and admits it unless [`refusal_of`] refuses it. One layer, not
/// two, because each layer costs its own future and boxing on every request.
pub(crate) async fn front_door(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let id = state.next_request_id();
    let span = tracing::info_span!("request", id, method = %req.method(), path = %req.uri().path());
    let started = std::time::Instant::now();
    async move {
        let mut response = match refusal_of(&state, &mut req) {
            None => next.run(req).await,
            Some(refusal) => refusal,
        };
        let status = response.status().as_u16();
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        if status >= 500 {
            tracing::warn!(status, micros, "request failed");
        } else {
            tracing::info!(status, micros, "request done");
        }
        if let Ok(value) = HeaderValue::from_str(&id.to_string()) {
            response.headers_mut().insert("x-request-id", value);
        }
        response
    }
    .instrument(span)
    .await
}

/// The refusal of a request whose `Host` is not a loopback name with the daemon's port, or
/// that lacks a credential the route accepts, in the shape the route's clients read; `None`
/// admits it, with its [`Caller`] in the request's extensions.
fn refusal_of(state: &AppState, req: &mut Request) -> Option<Response> {
    let path = req.uri().path();
    let shape = if path.starts_with("/v1/messages") {
        Shape::Anthropic
    } else if path.starts_with("/v1/") || path == "/v1" {
        Shape::OpenAi
    } else {
        Shape::Netclaw
    };
    if req.headers().get_all(header::HOST).iter().nth(1).is_some() {
        // Two names for one request: whichever a proxy or a later check picks, one of them
        // was not checked.
        let message = "the request has more than one `Host` header";
        return Some(shape.refusal(StatusCode::BAD_REQUEST, "bad_host", message));
    }
    if !host_allowed(state, req.headers().get(header::HOST)) {
        let message = "the `Host` header must name the daemon on loopback";
        tracing::warn!("refused a request with a foreign Host header");
        return Some(shape.refusal(StatusCode::FORBIDDEN, "forbidden_host", message));
    }
    if declared_length(req.headers()).is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        let message = format!(
            "the request body is larger than the daemon accepts ({} MiB)",
            MAX_BODY_BYTES / (1024 * 1024)
        );
        return Some(shape.refusal(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large", &message));
    }
    if is_public(req.method(), path) {
        return None;
    }
    let code = match shape {
        Shape::Netclaw => "unauthorized",
        Shape::OpenAi | Shape::Anthropic => "invalid_api_key",
    };
    let presented = match presented_key(req.headers(), shape != Shape::Netclaw) {
        Ok(presented) => presented,
        Err(message) => return Some(shape.refusal(StatusCode::UNAUTHORIZED, code, message)),
    };
    let caller = match caller_of(state, presented, shape) {
        Ok(caller) => caller,
        Err((status, message)) => {
            let code = if status == StatusCode::FORBIDDEN {
                "gateway_key_not_allowed"
            } else {
                code
            };
            return Some(shape.refusal(status, code, &message));
        }
    };
    req.extensions_mut().insert(caller);
    None
}

/// Who presents `presented`: the daemon token opens everything; a gateway key opens the
/// gateway until it expires, and the management API never.
fn caller_of(
    state: &AppState,
    presented: &[u8],
    shape: Shape,
) -> Result<Caller, (StatusCode, String)> {
    let expected = state.token().expose_secret().as_bytes();
    if bool::from(presented.ct_eq(expected)) {
        return Ok(Caller::Daemon);
    }
    let unknown = || {
        let message = if presented.starts_with(netclaw_config::KEY_PREFIX.as_bytes()) {
            "this gateway key is not valid (revoked, or never created here); `netclaw key list` shows the keys"
        } else {
            "the daemon token is wrong (it changes at every daemon start); a gateway key from `netclaw key create` does not"
        };
        (StatusCode::UNAUTHORIZED, message.to_owned())
    };
    let text = std::str::from_utf8(presented).map_err(|_| unknown())?;
    let now = state.clock().now();
    let key = state
        .gateway_keys()
        .find(&SecretString::from(text), now)
        .ok_or_else(unknown)?;
    if shape == Shape::Netclaw {
        return Err((
            StatusCode::FORBIDDEN,
            "gateway keys open only the `/v1` gateway; the management API takes the daemon token in `run/daemon.token`".to_owned(),
        ));
    }
    if key.expired(now) {
        return Err((
            StatusCode::UNAUTHORIZED,
            format!(
                "gateway key `{}` has expired; create a new one with `netclaw key create {}`",
                key.name, key.name
            ),
        ));
    }
    Ok(Caller::Key(std::sync::Arc::new(key)))
}

/// Whose error shape a route's clients read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// The management API: `{"error": {"code", "message", "hint"}}`.
    Netclaw,
    /// The OpenAI-compatible gateway.
    OpenAi,
    /// The Anthropic Messages routes.
    Anthropic,
}

impl Shape {
    fn refusal(self, status: StatusCode, code: &'static str, message: &str) -> Response {
        // OpenAI's own API answers a bad key as an `invalid_request_error`; Anthropic's shape
        // takes its type from the status.
        let kind = match status {
            StatusCode::FORBIDDEN => "permission_error",
            _ => "invalid_request_error",
        };
        match self {
            Self::Netclaw => {
                let error = ApiError::new(status, code, message);
                if status == StatusCode::UNAUTHORIZED {
                    error
                        .with_hint("use the token in `run/daemon.token`; `netclaw daemon status` shows the daemon in use")
                        .into_response()
                } else {
                    error.into_response()
                }
            }
            Self::OpenAi => GatewayError::new(status, kind, code, message).into_response(),
            Self::Anthropic => {
                GatewayError::new(status, kind, code, message).into_anthropic_response()
            }
        }
    }
}

/// `Content-Length`, when the request declares one that parses.
fn declared_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

fn is_public(method: &Method, path: &str) -> bool {
    // HEAD is GET without the body: a health check by HEAD is as public as one by GET.
    (method == Method::GET && path == "/api/provider/oauth/callback")
        || ((method == Method::GET || method == Method::HEAD) && path == "/api/health")
}

fn host_allowed(state: &AppState, host: Option<&HeaderValue>) -> bool {
    let Some(host) = host.and_then(|h| h.to_str().ok()) else {
        return false;
    };
    let Some((name, port)) = host.rsplit_once(':') else {
        return false;
    };
    if port.parse::<u16>().ok() != Some(state.port()) {
        return false;
    }
    LOOPBACK_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
        || state
            .extra_host()
            .is_some_and(|h| h.eq_ignore_ascii_case(name))
}

/// The credential a request presents: `Authorization: Bearer <key>`, or on the gateway also
/// `x-api-key: <key>` (how Anthropic's clients send theirs).
fn presented_key(headers: &axum::http::HeaderMap, gateway: bool) -> Result<&[u8], &'static str> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        return value
            .as_bytes()
            .strip_prefix(b"Bearer ")
            .ok_or("the `Authorization` header must be `Bearer <daemon token>`");
    }
    match headers.get("x-api-key") {
        Some(value) if gateway => Ok(value.as_bytes()),
        _ => Err("this route needs `Authorization: Bearer <daemon token>`"),
    }
}
