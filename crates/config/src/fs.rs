//! The one write path: atomic, durable, private files, and the cross-process config lock.

use std::fs::{DirBuilder, File, OpenOptions, Permissions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::error::ConfigError;

/// Mode of every file netclaw writes.
pub const FILE_MODE: u32 = 0o600;
/// Mode of every directory netclaw creates.
pub const DIR_MODE: u32 = 0o700;

/// Writes `bytes` to `path` atomically and durably, with mode 0600.
///
/// A temp file in the same directory is written, fsynced and set to 0600, then renamed over
/// `path`, then the directory is fsynced. A crash at any point leaves the old file or the new
/// one, never a torn one. The parent directory is created (0700) when missing.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), ConfigError> {
    write_atomic_with_hook(path, bytes, |_| Ok(()))
}

/// [`write_atomic`] with a hook that runs after the temp file is complete and durable, just
/// before the rename. Tests use it to simulate a crash at that point (by returning an error);
/// the temp file is then removed and `path` is left as it was.
pub fn write_atomic_with_hook(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> io::Result<()>,
) -> Result<(), ConfigError> {
    let dir = parent_dir(path);
    create_private_dir(&dir)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{file_name}."))
        .suffix(".tmp")
        .permissions(Permissions::from_mode(FILE_MODE))
        .tempfile_in(&dir)
        .map_err(|e| ConfigError::io("create a temp file in", &dir, e))?;
    let temp_path = temp.path().to_path_buf();
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .and_then(|()| {
            temp.as_file()
                .set_permissions(Permissions::from_mode(FILE_MODE))
        })
        .map_err(|e| ConfigError::io("write", &temp_path, e))?;
    before_rename(&temp_path).map_err(|e| ConfigError::io("write", &temp_path, e))?;
    temp.persist(path)
        .map_err(|e| ConfigError::io("replace", path, e.error))?;
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| ConfigError::io("sync", &dir, e))
}

/// Creates `dir` and any missing parents with mode 0700. Existing directories are left alone.
pub fn create_private_dir(dir: &Path) -> Result<(), ConfigError> {
    DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)
        .map_err(|e| ConfigError::io("create the directory", dir, e))
}

/// Reads a whole regular file; `Ok(None)` when it does not exist.
///
/// The file type is checked before opening: opening a FIFO for reading blocks until a writer
/// comes, so a FIFO put in place of a config file would hang every command and the daemon.
pub fn read_if_exists(path: &Path) -> Result<Option<Vec<u8>>, ConfigError> {
    match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => {
            return Err(ConfigError::NotAFile {
                path: path.to_path_buf(),
                kind: file_kind(&meta.file_type()),
            });
        }
        Ok(_) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(ConfigError::io("read", path, e)),
    }
    match std::fs::read(path) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ConfigError::io("read", path, e)),
    }
}

fn file_kind(kind: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_block_device() || kind.is_char_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// Removes the temp files [`write_atomic`] left in `dir` for the files named `targets`
/// (`.<target>.<random>.tmp`) when a write was killed before its rename.
///
/// Call it only while holding the lock that guards writes of those files: then no live write
/// can own one of them, so each is stale. A leftover may hold a secret (an unused age identity,
/// the encrypted secrets), which is why they are not left to accumulate.
pub fn sweep_stale_temp_files(dir: &Path, targets: &[&str]) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        let ours = targets.iter().any(|target| {
            name.strip_prefix('.')
                .and_then(|rest| rest.strip_prefix(*target))
                .and_then(|rest| rest.strip_prefix('.'))
                .is_some_and(|rest| rest.ends_with(".tmp") && !rest.contains('/'))
        });
        if ours && entry.file_type().is_ok_and(|kind| kind.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An exclusive lock on a lock file, held until dropped.
///
/// `std::fs::File::lock` is an advisory lock on the open file description, so it serializes
/// both other processes and other threads that open the same lock file.
#[derive(Debug)]
pub struct FileLock {
    file: File,
}

impl FileLock {
    /// Blocks until the exclusive lock on `path` is held; creates the file (0600) if needed.
    pub fn acquire(path: &Path) -> Result<Self, ConfigError> {
        create_private_dir(&parent_dir(path))?;
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .mode(FILE_MODE)
            .open(path)
            .map_err(|e| ConfigError::io("open the lock file", path, e))?;
        file.lock().map_err(|e| ConfigError::io("lock", path, e))?;
        Ok(Self { file })
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        // Closing the file releases the lock too; unlocking first makes the release explicit.
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests;
