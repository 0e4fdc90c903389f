//! Fuzz target `chat_wire`: arbitrary bytes into `netclaw_providers::fuzzing::chat_wire`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| netclaw_providers::fuzzing::chat_wire(data));
