//! Reading `netclaw.json`: parse with positions, check and migrate the version, write it back.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::ConfigError;
use crate::migrate::{self, CURRENT_VERSION, MigrationError, VERSION_KEY};

/// `netclaw.json` as found on disk.
#[derive(Debug, Clone)]
pub(crate) struct ConfigOnDisk {
    /// The exact bytes (kept for `.bak` files).
    pub(crate) bytes: Vec<u8>,
    /// The document after in-memory migration.
    pub(crate) migrated: Map<String, Value>,
    /// The version the file declared (1 when missing).
    pub(crate) version: u64,
}

/// Parses and migrates `bytes` read from `path`.
pub(crate) fn parse_config(path: &Path, bytes: Vec<u8>) -> Result<ConfigOnDisk, ConfigError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        let mut backup = path.as_os_str().to_owned();
        backup.push(".bak");
        let backup = std::path::PathBuf::from(backup);
        return Err(ConfigError::EmptyConfig {
            path: path.to_path_buf(),
            backup: backup.is_file().then_some(backup),
        });
    }
    let mut doc = {
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return Err(ConfigError::Parse {
                    path: path.to_path_buf(),
                    line: 1,
                    column: 1,
                    message: "the top level must be a JSON object".to_owned(),
                });
            }
            Err(e) => return Err(parse_error(path, &e)),
        }
    };
    let version = migrate::migrate(&mut doc).map_err(|e| match e {
        MigrationError::Newer { found } => ConfigError::NewerVersion {
            path: path.to_path_buf(),
            found,
            supported: CURRENT_VERSION,
        },
        MigrationError::Invalid { found } => ConfigError::InvalidVersion {
            path: path.to_path_buf(),
            found,
        },
    })?;
    Ok(ConfigOnDisk {
        bytes,
        migrated: doc,
        version,
    })
}

/// A [`ConfigError::Parse`] from a serde_json error, with the position split out of the message.
pub(crate) fn parse_error(path: &Path, e: &serde_json::Error) -> ConfigError {
    let text = e.to_string();
    let message = match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    };
    ConfigError::Parse {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message,
    }
}

/// An empty document of the current version.
pub(crate) fn skeleton() -> Map<String, Value> {
    let mut doc = Map::new();
    doc.insert(VERSION_KEY.to_owned(), Value::from(CURRENT_VERSION));
    doc
}

/// Pretty JSON with a trailing newline, `configVersion` set to the current version.
pub(crate) fn serialize_config(doc: &Map<String, Value>) -> Vec<u8> {
    let mut out = Map::with_capacity(doc.len() + 1);
    out.insert(VERSION_KEY.to_owned(), Value::from(CURRENT_VERSION));
    for (k, v) in doc {
        if k != VERSION_KEY {
            out.insert(k.clone(), v.clone());
        }
    }
    let mut bytes =
        serde_json::to_vec_pretty(&Value::Object(out)).expect("a JSON map always serializes");
    bytes.push(b'\n');
    bytes
}
