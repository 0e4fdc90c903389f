//! netclaw-test-support: what the test suites of the workspace share, so each crate's tests
//! set up a home, run a binary or answer like a vendor the same way. A dev-dependency only:
//! `cargo xtask tidy`'s arrow check refuses it as a normal dependency.
#![allow(clippy::unwrap_used, reason = "a failed set-up is a failed test")]

mod home;
mod run;
mod sse;

pub use home::TempHome;
pub use run::{Run, run_to_end};
pub use sse::{sse, sse_text};

/// `text` with every occurrence of `uri` (a loopback server's random address) replaced by
/// `[server]`, for snapshots that must not depend on the port.
pub fn without_uri(text: &str, uri: &str) -> String {
    text.replace(uri, "[server]")
}
