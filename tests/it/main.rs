//! Workspace tests: one binary, one module per scenario.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod e2e;
mod fuzz_seeds;
mod tidy;
mod xtask_migrate;
mod xtask_models;
