//! Running the real `netclaw` binary against a temp home with a cleared environment.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The API key every test uses; it must never show up in any output.
pub(crate) const KEY: &str = "sk-test-SECRET-7d1e9b";

/// A temp netclaw home and the environment the binary runs with.
pub(crate) struct Netclaw {
    home: tempfile::TempDir,
    env: Vec<(String, String)>,
}

pub(crate) use netclaw_test_support::Run;

impl Netclaw {
    pub(crate) fn new() -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
            env: vec![("NO_COLOR".into(), "1".into())],
        }
    }

    /// Adds provider `name`, an OpenAI-compatible server at `server` (`…/v1` appended) with no
    /// credential, and fails the test unless its live check passes.
    pub(crate) async fn add_compatible(&self, name: &str, server: &str) {
        let endpoint = format!("{server}/v1");
        self.run(
            &[
                "provider",
                "add",
                name,
                "openai-compatible",
                "--endpoint",
                &endpoint,
            ],
            "",
        )
        .await
        .expect_code(0);
    }

    /// Sets the model of `role` (`main`, `fallback`, `compaction`), failing the test otherwise.
    pub(crate) async fn set_model(&self, role: &str, model: &str) {
        self.run(&["model", "set", role, model], "")
            .await
            .expect_code(0);
    }

    /// Adds an environment variable for every later run.
    pub(crate) fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    pub(crate) fn home(&self) -> &Path {
        self.home.path()
    }

    pub(crate) fn config_file(&self) -> PathBuf {
        self.home().join("config/netclaw.json")
    }

    pub(crate) fn config_json(&self) -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(self.config_file()).unwrap()).unwrap()
    }

    /// Rewrites `netclaw.json` with `edit` applied to it, as a user's editor would.
    pub(crate) fn edit_config(&self, edit: impl FnOnce(&mut serde_json::Value)) {
        let mut config = self.config_json();
        edit(&mut config);
        let bytes = serde_json::to_vec_pretty(&config).unwrap();
        netclaw_config::fs::write_atomic(&self.config_file(), &bytes).unwrap();
    }

    /// A command for the binary with only our environment and `--home`, its stdio piped.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut command = self.bare_command(args);
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// A command for the binary with only our environment and `--home`, its stdio inherited
    /// (a pseudo-terminal sets them up).
    pub(crate) fn bare_command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_netclaw"));
        command
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .arg("--home")
            .arg(self.home())
            .args(args);
        command
    }

    /// Runs `netclaw args…` with `stdin`, on a blocking thread so loopback servers keep serving;
    /// fails the test when the API key shows in the output.
    pub(crate) async fn run(&self, args: &[&str], stdin: &str) -> Run {
        netclaw_test_support::run_to_end(self.bare_command(args), stdin, KEY).await
    }
}
