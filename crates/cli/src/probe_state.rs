//! The last probe of each provider, kept in `state/probes.json` so `provider list` can show it
//! without touching the network.

use std::collections::BTreeMap;

use jiff::Timestamp;
use netclaw_config::Paths;
use netclaw_providers::probe::{ProbeClass, ProbeReport};
use serde::{Deserialize, Serialize};

/// One remembered probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LastProbe {
    /// How it ended.
    pub(crate) status: ProbeClass,
    /// The user message when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<String>,
    /// Latency in milliseconds.
    pub(crate) latency_ms: u64,
    /// When it ran.
    pub(crate) at: Timestamp,
}

impl LastProbe {
    pub(crate) fn of(report: &ProbeReport, at: Timestamp) -> Self {
        Self {
            status: report.class,
            message: report.message.clone(),
            latency_ms: u64::try_from(report.latency.as_millis()).unwrap_or(u64::MAX),
            at,
        }
    }
}

fn file(paths: &Paths) -> std::path::PathBuf {
    paths.state_dir().join("probes.json")
}

/// Every remembered probe by provider name (empty when none or unreadable).
pub(crate) fn load(paths: &Paths) -> BTreeMap<String, LastProbe> {
    netclaw_config::fs::read_if_exists(&file(paths))
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// Remembers `probe` for `provider`. Failing to remember is not worth failing a command for.
pub(crate) fn record(paths: &Paths, provider: &str, probe: LastProbe) {
    edit(paths, |all| {
        all.insert(provider.to_owned(), probe);
    });
}

/// Forgets `provider` (removed), or moves it to `renamed_to`.
pub(crate) fn forget(paths: &Paths, provider: &str, renamed_to: Option<&str>) {
    edit(paths, |all| {
        if let Some(probe) = all.remove(provider)
            && let Some(new) = renamed_to
        {
            all.insert(new.to_owned(), probe);
        }
    });
}

/// Read-modify-write under `state/.probes.lock`, so commands probing at once keep every record.
fn edit(paths: &Paths, change: impl FnOnce(&mut BTreeMap<String, LastProbe>)) {
    let lock = paths.state_dir().join(".probes.lock");
    let _held = match netclaw_config::fs::FileLock::acquire(&lock) {
        Ok(held) => held,
        Err(e) => {
            tracing::debug!("cannot remember probe results: {e}");
            return;
        }
    };
    let mut all = load(paths);
    change(&mut all);
    if let Ok(bytes) = serde_json::to_vec_pretty(&all)
        && let Err(e) = netclaw_config::fs::write_atomic(&file(paths), &bytes)
    {
        tracing::debug!("cannot remember probe results: {e}");
    }
}

#[cfg(test)]
mod tests;
