//! Live probes: does a provider answer, and which models does it offer.
//!
//! [`probe`] is the one entry point for every provider type. It never fails: whatever happens
//! becomes a [`ProbeReport`] with a [`ProbeClass`], a user message (never containing a
//! credential, even when the server echoes it back), the latency and the discovered models.

mod anthropic;
mod compatible;
mod copilot;
mod gemini;
mod hosted;
mod http;
mod ollama;
mod openai;
mod openrouter;
mod status;

#[cfg(test)]
mod tests;

pub use compatible::OpenAiCompatibleEndpoint;
pub use openai::{CODEX_CLIENT_VERSION, CodexCatalogError, parse_codex_catalog};

use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::bearer::Bearer;
use crate::descriptor::{AuthMethod, ProviderKind, ProviderRegistry};
use crate::models::ModelFacts;

/// The probe timeout: long enough for a cold model server to answer its listing, short enough
/// that a wizard never seems to hang.
pub const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// How a probe ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeClass {
    /// The provider answered and listed its models.
    Ok,
    /// The credential was refused (401) or cannot be used (expired, no account id).
    Auth,
    /// The credential lacks permission (403).
    Forbidden,
    /// Too many requests (429).
    RateLimited,
    /// The account's quota or credit is exhausted.
    Quota,
    /// No connection, or the service reports itself unavailable (5xx).
    Unreachable,
    /// No answer within the timeout.
    Timeout,
    /// The TLS handshake failed.
    Tls,
    /// A CDN in front of the vendor answered with a browser check instead of the API.
    EdgeChallenge,
    /// The vendor does not serve the country or region the request comes from.
    RegionBlocked,
    /// A proxy refused the request.
    Proxy,
    /// The provider answered something netclaw cannot use (404, invalid JSON, missing fields).
    BadResponse,
    /// The stored login can no longer be refreshed; `netclaw provider login <name>` is needed.
    ReauthRequired,
    /// Something required (credential, endpoint, provider) is not configured.
    NotConfigured,
}

impl ProbeClass {
    /// The snake_case name (`rate_limited`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Auth => "auth",
            Self::Forbidden => "forbidden",
            Self::RateLimited => "rate_limited",
            Self::Quota => "quota",
            Self::Unreachable => "unreachable",
            Self::Timeout => "timeout",
            Self::Tls => "tls",
            Self::EdgeChallenge => "edge_challenge",
            Self::RegionBlocked => "region_blocked",
            Self::Proxy => "proxy",
            Self::BadResponse => "bad_response",
            Self::ReauthRequired => "reauth_required",
            Self::NotConfigured => "not_configured",
        }
    }
}

/// What to probe, in netclaw's own terms (the config adapter builds one from a provider entry).
#[derive(Debug, Clone)]
pub struct ProbeTarget {
    /// The provider's name, used in hints such as `netclaw provider login <name>`.
    pub provider_name: String,
    /// The provider type key (`openai`, `openai-codex`, `ollama`, …; case ignored).
    pub type_key: String,
    /// The configured endpoint; `None` or blank uses the type's default for `auth_method`.
    pub endpoint: Option<String>,
    /// How the provider signs in.
    pub auth_method: AuthMethod,
    /// The credential to send (API key or OAuth access token plus account id).
    pub bearer: Option<Bearer>,
    /// When the OAuth access token expires, if known.
    pub token_expiry: Option<Timestamp>,
    /// Where the credential is exchanged for a short-lived API token (GitHub Copilot).
    pub token_exchange: Option<String>,
}

/// Knobs of one probe run.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Deadline for the whole probe (10 s in netclaw; tests shorten it).
    pub timeout: Duration,
    /// The current time, for token-expiry checks.
    pub now: Timestamp,
    /// The `client_version` sent to the Codex `/models` catalog.
    pub codex_client_version: String,
}

impl ProbeOptions {
    /// The defaults at `now`: 10 s timeout and the current Codex client version.
    pub fn at(now: Timestamp) -> Self {
        Self {
            timeout: DEFAULT_PROBE_TIMEOUT,
            now,
            codex_client_version: CODEX_CLIENT_VERSION.to_owned(),
        }
    }

    /// The same options with another timeout.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// The classified outcome of a probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeReport {
    /// How it ended.
    pub class: ProbeClass,
    /// What to tell the user when it failed (never contains a credential).
    pub message: Option<String>,
    /// Time from start to result.
    #[serde(with = "latency_ms")]
    pub latency: Duration,
    /// The endpoint that was probed, when one was known.
    pub endpoint: Option<String>,
    /// The models discovered (empty unless `class` is `ok`).
    pub models: Vec<ModelFacts>,
}

