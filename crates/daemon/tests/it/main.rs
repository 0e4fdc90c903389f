//! netclaw-daemon integration tests: the router without a socket, and real daemons on loopback.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod accounts;
mod chat;
mod connections;
mod disconnect;
mod fallback;
mod gateway;
mod in_memory;
mod keys;
mod lifecycle;
mod logs;
mod messages;
mod oauth;
mod providers;
mod refresh;
mod relay;
mod sdk;
mod security;
mod support;
mod usage;
