//! Fuzz target `pasted_redirect`: arbitrary bytes into `netclaw_oauth::fuzzing::pasted_redirect`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netclaw_oauth::fuzzing::pasted_redirect(data));
