//! `NETCLAW_` environment overrides: `__` nests, key names match ignoring case.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::env::{EnvSnapshot, EnvVars};
use crate::model::{KNOWN_KEYS, OAuthOverrides};

/// Variables with the `NETCLAW_` prefix that are not settings.
const NOT_SETTINGS: &[&str] = &[
    EnvVars::NETCLAW_HOME,
    EnvVars::NETCLAW_AGE_IDENTITY,
    EnvVars::NETCLAW_LOG,
];

/// Leaf keys whose values are always strings (never guessed as numbers or booleans).
const STRING_KEYS: &[&str] = &[
    "Type",
    "AuthMethod",
    "Endpoint",
    "OAuthTokenExpiry",
    "CredentialFile",
    "Issuer",
    "ClientId",
    "RedirectUri",
    "Scope",
    "ApiKey",
    "OAuthAccessToken",
    "OAuthRefreshToken",
    "OAuthIdToken",
    "OAuthAccountId",
    "Provider",
    "ModelId",
    "Provenance",
    "InputModalities",
    "OutputModalities",
    "FallbackChain",
    "Host",
];

/// The overrides as a JSON tree, and which variable set each dotted key.
#[derive(Debug, Default)]
pub(crate) struct EnvOverrides {
    pub(crate) tree: Map<String, Value>,
    pub(crate) origins: BTreeMap<String, String>,
}

/// Collects `NETCLAW_<Key>__<Key>…` variables. Known keys take their canonical spelling; a
/// provider name takes the spelling of a configured provider that matches ignoring case.
pub(crate) fn collect(env: &EnvSnapshot, provider_names: &[String]) -> EnvOverrides {
    let mut out = EnvOverrides::default();
    for (var, value) in env.with_prefix(EnvVars::SETTINGS_PREFIX) {
        if NOT_SETTINGS.contains(&var) || value.is_empty() {
            continue;
        }
        let rest = &var[EnvVars::SETTINGS_PREFIX.len()..];
        if !rest.contains("__") {
            continue;
        }
        let segments: Vec<&str> = rest.split("__").collect();
        if segments.iter().any(|s| s.is_empty()) {
            continue;
        }
        let mut path: Vec<String> = Vec::with_capacity(segments.len());
        for (i, seg) in segments.iter().enumerate() {
            let canonical = if i == 1 && path[0] == "Providers" {
                provider_names
                    .iter()
                    .find(|n| n.eq_ignore_ascii_case(seg))
                    .cloned()
                    .unwrap_or_else(|| (*seg).to_owned())
            } else {
                canonical_key(seg)
            };
            path.push(canonical);
        }
        let leaf = path.last().expect("at least two segments");
        let parsed = if STRING_KEYS.contains(&leaf.as_str()) {
            Value::from(value)
        } else {
            guess(value)
        };
        insert(&mut out.tree, &path, parsed);
        out.origins.insert(path.join("."), var.to_owned());
    }
    out
}

/// Provider `name`'s `OAuth` settings with its `NETCLAW_Providers__<name>__OAuth__*` variables
/// laid over them, as a load of the config would see them once `name` is saved. Lets `provider
/// add` and `init` log in with the settings the provider will have, before it exists.
pub fn oauth_with_env(
    env: &EnvSnapshot,
    name: &str,
    oauth: Option<OAuthOverrides>,
) -> Option<OAuthOverrides> {
    let tree = collect(env, &[name.to_owned()]).tree;
    let Some(Value::Object(from_env)) = tree
        .get("Providers")
        .and_then(|providers| providers.get(name))
        .and_then(|provider| provider.get("OAuth"))
    else {
        return oauth;
    };
    let mut merged = match serde_json::to_value(oauth.unwrap_or_default()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    merged.extend(from_env.clone());
    serde_json::from_value(Value::Object(merged)).ok()
}

fn canonical_key(seg: &str) -> String {
    KNOWN_KEYS
        .iter()
        .find(|k| k.eq_ignore_ascii_case(seg))
        .map_or_else(|| seg.to_owned(), |k| (*k).to_owned())
}

/// Booleans and numbers as such; anything else stays a string.
fn guess(value: &str) -> Value {
    if value.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if value.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if let Ok(n) = value.parse::<i64>() {
        return Value::from(n);
    }
    if let Ok(f) = value.parse::<f64>()
        && f.is_finite()
    {
        return Value::from(f);
    }
    Value::from(value)
}

fn insert(tree: &mut Map<String, Value>, path: &[String], value: Value) {
    let (last, parents) = path.split_last().expect("non-empty path");
    let mut node = tree;
    for key in parents {
        node = crate::document::object_at(node, key);
    }
    node.insert(last.clone(), value);
}

#[cfg(test)]
mod tests;
