//! Integration tests for netclaw-config: real files in temp dirs, real age encryption, real locks.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod age_cli;
mod common;
mod concurrency;
mod corrupt;
mod crash;
mod env_layering;
mod hostile_files;
mod migration;
mod parse_errors;
mod permissions;
mod roundtrip;
mod two_file_save;
mod unknown_keys;
mod writers;
