//! `cargo xtask tidy`: source rules no compiler checks (module docs, banned test attributes, env reads, secret exposure).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Directories never scanned.
const SKIPPED_DIRS: &[&str] = &["target", ".git", "node_modules"];

/// The one file allowed to read the process environment.
const ENV_READER: &str = "crates/config/src/env.rs";

/// Files allowed to call `expose_secret`: where a secret becomes a header, a request body, or
/// bytes in the secrets file. Everything else handles `SecretString` opaquely.
const EXPOSE_SECRET_ALLOWED: &[&str] = &[
    // netclaw-config: the secrets file's JSON and the age identity file; hashing a presented
    // gateway key to compare it with the stored hash.
    "crates/config/src/secret_serde.rs",
    "crates/config/src/gateway_keys.rs",
    "crates/config/src/secrets/identity.rs",
    // netclaw-oauth: form and JSON bodies sent to the token, device and revocation endpoints,
    // the PKCE verifier, and JWT claims read from the tokens it just received.
    "crates/oauth/src/client.rs",
    "crates/oauth/src/pkce.rs",
    "crates/oauth/src/token.rs",
    "crates/oauth/src/device/rfc8628.rs",
    "crates/oauth/src/device/openai.rs",
    // netclaw-providers: request headers of probes and chat clients; the account id claim;
    // comparing a rejected token with the stored one; redacting a key echoed back by a server.
    "crates/providers/src/probe/anthropic.rs",
    "crates/providers/src/probe/compatible.rs",
    "crates/providers/src/probe/gemini.rs",
    "crates/providers/src/probe/copilot.rs",
    "crates/providers/src/probe/hosted.rs",
    "crates/providers/src/probe/openai.rs",
    "crates/providers/src/probe/openrouter.rs",
    "crates/providers/src/redact.rs",
    "crates/providers/src/copilot.rs",
    "crates/providers/src/usage/fetch.rs",
    "crates/providers/src/chat/anthropic/mod.rs",
    "crates/providers/src/chat/responses/mod.rs",
    "crates/providers/src/credentials/account_id.rs",
    "crates/providers/src/credentials/config_store.rs",
    "crates/providers/src/credentials/manager.rs",
    // netclaw-daemon: the run/daemon.token file, its constant-time check, the client's header.
    "crates/daemon/src/run_files.rs",
    "crates/daemon/src/security.rs",
    "crates/daemon/src/client.rs",
    // netclaw-cli: checking that a key typed or piped in is not empty; printing a new gateway
    // key the one time it is shown, or writing it into a client's settings.
    "crates/cli/src/commands/provider/add.rs",
    "crates/cli/src/commands/key.rs",
    "crates/cli/src/commands/gateway.rs",
    "crates/cli/src/commands/secrets.rs",
    // xtask update-openai-models: the live Codex `/models` request's bearer header.
    "xtask/src/update_openai_models/fetch.rs",
];

/// The daemon's HTTP modules: the only library code that may use axum. What they serve sits
/// below them (the state, OAuth flows, refresh, the file watcher, the providers runtime) and
/// knows nothing of HTTP, so it can be driven and tested without a router.
const AXUM_ALLOWED: &[&str] = &[
    "crates/daemon/src/lib.rs",
    "crates/daemon/src/server.rs",
    "crates/daemon/src/connections.rs",
    "crates/daemon/src/security.rs",
    "crates/daemon/src/error.rs",
    "crates/daemon/src/fallback.rs",
    "crates/daemon/src/routes/",
    "crates/daemon/src/gateway/",
];

/// True when `rel` is library code of a netclaw crate (not a test, bench, example or xtask).
fn is_library_source(rel: &str) -> bool {
    rel.starts_with("crates/") && rel.contains("/src/") && !is_test_path(rel)
}

/// Every broken rule in the workspace, as `path:line: what` lines.
pub fn violations(root: &Path) -> anyhow::Result<Vec<String>> {
    let mut files = Vec::new();
    collect_rust_files(root, &mut files)?;
    files.sort();
    let mut found = Vec::new();
    for file in files {
        let text =
            fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let rel = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        check_file(&rel, &text, &mut found);
    }
    Ok(found)
}

/// The rules for one file; `rel` is its path from the workspace root with `/` separators.
pub fn check_file(rel: &str, text: &str, found: &mut Vec<String>) {
    if !text.starts_with("//!") {
        found.push(format!(
            "{rel}:1: does not start with a `//!` line saying what the file is for"
        ));
    }
    let banned_attrs = [concat!("#[", "ignore"), concat!("#[", "should_panic")];
    let env_reads = [
        concat!("env::", "var("),
        concat!("env::", "var_os("),
        concat!("env::", "vars("),
    ];
    let expose = concat!("expose_", "secret");
    for (index, line) in text.lines().enumerate() {
        let n = index + 1;
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        for attr in banned_attrs {
            if code.contains(attr) {
                found.push(format!(
                    "{rel}:{n}: `{attr}]` is banned: a test must run and be able to fail"
                ));
            }
        }
        if rel != ENV_READER && env_reads.iter().any(|p| code.contains(p)) {
            found.push(format!(
                "{rel}:{n}: reads the environment; use `netclaw_config::EnvSnapshot`"
            ));
        }
        if code.contains("axum")
            && is_library_source(rel)
            && !AXUM_ALLOWED.iter().any(|allowed| rel.starts_with(allowed))
        {
            found.push(format!(
                "{rel}:{n}: uses axum outside the daemon's HTTP modules (see `AXUM_ALLOWED` in xtask/src/tidy.rs)"
            ));
        }
        if code.contains(expose) && !EXPOSE_SECRET_ALLOWED.contains(&rel) && !is_test_path(rel) {
            found.push(format!(
                "{rel}:{n}: calls `{expose}` outside the places that write headers or files (see `EXPOSE_SECRET_ALLOWED` in xtask/src/tidy.rs)"
            ));
        }
    }
}

/// Tests may look at secrets to assert on them.
fn is_test_path(rel: &str) -> bool {
    rel.contains("/tests/")
        || rel.starts_with("tests/")
        || rel.ends_with("/tests.rs")
        || rel.contains("/benches/")
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        if entry.file_type()?.is_dir() {
            if !SKIPPED_DIRS.iter().any(|s| name == *s) {
                collect_rust_files(&path, out)?;
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}
