//! Fuzz target `config_file`: arbitrary bytes into `netclaw_config::fuzzing::config_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netclaw_config::fuzzing::config_file(data));
