//! netclaw-daemon: the local HTTP daemon that serves providers, OAuth flows, chat and the gateway.
//!
//! The binary `netclaw-daemon` is a thin wrapper around [`spawn`]; the CLI talks to a running
//! daemon through [`DaemonClient`], using the wire types of [`api`].

pub mod api;
mod client;
mod connections;
mod error;
mod fallback;
mod gateway;
mod gateway_keys;
mod oauth_flows;
mod refresh;
mod routes;
mod run_files;
mod security;
mod server;
mod state;
mod usage_reader;
mod watch;

pub use client::{ClientError, DaemonClient};
pub use connections::{DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS};
pub use error::ApiError;
pub use refresh::RefreshOptions;
pub use run_files::{RunFileError, read_daemon_info, read_daemon_token};
pub use server::{DaemonOptions, RunningDaemon, StartError, spawn};
pub use state::{AppState, StateInit};

/// The daemon's HTTP routes over `state`, with the security layers (Host check, bearer token,
/// body limit, request ids). Tests drive it with `tower::ServiceExt::oneshot`.
pub fn router(state: AppState) -> axum::Router {
    routes::router(state)
}
