//! Fuzz target `jwt_claims`: arbitrary bytes into `netclaw_oauth::fuzzing::jwt_claims`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netclaw_oauth::fuzzing::jwt_claims(data));
