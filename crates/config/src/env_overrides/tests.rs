//! Unit tests for env override parsing.

use serde_json::json;

use super::*;

#[test]
fn nests_canonicalizes_and_types_values() {
    let env = EnvSnapshot::from_pairs([
        ("NETCLAW_DAEMON__PORT", "7100"),
        ("NETCLAW_Providers__OPENAI__endpoint", "http://127.0.0.1:9"),
        ("NETCLAW_Providers__openai__ApiKey", "12345"),
        ("NETCLAW_Models__Main__ContextWindow", "4096"),
        ("NETCLAW_Models__FallbackOnExplicit", "TRUE"),
        ("NETCLAW_HOME", "/somewhere"),
        ("NETCLAW_AGE_IDENTITY", "/id"),
        ("NETCLAW_NOSEPARATOR", "x"),
        ("NETCLAW_Daemon__", "x"),
        ("OPENAI_API_KEY", "not-a-setting"),
    ]);
    let got = collect(&env, &["OpenAI".to_owned()]);
    assert_eq!(
        Value::Object(got.tree),
        json!({
            "Daemon": {"Port": 7100},
            "Models": {"FallbackOnExplicit": true, "Main": {"ContextWindow": 4096}},
            "Providers": {"OpenAI": {"ApiKey": "12345", "Endpoint": "http://127.0.0.1:9"}}
        })
    );
    assert_eq!(
        got.origins
            .get("Providers.OpenAI.ApiKey")
            .map(String::as_str),
        Some("NETCLAW_Providers__openai__ApiKey")
    );
    assert_eq!(got.origins.len(), 5);
}
