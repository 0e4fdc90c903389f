//! Applies config edits without a restart: polls the stamps of `netclaw.json` and the secrets
//! file (inode, size, mtime) and reloads once a change has settled for one more tick
//! (debounce); reloads the gateway keys when their file changes and writes down now and then
//! when each was last used.

use std::time::Duration;

use netclaw_config::FilesStamp;
use tokio::task::JoinHandle;

use crate::state::AppState;

/// How many polls pass between two writes of the gateway keys' last-used times.
const KEY_USE_FLUSH_TICKS: u32 = 60;

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
        let mut flush_ticks = 0_u32;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => {
                    state.gateway_keys().flush_used(state.paths());
                    return;
                }
                _ = ticker.tick() => {}
            }
            // Gateway keys apply as soon as their file changes: a revoked key stops working
            // within one tick.
            state.gateway_keys().refresh(state.paths());
            flush_ticks += 1;
            if flush_ticks >= KEY_USE_FLUSH_TICKS {
                state.gateway_keys().flush_used(state.paths());
                flush_ticks = 0;
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
