//! `cargo xtask demo` (in-process, with the binaries this test run uses) exits 0, streams an
//! answer through the CLI and through the gateway, and removes its temporary home.

use std::process::ExitCode;

use netclaw_config::EnvSnapshot;
use xtask::demo::fake_vendor::answer;
use xtask::demo::{CLI_PROMPT, GATEWAY_PROMPT};

use super::support::bin_dir;

#[test]
fn demo_exits_0_and_prints_streamed_answers_through_the_cli_and_the_gateway() {
    let env = EnvSnapshot::capture();
    let env = EnvSnapshot::from_pairs([("PATH", env.get("PATH").unwrap_or("/usr/bin:/bin"))]);
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let dir = bin_dir().display().to_string();
    let code = xtask::cli::run(
        ["cargo xtask", "demo", "--bin-dir", &dir],
        &env,
        &mut out,
        &mut err,
    );
    let out = String::from_utf8(out).unwrap();
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, ExitCode::SUCCESS, "{out}\n--- stderr\n{err}");
    // The CLI's streamed answer, printed as it came, and the model that gave it.
    assert!(out.contains(&answer(CLI_PROMPT)), "{out}");
    assert!(out.contains("through the daemon"), "{out}");
    // The Codex-shaped side answered through the ChatGPT-subscription provider.
    assert!(out.contains("chatgpt/gpt-demo:"), "{out}");
    // The gateway's server-sent events, one delta per word, then the end.
    assert!(out.contains("$ curl -sN http://127.0.0.1:"), "{out}");
    let first_word = &xtask::demo::fake_vendor::answer_deltas(GATEWAY_PROMPT)[0];
    assert!(
        out.contains(&format!("\"delta\":{{\"content\":\"{first_word}\"}}")),
        "{out}"
    );
    assert!(out.contains("data: [DONE]"), "{out}");
    assert!(out.contains("netclaw init"), "{out}");
    // The temporary home is gone.
    let home = out
        .lines()
        .find_map(|l| l.strip_prefix("==> Temporary netclaw home "))
        .unwrap();
    assert!(
        !std::path::Path::new(home).exists(),
        "{home} was left behind"
    );
}
