//! Fuzz target `codex_models`: arbitrary bytes into `netclaw_providers::fuzzing::codex_models`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netclaw_providers::fuzzing::codex_models(data));
