//! Integration tests of netclaw-oauth against loopback servers: wiremock for the authorization
//! server, a real reqwest client for the browser hitting the real callback listener.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod callback;
mod device_openai;
mod device_rfc8628;
mod discovery;
mod registry;
mod support;
mod tokens;
