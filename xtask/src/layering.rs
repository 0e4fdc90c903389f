//! The crate arrows of the architecture, checked against `cargo metadata` so a forbidden edge
//! fails CI.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};
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
    // Tests' shared set-up: a dev-dependency of the others, never a normal one (dev edges are
    // not arrows, so any crate naming it as a normal dependency fails here).
    ("netclaw-test-support", &["netclaw-config"]),
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

/// Package id → (name, ids of its normal/build dependencies).
type Graph = BTreeMap<String, (String, Vec<String>)>;

/// Every edge of the workspace's dependency graph that the architecture does not allow.
pub fn violations(workspace_root: &Path) -> anyhow::Result<Vec<String>> {
    let graph = graph(&metadata(workspace_root)?)?;
    let mut found = Vec::new();
    for (krate, allowed) in ALLOWED {
        for dep in direct_deps(&graph, krate)? {
            if dep.starts_with("netclaw-") && !allowed.contains(&dep) {
                found.push(format!(
                    "{krate} → {dep} (the architecture does not allow this arrow)"
                ));
            }
        }
    }
    for (krate, forbidden) in FORBIDDEN_DIRECT {
        for dep in direct_deps(&graph, krate)? {
            if forbidden.contains(&dep) {
                found.push(format!(
                    "{krate} depends on {dep}, which belongs to another layer"
                ));
            }
        }
    }
    for (krate, forbidden) in FORBIDDEN_ANYWHERE {
        for dep in reachable(&graph, krate)? {
            if forbidden.contains(&dep) {
                found.push(format!("{krate} pulls in {dep}"));
            }
        }
    }
    Ok(found)
}

fn metadata(workspace_root: &Path) -> anyhow::Result<Value> {
    let cargo = option_env!("CARGO").unwrap_or("cargo");
    let out = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(workspace_root.join("Cargo.toml"))
        .output()
        .context("running `cargo metadata`")?;
    if !out.status.success() {
        bail!(
            "`cargo metadata` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_slice(&out.stdout).context("parsing `cargo metadata` output")
}

fn graph(meta: &Value) -> anyhow::Result<Graph> {
    let str_of = |v: &Value, what: &str| {
        v.as_str()
            .map(str::to_owned)
            .with_context(|| format!("metadata: {what}"))
    };
    let mut names = BTreeMap::new();
    for p in meta["packages"].as_array().context("metadata: packages")? {
        names.insert(
            str_of(&p["id"], "package id")?,
            str_of(&p["name"], "package name")?,
        );
    }
    let mut graph = Graph::new();
    for node in meta["resolve"]["nodes"]
        .as_array()
        .context("metadata: resolve")?
    {
        let id = str_of(&node["id"], "node id")?;
        let mut deps = Vec::new();
        for d in node["deps"].as_array().context("metadata: deps")? {
            let kinds = d["dep_kinds"].as_array().context("metadata: dep_kinds")?;
            if kinds
                .iter()
                .any(|k| k["kind"].is_null() || k["kind"] == "build")
            {
                deps.push(str_of(&d["pkg"], "dep pkg")?);
            }
        }
        let name = names
            .get(&id)
            .cloned()
            .with_context(|| format!("metadata: no package {id}"))?;
        graph.insert(id, (name, deps));
    }
    Ok(graph)
}

fn id_of<'a>(graph: &'a Graph, name: &str) -> anyhow::Result<&'a str> {
    graph
        .iter()
        .find(|(_, (n, _))| n == name)
        .map(|(id, _)| id.as_str())
        .with_context(|| format!("{name} is not in the workspace"))
}

fn direct_deps<'a>(graph: &'a Graph, name: &str) -> anyhow::Result<Vec<&'a str>> {
    let (_, deps) = &graph[id_of(graph, name)?];
    Ok(deps.iter().map(|d| graph[d].0.as_str()).collect())
}

fn reachable<'a>(graph: &'a Graph, name: &str) -> anyhow::Result<BTreeSet<&'a str>> {
    let mut seen = BTreeSet::new();
    let mut names = BTreeSet::new();
    let mut stack = vec![id_of(graph, name)?];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let (n, deps) = &graph[id];
        names.insert(n.as_str());
        stack.extend(deps.iter().map(String::as_str));
    }
    names.remove(name);
    Ok(names)
}
