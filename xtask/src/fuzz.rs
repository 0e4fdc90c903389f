//! `cargo xtask fuzz`: build the targets in `fuzz/` with cargo-fuzz and run each one for a
//! while, starting from the seed corpora in `fuzz/seeds/<target>`.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::Hinted;

/// The fuzz targets, each a parser of untrusted input (see `fuzz/fuzz_targets`).
pub const TARGETS: [&str; 8] = [
    "pasted_redirect",
    "callback_request",
    "jwt_claims",
    "token_and_device_responses",
    "chat_wire",
    "codex_models",
    "config_file",
    "secrets_file",
];

/// `cargo xtask fuzz` options.
#[derive(Debug, clap::Args)]
pub struct FuzzArgs {
    /// Seconds to run each target
    #[arg(long, default_value_t = 180)]
    pub secs: u64,
    /// Run only this target (repeatable); all of them by default
    #[arg(long = "target", value_name = "NAME")]
    pub targets: Vec<String>,
    /// Build the targets and stop
    #[arg(long)]
    pub build_only: bool,
}

/// Builds every target with `-s none` (the stable toolchain has no sanitizers) and runs the
/// chosen ones one after the other. A crash fails the task, naming the reproducer that
/// libFuzzer saved under `fuzz/artifacts/<target>/`.
pub fn run(args: &FuzzArgs, root: &Path, out: &mut dyn std::io::Write) -> anyhow::Result<()> {
    let fuzz_dir = root.join("fuzz");
    let chosen: Vec<&str> = if args.targets.is_empty() {
        TARGETS.to_vec()
    } else {
        for name in &args.targets {
            if !TARGETS.contains(&name.as_str()) {
                bail!(Hinted::new(
                    format!("no fuzz target named `{name}`"),
                    format!("pick one of: {}", TARGETS.join(", "))
                ));
            }
        }
        args.targets.iter().map(String::as_str).collect()
    };
    let build = Command::new("cargo")
        .args(["fuzz", "build", "-s", "none"])
        .current_dir(&fuzz_dir)
        .status()
        .context("could not run `cargo fuzz`")
        .map_err(|e| {
            e.context(Hinted::new(
                "cargo-fuzz is not installed",
                "install it with `cargo install cargo-fuzz --locked`",
            ))
        })?;
    if !build.success() {
        bail!(Hinted::new(
            "`cargo fuzz build -s none` failed",
            "run it in `fuzz/` to see the compiler's errors; `cargo install cargo-fuzz --locked` if it is missing",
        ));
    }
    if args.build_only {
        writeln!(out, "fuzz: built {} targets", TARGETS.len())?;
        return Ok(());
    }
    for target in chosen {
        let corpus = fuzz_dir.join("corpus").join(target);
        std::fs::create_dir_all(&corpus)
            .with_context(|| format!("could not create `{}`", corpus.display()))?;
        writeln!(out, "fuzz: {target} for {} s", args.secs)?;
        let status = Command::new("cargo")
            .args(["fuzz", "run", "-s", "none", target])
            .arg(&corpus)
            .arg(fuzz_dir.join("seeds").join(target))
            .args([
                "--",
                &format!("-max_total_time={}", args.secs),
                "-print_final_stats=1",
            ])
            .current_dir(&fuzz_dir)
            .status()
            .with_context(|| format!("could not run fuzz target `{target}`"))?;
        if !status.success() {
            bail!(Hinted::new(
                format!("fuzz target `{target}` found a crash"),
                format!(
                    "the input is under `fuzz/artifacts/{target}/`: add it to `fuzz/seeds/{target}/` (the replay test then keeps it as a regression) and fix the parser"
                ),
            ));
        }
    }
    writeln!(out, "fuzz: no crashes")?;
    Ok(())
}
