//! `cargo xtask demo`: the whole chain on this machine with no account. A local demo vendor
//! (OpenAI-compatible and Codex-shaped, on 127.0.0.1) stands in for the real ones; a daemon
//! runs on a temporary home; providers are added, listed and chatted with through the real
//! `netclaw` binary, then through the daemon's OpenAI-compatible gateway; everything is shut
//! down and the temporary home removed.

mod binaries;
pub mod fake_vendor;
mod gateway;
mod steps;

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use netclaw_config::EnvSnapshot;

pub use binaries::Binaries;
use fake_vendor::{FakeVendor, FakeVendorOptions};

/// `cargo xtask demo` flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct DemoArgs {
    /// Run the `netclaw` and `netclaw-daemon` binaries in DIR instead of building them
    #[arg(long, value_name = "DIR")]
    pub bin_dir: Option<PathBuf>,
}

/// The prompt the demo sends through the CLI.
pub const CLI_PROMPT: &str = "Say hello to a new netclaw user";
/// The prompt the demo sends through the gateway.
pub const GATEWAY_PROMPT: &str = "Hello through the gateway";

/// Runs the demo, writing what happens to `out` (cargo's build progress goes to stderr).
///
/// # Errors
/// Any step that fails: the build, the vendor, a `netclaw` command that exits non-zero, the
/// gateway request. The daemon is stopped and the temporary home removed in every case.
pub fn run(args: &DemoArgs, env: &EnvSnapshot, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "netclaw demo: the whole chain on this machine, no account needed.\n\
         The vendor below is the netclaw demo vendor, a stand-in on 127.0.0.1 with canned answers;\n\
         this is a demo. To set up your real providers run `netclaw init`.\n"
    )?;
    let binaries = match &args.bin_dir {
        Some(dir) => Binaries::in_dir(dir)?,
        None => {
            writeln!(out, "==> Building netclaw and netclaw-daemon")?;
            out.flush()?;
            Binaries::build(env.get("CARGO").unwrap_or("cargo"))?
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let vendor = runtime
        .block_on(FakeVendor::start(FakeVendorOptions::default()))
        .context("cannot start the demo vendor on 127.0.0.1")?;
    writeln!(
        out,
        "==> Demo vendor (OpenAI-compatible and Codex-shaped) listening on {}",
        vendor.uri()
    )?;
    let home = tempfile::Builder::new()
        .prefix("netclaw-demo-")
        .tempdir()
        .context("cannot create a temporary netclaw home")?;
    writeln!(out, "==> Temporary netclaw home {}", home.path().display())?;
    writeln!(
        out,
        "    (every `netclaw` command below runs with `--home {}`)\n",
        home.path().display()
    )?;
    let session = steps::Session::new(&binaries, home.path(), env);
    let outcome = steps::run_all(&session, &vendor, &runtime, out);
    // Stop the daemon whatever happened; `daemon stop` is a no-op when none runs.
    let stopped = session.netclaw(&["daemon", "stop"], out);
    let removed = home.close();
    drop(vendor);
    outcome?;
    stopped?;
    removed.context("cannot remove the temporary netclaw home")?;
    writeln!(
        out,
        "\nDone: the daemon stopped, the demo vendor is gone and the temporary home was removed.\n\
         This was a demo. Start for real with `netclaw init` (or `cargo run -p netclaw-cli -- init`)."
    )?;
    Ok(())
}
