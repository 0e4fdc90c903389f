//! Unit tests of the probe's parsers and path rules.

use serde_json::json;

use super::*;

#[test]
fn compatible_endpoint_appends_v1_only_when_missing() {
    let e = OpenAiCompatibleEndpoint::from_base_url("http://localhost:8080");
    assert_eq!(e.models, "http://localhost:8080/v1/models");
    assert_eq!(
        e.chat_completions,
        "http://localhost:8080/v1/chat/completions"
    );
    let e = OpenAiCompatibleEndpoint::from_base_url("http://localhost:8080/v1/");
    assert_eq!(e.models, "http://localhost:8080/v1/models");
    let e = OpenAiCompatibleEndpoint::from_base_url("https://gw.example.test/api/v1");
    assert_eq!(
        e.chat_completions,
        "https://gw.example.test/api/v1/chat/completions"
    );
    let e = OpenAiCompatibleEndpoint::from_base_url("https://gw.example.test/proxy");
    assert_eq!(e.models, "https://gw.example.test/proxy/v1/models");
}

#[test]
fn codex_catalog_accepts_numeric_strings_and_alternate_ids() {
    let body = json!({"models": [
        {"id": "a", "context_window": "272000", "input_modalities": ["text"]},
        {"model": "b", "max_context_window": 1e12, "input_modalities": ["text", "image"]},
        {"slug": "c", "visibility": "NONE"}
    ]});
    let models = openai::parse_codex_models(&body).unwrap();
    assert_eq!(models.len(), 2);
    assert_eq!(models[0].context_window, Some(272_000));
    assert_eq!(models[1].context_window, Some(2_147_483_647));
}

#[test]
fn ollama_show_reads_architecture_context_and_vision() {
    let details = json!({
        "model_info": {"general.architecture": "gemma3", "gemma3.context_length": 131072,
                       "gemma3.vision.block_count": 27},
        "capabilities": ["completion", "vision"]
    });
    let facts = ollama::parse_show("gemma3:4b".into(), &details);
    assert_eq!(facts.context_window, Some(131_072));
    assert_eq!(facts.input_modalities.unwrap().to_string(), "text+image");
    assert_eq!(facts.supports_tools, Some(false));
}

#[test]
fn status_detail_reads_the_usual_shapes() {
    assert_eq!(
        status::detail(br#"{"error":{"message":"bad key"}}"#).as_deref(),
        Some("bad key")
    );
    assert_eq!(
        status::detail(br#"{"error":"nope"}"#).as_deref(),
        Some("nope")
    );
    assert_eq!(
        status::detail(br#"{"detail":"Unauthorized"}"#).as_deref(),
        Some("Unauthorized")
    );
    assert_eq!(status::detail(b"<html>"), None);
}

#[test]
fn redactor_removes_every_occurrence_of_the_key() {
    let bearer = crate::bearer::Bearer {
        token: "sk-test-123456".into(),
        account_id: None,
    };
    let r = crate::redact::Redactor::for_bearer(Some(&bearer));
    assert_eq!(
        r.redact("key sk-test-123456 and again sk-test-123456"),
        "key [redacted] and again [redacted]"
    );
}
