//! The real binaries on a temp home: finding them, running `netclaw` commands, and a
//! `netclaw-daemon` child whose log lines the test can wait for.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use netclaw_config::{EnvSnapshot, Paths};
use tokio::sync::watch;

/// The API key the key-based scenarios use; it must never show up in any output.
pub(crate) const KEY: &str = "sk-e2e-SECRET-4f2a9c";

/// The directory holding `netclaw` and `netclaw-daemon`: the test binary lives in
/// `target/<profile>/deps/`, the binaries one level up. `cargo nextest run --workspace` builds
/// them (netclaw-cli and netclaw-daemon have integration tests); when they are missing (only
/// this package was built) they are built here once.
pub(crate) fn bin_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let dir = exe.parent().unwrap().parent().unwrap().to_path_buf();
        if !(dir.join("netclaw").is_file() && dir.join("netclaw-daemon").is_file()) {
            let target_dir = dir.parent().unwrap();
            let profile = match dir.file_name().unwrap().to_str().unwrap() {
                "debug" => "dev",
                other => other,
            };
            let status = Command::new(env!("CARGO"))
                .args([
                    "build",
                    "-p",
                    "netclaw-cli",
                    "-p",
                    "netclaw-daemon",
                    "--bins",
                ])
                .arg("--profile")
                .arg(profile)
                .arg("--target-dir")
                .arg(target_dir)
                .current_dir(xtask::workspace_root())
                .status()
                .unwrap();
            assert!(status.success(), "building the binaries failed");
        }
        dir
    })
}

pub(crate) use netclaw_test_support::Run;

/// A temp netclaw home and the environment the binaries run with (nothing from the test's
/// own environment but `PATH`).
pub(crate) struct Home {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Home {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut env = vec![
            ("NO_COLOR".to_owned(), "1".to_owned()),
            ("HOME".to_owned(), dir.path().display().to_string()),
        ];
        if let Some(path) = EnvSnapshot::capture().get("PATH") {
            env.push(("PATH".to_owned(), path.to_owned()));
        }
        Self { dir, env }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sets a variable in the binaries' environment.
    pub(crate) fn set_env(&mut self, name: &str, value: &str) {
        self.env.push((name.to_owned(), value.to_owned()));
    }

    /// Rewrites `netclaw.json` through `edit`, the way a user's editor would.
    pub(crate) fn edit_config(&self, edit: impl FnOnce(&mut serde_json::Value)) {
        let file = self.paths().config_file();
        let mut config: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        edit(&mut config);
        netclaw_config::fs::write_atomic(&file, &serde_json::to_vec_pretty(&config).unwrap())
            .unwrap();
    }

    pub(crate) fn paths(&self) -> Paths {
        Paths::at(self.path())
    }

