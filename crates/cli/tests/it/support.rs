//! Running the real `netclaw` binary against a temp home with a cleared environment.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The API key every test uses; it must never show up in any output.
pub(crate) const KEY: &str = "sk-test-SECRET-7d1e9b";

/// A temp netclaw home and the environment the binary runs with.
pub(crate) struct Netclaw {
    home: tempfile::TempDir,
    env: Vec<(String, String)>,
}

/// What a run of `netclaw` produced.
#[derive(Debug)]
pub(crate) struct Run {
    pub(crate) code: i32,
    pub(crate) stdout: String,
    pub(crate) stderr: String,
}

impl Run {
    /// Fails the test, showing the output, when the exit code is not `code`.
    #[track_caller]
    pub(crate) fn expect_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "exit code\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Parses stdout as JSON.
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }

    /// True when `needle` appears on stdout or stderr.
    pub(crate) fn mentions(&self, needle: &str) -> bool {
        self.stdout.contains(needle) || self.stderr.contains(needle)
    }
}

impl Netclaw {
    pub(crate) fn new() -> Self {
        Self {
            home: tempfile::tempdir().unwrap(),
            env: vec![("NO_COLOR".into(), "1".into())],
        }
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

    /// Runs `netclaw args…` with `stdin`, on a blocking thread so loopback servers keep serving.
    pub(crate) async fn run(&self, args: &[&str], stdin: &str) -> Run {
        let mut command = self.command(args);
        let stdin = stdin.to_owned();
        let output = tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().unwrap();
            let written = child.stdin.take().unwrap().write_all(stdin.as_bytes());
            // A command that fails before reading its input closes the pipe first.
            if let Err(error) = written {
                assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe, "{error}");
            }
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap();
        let run = Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        assert!(
            !run.mentions(KEY),
            "the API key leaked:\n--- stdout\n{}\n--- stderr\n{}",
            run.stdout,
            run.stderr
        );
        run
    }
}
