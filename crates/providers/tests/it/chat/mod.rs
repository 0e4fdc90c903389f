//! Chat clients against loopback servers: exact requests, recorded streams, Codex backend
//! rules, credential renewal, retries, and streaming without buffering.

mod codex;
mod echo;
mod recorded;
mod requests;
mod retries;
mod streaming;
mod support;
