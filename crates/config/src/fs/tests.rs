//! Unit tests for the atomic write path and the lock file.

use std::os::unix::fs::PermissionsExt;

use super::*;

#[test]
fn write_atomic_creates_private_parent_and_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a/b/file.json");
    write_atomic(&path, b"hello").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"hello");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&tmp.path().join("a")), 0o700);
    assert_eq!(mode(&tmp.path().join("a/b")), 0o700);
}

#[test]
fn write_atomic_replaces_and_leaves_no_temp_files() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("f");
    write_atomic(&path, b"one").unwrap();
    write_atomic(&path, b"two").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"two");
    let names: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from("f")]);
}

#[test]
fn lock_file_is_created_private() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("cfg/.lock");
    let lock = FileLock::acquire(&path).unwrap();
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    drop(lock);
    // A second acquisition after release does not block.
    FileLock::acquire(&path).unwrap();
}
