//! Concurrent writers through the lock lose nothing: threads, and separate processes.

use std::process::Command;

use netclaw_config::{Config, EnvSnapshot, ExposeSecret, Paths};
use pretty_assertions::assert_eq;

use crate::common::{Home, api_key_provider};

const PER_WRITER: usize = 50;
const CHILD_HOME: &str = "NETCLAW_TEST_CHILD_HOME";
const CHILD_PREFIX: &str = "NETCLAW_TEST_CHILD_PREFIX";

fn add_providers(paths: &Paths, prefix: &str) {
    let store = netclaw_config::ConfigStore::new(paths.clone(), &EnvSnapshot::default());
    for i in 0..PER_WRITER {
        let name = format!("{prefix}-{i}");
        store
            .write_provider(&name, api_key_provider("openai", &format!("sk-{name}")))
            .unwrap();
    }
}

fn assert_all_present(paths: &Paths, prefixes: &[&str]) {
    let config = Config::load(paths, &EnvSnapshot::default()).unwrap();
    assert_eq!(config.settings.providers.len(), PER_WRITER * prefixes.len());
    for prefix in prefixes {
        for i in 0..PER_WRITER {
            let name = format!("{prefix}-{i}");
            let (_, _, creds) = config
                .provider(&name)
                .unwrap_or_else(|| panic!("`{name}` is missing"));
            assert_eq!(
                creds
                    .first()
                    .api_key
                    .as_ref()
                    .unwrap()
                    .value
                    .expose_secret(),
                format!("sk-{name}")
            );
        }
    }
}

#[test]
fn two_threads_adding_fifty_providers_each_end_with_all_hundred() {
    let home = Home::new();
    std::thread::scope(|s| {
        for prefix in ["left", "right"] {
            let paths = &home.paths;
            s.spawn(move || add_providers(paths, prefix));
        }
    });
    assert_all_present(&home.paths, &["left", "right"]);
}

/// Run alone, this adds fifty providers to its own home. The cross-process test below runs
/// this same test binary twice at once, pointing both children at one shared home.
#[test]
fn child_adds_fifty_providers() {
    let env = EnvSnapshot::capture();
    let own = Home::new();
    let paths = env
        .get(CHILD_HOME)
        .map_or_else(|| own.paths.clone(), Paths::at);
    let prefix = env.get(CHILD_PREFIX).unwrap_or("solo").to_owned();
    add_providers(&paths, &prefix);
    if env.get(CHILD_HOME).is_none() {
        assert_all_present(&paths, &["solo"]);
    }
}

#[test]
fn two_processes_adding_fifty_providers_each_end_with_all_hundred() {
    let home = Home::new();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["proc-a", "proc-b"]
        .into_iter()
        .map(|prefix| {
            Command::new(&exe)
                .args([
                    "concurrency::child_adds_fifty_providers",
                    "--exact",
                    "--test-threads=1",
                ])
                .env(CHILD_HOME, home.paths.home())
                .env(CHILD_PREFIX, prefix)
                .output_spawn()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "child failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("1 passed"),
            "the child ran no test: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
    assert_all_present(&home.paths, &["proc-a", "proc-b"]);
}

trait SpawnPiped {
    fn output_spawn(&mut self) -> std::process::Child;
}

impl SpawnPiped for Command {
    fn output_spawn(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}
