//! Every fuzz target's seed corpus (and every reproducer a fuzzing run found, kept there as a
//! regression) goes through its parser without a panic, and every target has seeds. This also
//! keeps the entry points of `fuzz/` compiling with the rest of the workspace.

use std::path::Path;

fn entry(target: &str) -> fn(&[u8]) {
    match target {
        "pasted_redirect" => netclaw_oauth::fuzzing::pasted_redirect,
        "callback_request" => netclaw_oauth::fuzzing::callback_request,
        "jwt_claims" => netclaw_oauth::fuzzing::jwt_claims,
        "token_and_device_responses" => netclaw_oauth::fuzzing::token_and_device_responses,
        "chat_wire" => netclaw_providers::fuzzing::chat_wire,
        "codex_models" => netclaw_providers::fuzzing::codex_models,
        "config_file" => netclaw_config::fuzzing::config_file,
        "secrets_file" => netclaw_config::fuzzing::secrets_file,
        other => panic!("no entry point for fuzz target `{other}`"),
    }
}

#[test]
fn every_seed_of_every_fuzz_target_parses_without_a_panic() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/seeds");
    for target in xtask::fuzz::TARGETS {
        let run = entry(target);
        let dir = seeds.join(target);
        let mut count = 0;
        for file in std::fs::read_dir(&dir).unwrap() {
            let bytes = std::fs::read(file.unwrap().path()).unwrap();
            run(&bytes);
            // Cut short at every length up to 64 bytes too: truncations are where parsers slip.
            for cut in 0..bytes.len().min(64) {
                run(&bytes[..cut]);
            }
            count += 1;
        }
        assert!(count > 0, "`{}` has no seeds", dir.display());
        let target_file = seeds.join(format!("../fuzz_targets/{target}.rs"));
        assert!(target_file.exists(), "{} is missing", target_file.display());
    }
}
