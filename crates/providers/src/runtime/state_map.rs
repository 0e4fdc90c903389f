//! A map by provider name kept in memory and, for a home, in a JSON file under `state/`:
//! what netclaw saw (probes, context windows), never configuration, so a missing or unreadable
//! file is an empty map.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use netclaw_config::ProviderName;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Where a persistent map keeps its entries.
#[derive(Debug)]
struct MapFile {
    file: PathBuf,
    lock: PathBuf,
}

/// Entries by stored provider name; looked up ignoring case.
#[derive(Debug)]
pub(crate) struct StateMap<V> {
    entries: Mutex<BTreeMap<String, V>>,
    file: Option<MapFile>,
}

fn read_file<V: DeserializeOwned>(file: &Path) -> BTreeMap<String, V> {
    netclaw_config::fs::read_if_exists(file)
        .ok()
        .flatten()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default()
}

/// `provider`'s entry: its exact key, else one that matches ignoring case.
pub(crate) fn find<'a, V>(
    entries: &'a BTreeMap<String, V>,
    provider: &str,
) -> Option<(&'a String, &'a V)> {
    entries.get_key_value(provider).or_else(|| {
        entries
            .iter()
            .find(|(k, _)| ProviderName::same(k, provider))
    })
}

impl<V: Clone + Serialize + DeserializeOwned> StateMap<V> {
    /// A map that lives in memory only.
    pub(crate) fn in_memory() -> Self {
        Self {
            entries: Mutex::new(BTreeMap::new()),
            file: None,
        }
    }

    /// The map in `state_dir/<name>.json`, read now, written on each change under
    /// `state_dir/.<name>.lock`.
    pub(crate) fn persistent(state_dir: &Path, name: &str) -> Self {
        let file = state_dir.join(format!("{name}.json"));
        let lock = state_dir.join(format!(".{name}.lock"));
        Self {
            entries: Mutex::new(read_file(&file)),
            file: Some(MapFile { file, lock }),
        }
    }

    /// The entries in memory.
    pub(crate) fn entries(&self) -> MutexGuard<'_, BTreeMap<String, V>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies `change` to memory and, for a home, to the file: read-modify-write under the
    /// lock, so processes writing at once keep every entry. Failing to remember is not worth
    /// failing a command or a chat for.
    pub(crate) fn change(&self, change: impl Fn(&mut BTreeMap<String, V>)) {
        let mut entries = self.entries();
        change(&mut entries);
        let Some(MapFile { file, lock }) = &self.file else {
            return;
        };
        let _held = match netclaw_config::fs::FileLock::acquire(lock) {
            Ok(held) => held,
            Err(e) => {
                tracing::debug!(file = %file.display(), "cannot remember: {e}");
                return;
            }
        };
        let mut on_disk = read_file(file);
        change(&mut on_disk);
        if let Ok(bytes) = serde_json::to_vec_pretty(&on_disk)
            && let Err(e) = netclaw_config::fs::write_atomic(file, &bytes)
        {
            tracing::debug!(file = %file.display(), "cannot remember: {e}");
        }
        for (name, entry) in on_disk {
            entries.entry(name).or_insert(entry);
        }
    }

    /// Forgets `provider` (removed), or moves its entry to `renamed_to`.
    pub(crate) fn forget(&self, provider: &str, renamed_to: Option<&str>) {
        self.change(|all| {
            let Some(key) = find(all, provider).map(|(k, _)| k.clone()) else {
                return;
            };
            if let Some(entry) = all.remove(&key)
                && let Some(new) = renamed_to
            {
                all.insert(new.to_owned(), entry);
            }
        });
    }
}
