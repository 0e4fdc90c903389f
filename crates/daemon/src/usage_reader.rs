//! Reads every subscription's usage in the background at a modest pace, so `GET /api/usage`
//! answers at once and the switch threshold applies before a chat meets the limit. One read
//! per provider per [`USAGE_FRESH_FOR`], never one per chat.

use std::time::Duration;

use netclaw_providers::runtime::USAGE_FRESH_FOR;

use crate::state::AppState;

/// The wait before the first read: after the token refresher's first pass.
const FIRST_READ: Duration = Duration::from_secs(5);

pub(crate) fn spawn_usage_reader(state: AppState) {
    tokio::spawn(async move {
        let shutdown = state.shutdown_token().clone();
        let mut wait = FIRST_READ;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
            }
            wait = USAGE_FRESH_FOR;
            let runtime = state.runtime();
            for report in runtime.usage(&[], false).await {
                if let Some(error) = &report.error {
                    tracing::debug!(provider = %report.provider, %error, "usage read failed");
                }
            }
        }
    });
}
