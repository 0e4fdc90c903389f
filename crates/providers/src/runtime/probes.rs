//! The last probe of each provider, kept in memory and, for a home, in `state/probes.json`, so
//! listings, the fallback chain and `provider list` see the same discovery in the CLI and the
//! daemon without touching the network.

use std::collections::BTreeMap;

use jiff::Timestamp;
use netclaw_config::Paths;
use serde::{Deserialize, Serialize};

use crate::probe::ProbeReport;

use super::state_map::{StateMap, find};

/// One remembered probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeRecord {
    /// What the probe found.
    #[serde(flatten)]
    pub report: ProbeReport,
    /// When it ran.
    pub at: Timestamp,
}

/// The probes of every provider by stored name; looked up ignoring case.
#[derive(Debug)]
pub struct ProbeBook {
    records: StateMap<ProbeRecord>,
}

impl ProbeBook {
    /// A book that lives in memory only.
    pub fn in_memory() -> Self {
        Self {
            records: StateMap::in_memory(),
        }
    }

    /// The book of a home: read now from `state/probes.json` (a missing or unreadable file is
    /// an empty book: it is a record of what was seen, not configuration), written on each
    /// change under `state/.probes.lock`.
    pub fn persistent(paths: &Paths) -> Self {
        Self {
            records: StateMap::persistent(&paths.state_dir(), "probes"),
        }
    }

    /// The last probe of `provider`, from memory.
    pub fn last(&self, provider: &str) -> Option<ProbeRecord> {
        find(&self.records.entries(), provider).map(|(_, r)| r.clone())
    }

    /// The context window `provider`'s last successful listing gave `model`, without copying
    /// the record (the fallback plan asks on every request).
    pub fn context_window(&self, provider: &str, model: &str) -> Option<u32> {
        let records = self.records.entries();
        let (_, record) = find(&records, provider)?;
        record
            .report
            .models
            .iter()
            .find(|m| m.id == model)?
            .context_window
    }

    /// Every remembered probe.
    pub fn all(&self) -> BTreeMap<String, ProbeRecord> {
        self.records.entries().clone()
    }

    /// Remembers `report` as `provider`'s last probe, taken at `at`.
    pub fn record(&self, provider: &str, report: &ProbeReport, at: Timestamp) {
        let record = ProbeRecord {
            report: report.clone(),
            at,
        };
        self.records.change(|all| {
            if let Some((key, _)) = find(all, provider) {
                let key = key.clone();
                all.remove(&key);
            }
            all.insert(provider.to_owned(), record.clone());
        });
    }

    /// Forgets `provider` (removed), or moves its record to `renamed_to`.
    pub fn forget(&self, provider: &str, renamed_to: Option<&str>) {
        self.records.forget(provider, renamed_to);
    }
}

#[cfg(test)]
mod tests;
