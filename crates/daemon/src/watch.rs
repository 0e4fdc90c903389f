//! Applies config edits without a restart: polls `netclaw.json` and the secrets file (inode,
//! size, mtime) and reloads once a change has settled for one more tick (debounce).

use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::state::AppState;

/// What identifies one version of a file: inode (atomic renames change it), size, mtime (ns).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    inode: u64,
    size: u64,
    mtime_ns: i128,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    Some(Stamp {
        inode: meta.ino(),
        size: meta.size(),
        mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
    })
}

/// Both watched files' stamps.
pub(crate) type Stamps = [Option<(u64, u64, i128)>; 2];

/// The stamps of `netclaw.json` and the secrets file now.
pub(crate) fn stamps(paths: &netclaw_config::Paths) -> Stamps {
    [paths.config_file(), paths.secrets_file()]
        .map(|p| stamp(&p).map(|s| (s.inode, s.size, s.mtime_ns)))
}

/// Polls every `interval`; a change is applied when two consecutive polls agree on it.
pub(crate) fn spawn_watcher(state: AppState, interval: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let shutdown = state.shutdown_token().clone();
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // Compare with what the loaded configuration was read from, so an edit made between
        // the load and this task's first poll is not missed.
        let mut applied = state.runtime().stamps;
        let mut pending: Option<Stamps> = None;
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                _ = ticker.tick() => {}
            }
            let now = stamps(state.paths());
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
