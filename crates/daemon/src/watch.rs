//! Applies config edits without a restart: polls the stamps of `netclaw.json` and the secrets
//! file (inode, size, mtime) and reloads once a change has settled for one more tick (debounce).

use std::time::Duration;

use netclaw_config::FilesStamp;
use tokio::task::JoinHandle;

use crate::state::AppState;

/// Polls every `interval`; a change is applied when two consecutive polls agree on it.
pub(crate) fn spawn_watcher(state: AppState, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = state.shutdown_token().clone();
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Compare with what the loaded configuration was read from, so an edit made between
        // the load and this task's first poll is not missed.
        let mut applied = state.loaded_stamp();
        let mut pending: Option<FilesStamp> = None;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticker.tick() => {}
            }
            let now = state.store().stamp();
            if now == applied {
                pending = None;
                continue;
            }
            if pending == Some(now) {
                tracing::info!("config files changed; reloading");
                // A broken edit is logged and shown on /api/health by `reload`.
                let _ = state.reload("file change").await;
                applied = now;
                pending = None;
            } else {
                pending = Some(now);
            }
        }
    })
}
