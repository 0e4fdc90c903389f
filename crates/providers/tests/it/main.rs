//! netclaw-providers integration tests against loopback servers.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod catalog;
mod chat;
mod copilot;
