//! End to end through the real `netclaw` and `netclaw-daemon` binaries on temp homes, with
//! the demo vendor (or wiremock) on loopback standing in for the real vendors.

mod anthropic_sdk;
mod chatgpt;
mod claude_code;
mod codex_cli;
mod corrupt_secrets;
mod crash;
mod daemon_start;
mod demo;
mod oidc_peer;
mod openai_sdk;
mod standard_oauth;
mod support;
