//! Wire types of the daemon's HTTP API (camelCase JSON), shared by the server and [`crate::DaemonClient`].

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// The daemon's default port (`Daemon.Port` overrides it).
pub const DEFAULT_PORT: u16 = 5199;

/// Contents of `run/daemon.json`: who is running and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DaemonInfo {
    /// Process id of the daemon.
    pub pid: u32,
    /// Socket address clients connect to (always a loopback or the configured host).
    pub address: SocketAddr,
    /// When the daemon started.
    pub started_at: jiff::Timestamp,
    /// The daemon's version (`CARGO_PKG_VERSION`).
    pub version: String,
}

impl DaemonInfo {
    /// `http://<address>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.address)
    }
}

/// The body of every management API error: `{"error": {"code", "message", "hint"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// One management API error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable machine-readable code (`unauthorized`, `not_found`, `bad_request`, …).
    pub code: String,
    /// What went wrong, for people.
    pub message: String,
    /// What to do about it (often a command), when there is something to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

/// `GET /api/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Health {
    /// `ok`, or `degraded` when the last config edit could not be loaded.
    pub status: HealthStatus,
    /// The daemon's version.
    pub version: String,
    /// Process id.
    pub pid: u32,
    /// When the daemon started.
    pub started_at: jiff::Timestamp,
    /// When the configuration in use was loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_loaded_at: Option<jiff::Timestamp>,
    /// Why the latest configuration on disk was rejected (the previous one stays live).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_error: Option<String>,
}

/// Overall health.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Everything loaded.
    Ok,
    /// Running on the last good configuration; see `configError`.
    Degraded,
}
