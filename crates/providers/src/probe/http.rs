//! The HTTP side shared by every probe: send, read, classify transport failures, parse JSON.

use std::error::Error as _;
use std::time::Duration;

use serde_json::Value;

use super::{ProbeClass, ProbeFailure, status};
use crate::edge::{EdgeBlock, UNTRUSTED_ISSUER_REMEDY, untrusted_issuer};
use crate::models::ModelFacts;

/// A client and the probe's timeout.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ProbeHttp<'a> {
    client: &'a reqwest::Client,
    timeout: Duration,
}

/// The timeout message, with the configured duration.
pub(crate) fn timed_out(timeout: Duration) -> ProbeFailure {
    ProbeFailure::new(
        ProbeClass::Timeout,
        format!(
            "Connection timed out after {}. Check that the endpoint is reachable.",
            human_duration(timeout)
        ),
    )
}

fn human_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        let s = d.as_secs();
        format!("{s} second{}", if s == 1 { "" } else { "s" })
    } else {
        format!("{} milliseconds", d.as_millis())
    }
}

impl<'a> ProbeHttp<'a> {
    pub(crate) fn new(client: &'a reqwest::Client, timeout: Duration) -> Self {
        Self { client, timeout }
    }

    pub(crate) fn client(&self) -> &'a reqwest::Client {
        self.client
    }

    /// Sends `request`, classifies any failure against `label`, and parses a 2xx body as JSON.
    pub(crate) async fn json(
        &self,
        label: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<Value, ProbeFailure> {
        let response = request
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| self.transport_failure(&e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|e| self.transport_failure(&e))?;
        if !status.is_success() {
            return Err(status::fail_for_status(label, status, &headers, &body));
        }
        serde_json::from_slice(&body).map_err(|e| invalid(label, &e.to_string()))
    }

    fn transport_failure(&self, err: &reqwest::Error) -> ProbeFailure {
        if err.is_timeout() {
            return timed_out(self.timeout);
        }
        let chain = error_chain(err);
        if let Some(block) = EdgeBlock::of_transport(&chain) {
            return status::blocked("the endpoint", block);
        }
        let lower = chain.to_ascii_lowercase();
        if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
            let remedy = if untrusted_issuer(&chain) {
                UNTRUSTED_ISSUER_REMEDY
            } else {
                "Check the endpoint URL and its certificate"
            };
            return ProbeFailure::new(
                ProbeClass::Tls,
                format!("TLS connection failed: {}. {remedy}.", innermost(err)),
            );
        }
        let reason = io_reason(err).unwrap_or_else(|| innermost(err));
        ProbeFailure::new(
            ProbeClass::Unreachable,
            format!("Connection failed: {reason}. Check that the endpoint is reachable."),
        )
    }
}

/// A response the probe cannot use.
pub(crate) fn invalid(label: &str, why: &str) -> ProbeFailure {
    ProbeFailure::new(
        ProbeClass::BadResponse,
        format!("Invalid model response from {label}: {why}"),
    )
}

fn error_chain(err: &reqwest::Error) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

fn innermost(err: &reqwest::Error) -> String {
    let mut last: &dyn std::error::Error = err;
    while let Some(s) = last.source() {
        last = s;
    }
    last.to_string()
}

/// A plain description of a socket-level failure, when there is one in the chain.
fn io_reason(err: &reqwest::Error) -> Option<String> {
    let mut source = err.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind as K;
            let reason = match io.kind() {
                K::ConnectionRefused => "connection refused",
                K::ConnectionReset => "connection reset",
                K::ConnectionAborted => "connection aborted",
                K::TimedOut => "connection timed out",
                K::HostUnreachable | K::NetworkUnreachable => "host unreachable",
                _ => return Some(io.to_string()),
            };
            return Some(reason.to_owned());
        }
        source = s.source();
    }
    if err.is_connect() {
        return Some("could not connect".to_owned());
    }
    None
}

/// A JSON number or numeric string as a positive token count; ≤ 0 or absent means unknown,
/// values past `i32::MAX` are capped there (no real window is larger, and netclaw.json keeps
/// windows as 32-bit numbers).
pub(crate) fn token_count(value: Option<&Value>) -> Option<u32> {
    let n = match value? {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    let capped = n.min(f64::from(i32::MAX));
    // Capped to i32::MAX and positive, so the conversion is exact enough and cannot wrap.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "range checked above"
    )]
    Some(capped as u32)
}

/// The models of an OpenAI-style listing's `data` array, each read by `parse` (`None` skips an
/// entry).
pub(crate) fn data_models(
    label: &str,
    body: &Value,
    parse: impl FnMut(&Value) -> Option<ModelFacts>,
) -> Result<Vec<ModelFacts>, ProbeFailure> {
    let data = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(label, "response did not contain a data array"))?;
    Ok(data.iter().filter_map(parse).collect())
}

/// A non-blank string field.
pub(crate) fn str_field<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    value
        .get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A string array field as modalities.
pub(crate) fn modalities(value: Option<&Value>) -> Option<crate::models::Modalities> {
    let names = value?.as_array()?;
    crate::models::Modalities::parse_names(names.iter().filter_map(Value::as_str))
}
