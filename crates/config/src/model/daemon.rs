//! `DaemonSettings`: where the daemon listens.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The daemon's listen address (`Daemon` in `netclaw.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DaemonSettings {
    /// Host to bind (default `127.0.0.1`).
    #[serde(rename = "Host", default = "default_host")]
    pub host: String,
    /// Port to bind (default 5199).
    #[serde(rename = "Port", default = "default_port")]
    pub port: u16,
    /// Keys this model does not know (`ExposureMode`, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DaemonSettings {
    /// The default host.
    pub const DEFAULT_HOST: &'static str = "127.0.0.1";
    /// The default port.
    pub const DEFAULT_PORT: u16 = 5199;
}

fn default_host() -> String {
    DaemonSettings::DEFAULT_HOST.to_owned()
}

fn default_port() -> u16 {
    DaemonSettings::DEFAULT_PORT
}

impl Default for DaemonSettings {
    fn default() -> Self {
        Self {
            host: default_host(),
            port: default_port(),
            extra: Map::new(),
        }
    }
}