    /// The environment the binaries see, for loading the files the way they do.
    pub(crate) fn env_snapshot(&self) -> EnvSnapshot {
        EnvSnapshot::from_pairs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The effective configuration, secrets decrypted (fails the test when they do not).
    pub(crate) fn load(&self) -> netclaw_config::Config {
        netclaw_config::Config::load(&self.paths(), &self.env_snapshot()).unwrap()
    }

    /// Configures `name`, an `openai` provider logged in through a ChatGPT subscription whose
    /// Codex backend and OAuth server are at `server` (access token `access`, account
    /// `acct-e2e`, valid for hours), the way a finished login leaves it.
    pub(crate) fn add_chatgpt(&self, name: &str, server: &str, access: &str) {
        self.add_chatgpt_account(name, None, server, access, "acct-e2e");
    }

    /// Adds account `account` (`None`: the provider's default one) to ChatGPT provider `name`
    /// at `server`, logged in as ChatGPT account `account_id`.
    pub(crate) fn add_chatgpt_account(
        &self,
        name: &str,
        account: Option<&str>,
        server: &str,
        access: &str,
        account_id: &str,
    ) {
        use netclaw_config::{
            AuthMethod, ConfigStore, CredentialWrite, OAuthOverrides, OAuthTokens, ProviderEntry,
            ProviderWrite,
        };
        use secrecy::SecretString;
        let mut entry = ProviderEntry::new("openai");
        entry.auth_method = AuthMethod::OAuthPkce;
        entry.endpoint = Some(format!("{server}/backend-api/codex"));
        entry.oauth = Some(OAuthOverrides {
            issuer: Some(server.to_owned()),
            ..OAuthOverrides::default()
        });
        let tokens = OAuthTokens {
            access_token: SecretString::from(access),
            refresh_token: Some(SecretString::from(format!("{access}-refresh"))),
            id_token: None,
            account_id: Some(SecretString::from(account_id)),
            expires_at: Some(jiff::Timestamp::now() + jiff::SignedDuration::from_hours(8)),
        };
        let credentials = CredentialWrite::OAuth(tokens);
        ConfigStore::new(self.paths(), &self.env_snapshot())
            .write_account(name, account, ProviderWrite { entry, credentials })
            .unwrap();
    }

    /// `netclaw --home <home> args…`, stdin/stdout/stderr piped.
    pub(crate) fn netclaw(&self, args: &[&str]) -> Command {
        let mut command = Command::new(bin_dir().join("netclaw"));
        command
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .arg("--home")
            .arg(self.path())
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs `netclaw args…` with `stdin` to the end, on a blocking thread so loopback
    /// servers of the test keep serving; fails the test when the API key shows.
    pub(crate) async fn run(&self, args: &[&str], stdin: &str) -> Run {
        netclaw_test_support::run_to_end(self.netclaw(args), stdin, KEY).await
    }

    /// Starts `netclaw-daemon --home <home> --port 0 --foreground` and waits until it listens.
    pub(crate) async fn start_daemon(&self) -> Daemon {
        let mut child = Command::new(bin_dir().join("netclaw-daemon"))
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .arg("--home")
            .arg(self.path())
            .args(["--port", "0", "--foreground"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let (lines, _) = watch::channel(0_usize);
        let lines = Arc::new(lines);
        let ended = Arc::new(AtomicBool::new(false));
        {
            let log = Arc::clone(&log);
            let lines = Arc::clone(&lines);
            let ended = Arc::clone(&ended);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines() {
                    let Ok(line) = line else { break };
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                    lines.send_modify(|n| *n += 1);
                }
                // End of the log: wake waiters so they can report instead of hanging.
                ended.store(true, Ordering::SeqCst);
                lines.send_modify(|n| *n += 1);
            });
        }
        let daemon = Daemon {
            child: Some(child),
            log,
            lines,
            ended,
        };
        within(
            "the daemon to listen",
            daemon.wait_for_log("daemon listening"),
        )
        .await;
        daemon
    }
}

/// A `netclaw-daemon` child; killed when dropped.
pub(crate) struct Daemon {
    child: Option<Child>,
    log: Arc<Mutex<String>>,
    lines: Arc<watch::Sender<usize>>,
    ended: Arc<AtomicBool>,
}

impl Daemon {
    /// Everything it logged so far.
    pub(crate) fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until its log contains `needle`; fails the test when the log ends first.
    pub(crate) async fn wait_for_log(&self, needle: &str) {
        let mut lines = self.lines.subscribe();
        loop {
            if self.log().contains(needle) {
                return;
            }
            assert!(
                !self.ended.load(Ordering::SeqCst),
                "the daemon's log ended without `{needle}`:\n{}",
                self.log()
            );
            lines.changed().await.unwrap();
        }
    }

    /// Its pid.
    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().unwrap().id()
    }

    /// `kill -9`, and waits for the process to be gone.
    pub(crate) fn kill_9(&mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(9)
        );
    }

    /// SIGTERM, and waits for a clean exit.
    pub(crate) async fn stop(mut self) {
        let mut child = self.child.take().unwrap();
        let status = tokio::task::spawn_blocking(move || {
            let sent = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status()
                .unwrap();
            assert!(sent.success());
            child.wait().unwrap()
        })
        .await
        .unwrap();
        assert!(
            status.success(),
            "the daemon exited with {status}:\n{}",
            self.log()
        );
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A spawned `netclaw` whose stdout the test reads while it runs.
pub(crate) struct Streaming {
    child: Child,
    stdout: ChildStdout,
    /// What stdout produced so far.
    pub(crate) seen: String,
}

impl Streaming {
    /// Spawns `command` with its stdin closed.
    pub(crate) fn spawn(mut command: Command) -> Self {
        let mut child = command.spawn().unwrap();
        drop(child.stdin.take());
        let stdout = child.stdout.take().unwrap();
        Self {
            child,
            stdout,
            seen: String::new(),
        }
    }

    /// Reads stdout until it contains `needle` (blocking; call from a blocking thread).
    pub(crate) fn read_until(&mut self, needle: &str) {
        let mut chunk = [0_u8; 256];
        while !self.seen.contains(needle) {
            let read = self.stdout.read(&mut chunk).unwrap();
            assert!(read > 0, "stdout ended before `{needle}`: {}", self.seen);
            self.seen.push_str(&String::from_utf8_lossy(&chunk[..read]));
        }
    }

    /// Reads the rest and waits for the exit; returns the run.
    pub(crate) fn finish(mut self) -> Run {
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        self.seen.push_str(&rest);
        let output = self.child.wait_with_output().unwrap();
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: self.seen,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// `what` must happen within a minute: a bound on a broken behaviour, so a test fails with a
/// message instead of hanging (the waits themselves are on events, never on time).
pub(crate) async fn within<T>(what: &str, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(std::time::Duration::from_secs(60), future)
        .await
        .unwrap_or_else(|_| panic!("waited a minute for {what}"))
}
