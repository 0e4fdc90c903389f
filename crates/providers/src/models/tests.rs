//! Unit tests of the bundled catalog and modalities.

use super::*;
use crate::descriptor::ProviderKind;

#[test]
fn bundled_openai_catalog_parses_and_is_in_canonical_form() {
    let catalog = BundledCatalog::parse(catalog::OPENAI_JSON_FOR_TESTS).unwrap();
    assert_eq!(catalog.updated, "2026-05-31");
    let ids: Vec<_> = catalog.models.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "gpt-5.5",
            "gpt-5.4",
            "gpt-5.4-mini",
            "gpt-5.3-codex",
            "gpt-5.3-codex-spark",
            "gpt-5.2"
        ]
    );
    let spark = &catalog.models[4];
    assert_eq!(spark.context_window, Some(400_000));
    assert_eq!(spark.input_modalities, Some(Modalities::text()));
    assert_eq!(
        catalog.to_json().unwrap(),
        catalog::OPENAI_JSON_FOR_TESTS,
        "the file must be what the xtask writes, so its diffs stay minimal"
    );
    assert_eq!(BundledCatalog::models_for(ProviderKind::OpenAi).len(), 6);
    assert!(BundledCatalog::models_for(ProviderKind::Anthropic).is_empty());
}

#[test]
fn modalities_parse_vendor_names_and_ignore_unknown_ones() {
    assert_eq!(
        Modalities::parse_names(["Image", "text", "file", "text"]),
        Some(Modalities::of([Modality::Text, Modality::Image]))
    );
    assert_eq!(Modalities::parse_names(["file"]), None);
    assert_eq!(
        Modalities::of([Modality::Image, Modality::Text]).to_string(),
        "text+image"
    );
}
