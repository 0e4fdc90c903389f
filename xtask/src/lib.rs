//! netclaw's developer tasks as a library, so the workspace tests can run the same checks as `cargo xtask`.

pub mod cli;
pub mod demo;
pub mod fuzz;
pub mod layering;
pub mod migrate;
pub mod tidy;
pub mod update_openai_models;

use std::path::PathBuf;

/// The workspace root (the directory above `xtask/`).
pub fn workspace_root() -> PathBuf {
    let xtask_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().map(PathBuf::from).unwrap_or(xtask_dir)
}

/// An error with a hint naming what fixes it (printed as `hint: …`).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Hinted {
    /// What went wrong.
    pub message: String,
    /// What to run or pass instead.
    pub hint: String,
}

impl Hinted {
    /// `message` with `hint`.
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            hint: hint.into(),
        }
    }
}
