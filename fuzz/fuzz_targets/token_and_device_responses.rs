//! Fuzz target `token_and_device_responses`: arbitrary bytes into `netclaw_oauth::fuzzing::token_and_device_responses`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netclaw_oauth::fuzzing::token_and_device_responses(data));
