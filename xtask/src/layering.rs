//! The crate arrows of SPEC §1, checked against `cargo metadata` so a forbidden edge fails CI.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// netclaw crate → the netclaw crates it may depend on (normal and build dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("netclaw-config", &[]),
    ("netclaw-oauth", &[]),
    ("netclaw-providers", &["netclaw-config", "netclaw-oauth"]),
    (
        "netclaw-daemon",
        &["netclaw-providers", "netclaw-config", "netclaw-oauth"],
    ),
    (
        "netclaw-cli",
        &[
            "netclaw-daemon",
            "netclaw-providers",
            "netclaw-config",
            "netclaw-oauth",
        ],
    ),
];

/// Third-party crates a netclaw crate must never pull in, directly or transitively.
const FORBIDDEN_ANYWHERE: &[(&str, &[&str])] = &[
    ("netclaw-config", &["tokio", "reqwest", "axum", "hyper"]),
    (
        "netclaw-oauth",
        &[
            "clap",
            "dialoguer",
            "indicatif",
            "webbrowser",
            "figment",
            "axum",
        ],
    ),
];

/// Third-party crates a netclaw crate must not name itself (they belong to another layer).
const FORBIDDEN_DIRECT: &[(&str, &[&str])] = &[
    (
        "netclaw-providers",
        &["axum", "clap", "figment", "dialoguer"],
    ),
    (
        "netclaw-daemon",
        &["clap", "dialoguer", "indicatif", "webbrowser"],
    ),
];

fn metadata() -> Value {
    let cargo = env!("CARGO");
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml");
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--manifest-path",
            manifest,
        ])
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// Package id → (name, ids of its normal/build dependencies), from the resolve graph.
fn graph(meta: &Value) -> BTreeMap<String, (String, Vec<String>)> {
    let names: BTreeMap<&str, &str> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let id = node["id"].as_str().unwrap();
            let deps = node["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| k["kind"].is_null() || k["kind"] == "build")
                })
                .map(|d| d["pkg"].as_str().unwrap().to_owned())
                .collect();
            (id.to_owned(), (names[id].to_owned(), deps))
        })
        .collect()
}

fn id_of<'a>(graph: &'a BTreeMap<String, (String, Vec<String>)>, name: &str) -> &'a str {
    graph
        .iter()
        .find(|(_, (n, _))| n == name)
        .map(|(id, _)| id.as_str())
        .unwrap_or_else(|| panic!("{name} is in the workspace"))
}

#[test]
fn netclaw_crates_depend_only_along_the_allowed_arrows() {
    let meta = metadata();
    let graph = graph(&meta);
    let mut violations = Vec::new();
    for (krate, allowed) in ALLOWED {
        let (_, deps) = &graph[id_of(&graph, krate)];
        for dep in deps {
            let dep_name = &graph[dep].0;
            if dep_name.starts_with("netclaw-") && !allowed.contains(&dep_name.as_str()) {
                violations.push(format!("{krate} → {dep_name}"));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "arrows SPEC §1 does not allow: {violations:?}"
    );
}

#[test]
fn netclaw_crates_do_not_pull_forbidden_third_party_crates() {
    let meta = metadata();
    let graph = graph(&meta);
    let mut violations = Vec::new();
    for (krate, forbidden) in FORBIDDEN_DIRECT {
        let (_, deps) = &graph[id_of(&graph, krate)];
        for dep in deps {
            if forbidden.contains(&graph[dep].0.as_str()) {
                violations.push(format!("{krate} depends on {}", graph[dep].0));
            }
        }
    }
    for (krate, forbidden) in FORBIDDEN_ANYWHERE {
        let mut seen = BTreeSet::new();
        let mut stack = vec![id_of(&graph, krate).to_owned()];
        while let Some(id) = stack.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let (name, deps) = &graph[&id];
            if forbidden.contains(&name.as_str()) {
                violations.push(format!("{krate} pulls {name}"));
            }
            stack.extend(deps.iter().cloned());
        }
    }
    assert!(
        violations.is_empty(),
        "forbidden dependencies: {violations:?}"
    );
}
