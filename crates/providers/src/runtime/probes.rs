//! The last probe of each provider, kept in memory and, for a home, in `state/probes.json`, so
//! listings, the fallback chain and `provider list` see the same discovery in the CLI and the
//! daemon without touching the network.

use netclaw_config::ProviderName;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};

use jiff::Timestamp;
use netclaw_config::Paths;
use serde::{Deserialize, Serialize};

use crate::probe::ProbeReport;

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

/// Where a persistent book keeps its records.
#[derive(Debug)]
struct BookFile {
    file: PathBuf,
    lock: PathBuf,
}

/// The probes of every provider by stored name; looked up ignoring case.
#[derive(Debug)]
pub struct ProbeBook {
    records: Mutex<BTreeMap<String, ProbeRecord>>,
    file: Option<BookFile>,
}

fn read_file(file: &std::path::Path) -> BTreeMap<String, ProbeRecord> {
    netclaw_config::fs::read_if_exists(file)
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

fn find<'a>(
    records: &'a BTreeMap<String, ProbeRecord>,
    provider: &str,
) -> Option<(&'a String, &'a ProbeRecord)> {
    records.get_key_value(provider).or_else(|| {
        records
            .iter()
            .find(|(k, _)| ProviderName::same(k, provider))
    })
}

impl ProbeBook {
    /// A book that lives in memory only.
    pub fn in_memory() -> Self {
        Self {
            records: Mutex::new(BTreeMap::new()),
            file: None,
        }
    }

    /// The book of a home: read now from `state/probes.json` (a missing or unreadable file is
    /// an empty book: it is a record of what was seen, not configuration), written on each
    /// change under `state/.probes.lock`.
    pub fn persistent(paths: &Paths) -> Self {
        let file = paths.state_dir().join("probes.json");
        let lock = paths.state_dir().join(".probes.lock");
        Self {
            records: Mutex::new(read_file(&file)),
            file: Some(BookFile { file, lock }),
        }
    }

    fn records(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, ProbeRecord>> {
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The last probe of `provider`, from memory.
    pub fn last(&self, provider: &str) -> Option<ProbeRecord> {
        find(&self.records(), provider).map(|(_, r)| r.clone())
    }

    /// The context window `provider`'s last successful listing gave `model`, without copying
    /// the record (the fallback plan asks on every request).
    pub fn context_window(&self, provider: &str, model: &str) -> Option<u32> {
        let records = self.records();
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
        self.records().clone()
    }

    /// Remembers `report` as `provider`'s last probe, taken at `at`.
    pub fn record(&self, provider: &str, report: &ProbeReport, at: Timestamp) {
        let record = ProbeRecord {
            report: report.clone(),
            at,
        };
        self.change(|all| {
            if let Some((key, _)) = find(all, provider) {
                let key = key.clone();
                all.remove(&key);
            }
            all.insert(provider.to_owned(), record.clone());
        });
    }

    /// Forgets `provider` (removed), or moves its record to `renamed_to`.
    pub fn forget(&self, provider: &str, renamed_to: Option<&str>) {
        self.change(|all| {
            let Some(key) = find(all, provider).map(|(k, _)| k.clone()) else {
                return;
            };
            if let Some(record) = all.remove(&key)
                && let Some(new) = renamed_to
            {
                all.insert(new.to_owned(), record);
            }
        });
    }

    /// Applies `change` to memory and, for a home, to the file: read-modify-write under the
    /// lock, so processes probing at once keep every record. Failing to remember is not worth
    /// failing a command for.
    fn change(&self, change: impl Fn(&mut BTreeMap<String, ProbeRecord>)) {
        let mut records = self.records();
        change(&mut records);
        let Some(BookFile { file, lock }) = &self.file else {
            return;
        };
        let _held = match netclaw_config::fs::FileLock::acquire(lock) {
            Ok(held) => held,
            Err(e) => {
                tracing::debug!("cannot remember probe results: {e}");
                return;
            }
        };
        let mut on_disk = read_file(file);
        change(&mut on_disk);
        if let Ok(bytes) = serde_json::to_vec_pretty(&on_disk)
            && let Err(e) = netclaw_config::fs::write_atomic(file, &bytes)
        {
            tracing::debug!("cannot remember probe results: {e}");
        }
        for (name, record) in on_disk {
            records.entry(name).or_insert(record);
        }
    }
}

#[cfg(test)]
mod tests;
