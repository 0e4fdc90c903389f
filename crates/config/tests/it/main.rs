//! Integration tests for netclaw-config: real files in temp dirs, real age encryption.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
