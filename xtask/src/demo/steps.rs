//! The demo's steps: each a real `netclaw` command, shown as `$ netclaw …` with its output.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, bail};
use netclaw_config::EnvSnapshot;

use super::fake_vendor::{CODEX_MODELS, COMPATIBLE_MODEL, FakeVendor};
use super::{Binaries, CLI_PROMPT};

/// The binaries, the temporary home and the environment every command runs with.
#[derive(Debug)]
pub(super) struct Session<'a> {
    binaries: &'a Binaries,
    home: &'a Path,
    env: Vec<(String, String)>,
}

/// `arg` as a shell would need it quoted.
pub(super) fn shell_quote(arg: &str) -> String {
    let plain = !arg.is_empty()
        && arg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c));
    if plain {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

impl<'a> Session<'a> {
    /// Commands see only `PATH` from `env` (no `NETCLAW_*` setting of the user leaks in), no
    /// colours, and the daemon binary that was built.
    pub(super) fn new(binaries: &'a Binaries, home: &'a Path, env: &EnvSnapshot) -> Self {
        let mut vars = vec![
            ("NO_COLOR".to_owned(), "1".to_owned()),
            (
                "NETCLAW_DAEMON_BIN".to_owned(),
                binaries.daemon.display().to_string(),
            ),
        ];
        if let Some(path) = env.get("PATH") {
            vars.push(("PATH".to_owned(), path.to_owned()));
        }
        Self {
            binaries,
            home,
            env: vars,
        }
    }

    /// The temporary home.
    pub(super) fn home(&self) -> &Path {
        self.home
    }

    /// Runs `netclaw --home <home> args…`, copying its stdout to `out` as it arrives (a chat
    /// answer shows word by word), then its stderr; fails when it exits non-zero.
    pub(super) fn netclaw(&self, args: &[&str], out: &mut dyn Write) -> anyhow::Result<()> {
        let shown: Vec<String> = args.iter().map(|a| shell_quote(a)).collect();
        writeln!(out, "$ netclaw {}", shown.join(" "))?;
        out.flush()?;
        let mut child = Command::new(&self.binaries.netclaw)
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .arg("--home")
            .arg(self.home)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run `{}`", self.binaries.netclaw.display()))?;
        let mut stderr = child
            .stderr
            .take()
            .context("the child's stderr is missing")?;
        let stderr_reader = std::thread::spawn(move || {
            let mut text = String::new();
            // A child whose stderr is not UTF-8 shows what could be read.
            let _ = stderr.read_to_string(&mut text);
            text
        });
        let mut stdout = child
            .stdout
            .take()
            .context("the child's stdout is missing")?;
        let mut chunk = [0_u8; 256];
        loop {
            let read = stdout.read(&mut chunk)?;
            if read == 0 {
                break;
            }
            out.write_all(&chunk[..read])?;
            out.flush()?;
        }
        let status = child.wait()?;
        let stderr = stderr_reader.join().unwrap_or_default();
        out.write_all(stderr.as_bytes())?;
        writeln!(out)?;
        if !status.success() {
            bail!("`netclaw {}` failed ({status})", shown.join(" "));
        }
        Ok(())
    }
}

/// Every step after the vendor and the home exist.
pub(super) fn run_all(
    session: &Session<'_>,
    vendor: &FakeVendor,
    runtime: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let uri = vendor.uri();
    let codex = vendor.codex_endpoint();
    writeln!(out, "==> Start the daemon on a free port")?;
    session.netclaw(&["daemon", "start", "--port", "0"], out)?;
    writeln!(
        out,
        "==> Add an OpenAI-compatible provider (probed live before anything is written)"
    )?;
    session.netclaw(
        &[
            "provider",
            "add",
            "demo",
            "openai-compatible",
            "--auth",
            "none",
            "--endpoint",
            &uri,
        ],
        out,
    )?;
    writeln!(
        out,
        "==> Add OpenAI by ChatGPT subscription: device-code login against the demo issuer\n    \
         (it approves the code by itself; a real login asks you to open the link)"
    )?;
    session.netclaw(
        &[
            "provider",
            "add",
            "chatgpt",
            "openai",
            "--auth",
            "device",
            "--issuer",
            &uri,
            "--endpoint",
            &codex,
        ],
        out,
    )?;
    writeln!(out, "==> Every provider's models, with context windows")?;
    session.netclaw(&["model", "list"], out)?;
    let main = format!("demo/{COMPATIBLE_MODEL}");
    session.netclaw(&["model", "set", "main", &main], out)?;
    writeln!(out, "==> Chat through the daemon; the answer streams")?;
    session.netclaw(&["chat", "-v", CLI_PROMPT], out)?;
    let codex_model = format!("chatgpt/{}", CODEX_MODELS[0].0);
    session.netclaw(
        &[
            "chat",
            "-v",
            "-m",
            &codex_model,
            "And through the Codex backend?",
        ],
        out,
    )?;
    writeln!(
        out,
        "==> Any OpenAI client can use the daemon's gateway; the same request with curl:"
    )?;
    runtime.block_on(super::gateway::show(session.home(), &main, out))?;
    writeln!(out, "==> Stop the daemon")?;
    Ok(())
}
