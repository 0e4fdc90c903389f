//! netclaw's developer tasks as a library, so the workspace tests can run the same checks as `cargo xtask`.

pub mod layering;
pub mod tidy;

use std::path::PathBuf;

/// The workspace root (the directory above `xtask/`).
pub fn workspace_root() -> PathBuf {
    let xtask_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().map(PathBuf::from).unwrap_or(xtask_dir)
}
