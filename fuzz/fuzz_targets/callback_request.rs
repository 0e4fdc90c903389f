//! Fuzz target `callback_request`: arbitrary bytes into `netclaw_oauth::fuzzing::callback_request`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netclaw_oauth::fuzzing::callback_request(data));