impl ProbeReport {
    /// True when the provider answered and listed its models.
    pub fn is_ok(&self) -> bool {
        self.class == ProbeClass::Ok
    }

    /// A report for a failure found before any request (nothing configured, re-login needed).
    pub fn failed(class: ProbeClass, message: impl Into<String>) -> Self {
        Self {
            class,
            message: Some(message.into()),
            latency: Duration::ZERO,
            endpoint: None,
            models: Vec::new(),
        }
    }
}

mod latency_ms {
    //! Latency as whole milliseconds on the wire.
    use std::time::Duration;

    pub(super) fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(serde::Deserialize::deserialize(d)?))
    }
}

/// A probe that did not end in `ok`: its class and user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ProbeFailure {
    pub(crate) class: ProbeClass,
    pub(crate) message: String,
}

impl ProbeFailure {
    pub(crate) fn new(class: ProbeClass, message: impl Into<String>) -> Self {
        Self {
            class,
            message: message.into(),
        }
    }
}

/// What every per-type probe receives.
#[derive(Debug)]
pub(crate) struct ProbeContext<'a> {
    pub(crate) http: http::ProbeHttp<'a>,
    pub(crate) target: &'a ProbeTarget,
    pub(crate) options: &'a ProbeOptions,
    pub(crate) endpoint: String,
    /// What a successful probe still has to say (a listing replaced by a curated one).
    pub(crate) note: std::sync::Mutex<Option<String>>,
}

/// Probes one provider: checks what is configured, calls its model listing with the given
/// credential, and classifies the outcome. Never returns an error; see [`ProbeReport`].
pub async fn probe(
    client: &reqwest::Client,
    registry: &ProviderRegistry,
    target: &ProbeTarget,
    options: &ProbeOptions,
) -> ProbeReport {
    let started = std::time::Instant::now();
    let redactor = crate::redact::Redactor::for_bearer(target.bearer.as_ref());
    let Some(descriptor) = registry.try_get(&target.type_key) else {
        return ProbeReport::failed(
            ProbeClass::NotConfigured,
            format!("Unknown provider type: {}", target.type_key),
        );
    };
    let Some(endpoint) =
        descriptor.effective_endpoint(target.endpoint.as_deref(), target.auth_method)
    else {
        return ProbeReport::failed(
            ProbeClass::NotConfigured,
            format!(
                "An endpoint is required for {}. Set it with `netclaw provider add {} {} --endpoint URL`.",
                descriptor.type_key, target.provider_name, descriptor.type_key
            ),
        );
    };
    let ctx = ProbeContext {
        http: http::ProbeHttp::new(client, options.timeout),
        target,
        options,
        endpoint: endpoint.clone(),
        note: std::sync::Mutex::new(None),
    };
    let work = async {
        match descriptor.kind {
            ProviderKind::OpenAi => openai::probe(&ctx).await,
            ProviderKind::Anthropic => anthropic::probe(&ctx).await,
            ProviderKind::OpenRouter => openrouter::probe(&ctx).await,
            ProviderKind::Ollama => ollama::probe(&ctx).await,
            ProviderKind::OpenAiCompatible => compatible::probe(&ctx).await,
            ProviderKind::Gemini => gemini::probe(&ctx).await,
            ProviderKind::Venice => {
                hosted::probe(&ctx, "veniceai", "Venice", "https://venice.ai/settings/api").await
            }
            ProviderKind::Copilot => copilot::probe(&ctx).await,
            ProviderKind::Zai => {
                hosted::probe(
                    &ctx,
                    "zai",
                    "Z.ai",
                    "https://z.ai/manage-apikey/apikey-list",
                )
                .await
            }
        }
    };
    let outcome = match tokio::time::timeout(options.timeout, work).await {
        Ok(outcome) => outcome,
        Err(_) => Err(http::timed_out(options.timeout)),
    };
    let latency = started.elapsed();
    match outcome {
        Ok(models) => ProbeReport {
            class: ProbeClass::Ok,
            message: ctx
                .note
                .into_inner()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
            latency,
            endpoint: Some(endpoint),
            models,
        },
        Err(failure) => {
            tracing::debug!(
                provider = %target.provider_name,
                class = failure.class.as_str(),
                "probe failed"
            );
            ProbeReport {
                class: failure.class,
                message: Some(redactor.redact(&failure.message)),
                latency,
                endpoint: Some(endpoint),
                models: Vec::new(),
            }
        }
    }
}
