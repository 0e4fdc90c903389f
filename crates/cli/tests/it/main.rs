//! End-to-end tests of the `netclaw` binary: real processes, temp homes, loopback vendors.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;
mod vendors;

mod accounts;
mod chat;
mod config_commands;
mod copilot;
mod doctor;
mod edge;
mod fallback;
mod gateway_setup;
mod hostile_files;
mod import;
mod init;
mod keys;
mod oauth;
mod parity;
mod providers;
mod refresh_promises;
#[cfg(unix)]
mod repl;
mod usage;
mod vendor_types;
