//! The HTTP client for vendors and OAuth servers, built only by commands that go online.

use std::time::Duration;

use crate::error::CliError;

/// A client with netclaw's user agent and a connect timeout.
pub(crate) fn client() -> Result<reqwest::Client, CliError> {
    reqwest::Client::builder()
        .user_agent(concat!("netclaw/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| CliError::new("cannot set up HTTPS").with_cause(e))
}
