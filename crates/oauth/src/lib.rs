//! netclaw-oauth: the OAuth 2.0 protocol as netclaw's providers need it; no files, no prompts.
//!
//! Everything that varies is an input: base URLs (via [`OAuthClientConfig`]), the
//! `reqwest::Client`, the current time (`now: jiff::Timestamp`, or a [`Clock`] for polling
//! loops), the callback ports. Progress is reported through a callback. Secrets are
//! [`secrecy::SecretString`] and no `Debug` output shows them.
//!
//! - browser login: [`CallbackListener`] + [`OAuthClient::start_authorization`] +
//!   [`OAuthClient::exchange_code`] (or [`FlowRegistry`] on a server), [`parse_redirect`] for pastes;
//! - device login: [`OAuthClient::start_device_authorization`] + [`OAuthClient::poll_device_authorization`];
//! - tokens: [`OAuthClient::refresh`], [`OAuthClient::revoke`], [`TokenSet::needs_refresh`];
//! - claims: [`jwt`] (unverified reads, documented) and [`OAuthClient::verify_id_token`].

mod authorize;
mod callback;
mod client;
mod clock;
mod config;
mod device;
mod discovery;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod http;
pub mod jwt;
mod pkce;
mod redirect;
mod registry;
mod scopes;
mod token;

pub use authorize::{PendingAuthorization, authorize_url, escape_data};
pub use callback::{CallbackCanceller, CallbackListener, DEFAULT_CALLBACK_TIMEOUT, SUCCESS_TEXT};
pub use client::{OAuthClient, RevokeOutcome, ServerEndpoints};
pub use clock::{Clock, ManualClock, Sleep, SystemClock};
pub use config::{
    EndpointOverrides, Flavour, OAuthClientConfig, OPENAI_CLIENT_ID, OPENAI_FALLBACK_PORT,
    OPENAI_ISSUER, OPENAI_REDIRECT_URI, OPENAI_SCOPE,
};
pub use device::{
    DEFAULT_INTERVAL, DeviceAuthorization, DeviceFlowKind, DeviceProgress,
    OPENAI_DEFAULT_EXPIRES_IN, ProgressFn, SLOW_DOWN_STEP,
};
pub use discovery::{ServerMetadata, discover, metadata_urls};
pub use error::{OAuthError, ReauthReason, RedirectError};
pub use pkce::{Pkce, generate_state, s256_challenge};
pub use redirect::{RedirectParams, parse_redirect};
pub use registry::{CompletedFlow, FLOW_TTL, FlowRegistry, FlowStatus, StartedFlow};
pub use scopes::{DEFAULT_STANDARD_SCOPES, default_scopes};
pub use token::{TokenSet, parse_token_response};
