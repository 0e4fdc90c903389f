//! The runtime's own rules: which roles' context windows count in listings.

use netclaw_config::{ModelRef, Settings};

use super::listing::configured_facts;

fn role(provider: &str, model: &str, window: Option<u64>) -> ModelRef {
    let mut role: ModelRef =
        serde_json::from_value(serde_json::json!({"Provider": provider, "ModelId": model}))
            .unwrap();
    role.context_window = window;
    role
}

#[test]
fn every_role_naming_a_model_gives_its_context_window() {
    let mut settings = Settings::default();
    settings.models.main = Some(role("p", "a", Some(1000)));
    settings.models.fallback = Some(role("P", "b", None));
    settings.models.compaction = Some(role("p", "c", Some(3000)));
    let facts = configured_facts(&settings, "p");
    let windows: Vec<_> = facts
        .iter()
        .map(|f| (f.id.as_str(), f.context_window))
        .collect();
    assert_eq!(
        windows,
        [("a", Some(1000)), ("b", None), ("c", Some(3000))],
        "Main, Fallback and Compaction all count, the provider's name ignoring case"
    );
    assert!(configured_facts(&settings, "other").is_empty());
}
