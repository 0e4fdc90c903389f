//! Model merge: every field carries its provenance, and a configured context window above the
//! discovered one is refused.

use netclaw_providers::models::{
    BundledCatalog, Modalities, Modality, ModelFacts, Pricing, Provenance, merge_listing,
    merge_model,
};

fn live_gpt() -> ModelFacts {
    ModelFacts {
        context_window: Some(272_000),
        input_modalities: Some(Modalities::of([Modality::Text, Modality::Image])),
        ..ModelFacts::new("gpt-5.5")
    }
}

#[test]
fn each_field_comes_from_the_most_trusted_source_that_knows_it() {
    let catalog = BundledCatalog::openai();
    let catalog_gpt = catalog.models.iter().find(|m| m.id == "gpt-5.5").unwrap();
    let overrides = ModelFacts {
        context_window: Some(200_000),
        pricing: Some(Pricing {
            input_per_million: 1.25,
            output_per_million: 10.0,
        }),
        ..ModelFacts::new("gpt-5.5")
    };
    let info = merge_model(
        "gpt-5.5",
        Some(&overrides),
        Some(&live_gpt()),
        Some(catalog_gpt),
    )
    .unwrap();
    assert_eq!(info.context_window.value, 200_000);
    assert_eq!(info.context_window.source, Provenance::Override);
    assert_eq!(info.input_modalities.source, Provenance::Live);
    assert_eq!(info.display_name.source, Provenance::Catalog);
    assert_eq!(
        info.supports_tools.as_ref().unwrap().source,
        Provenance::Catalog
    );
    assert_eq!(info.output_modalities.source, Provenance::Catalog);
    assert_eq!(info.pricing.as_ref().unwrap().source, Provenance::Override);
    assert!(info.max_output_tokens.is_none());
    insta::assert_json_snapshot!("merged_gpt_5_5", info);
}

#[test]
fn nothing_known_falls_back_to_32k_text() {
    let info = merge_model("local-model", None, None, None).unwrap();
    insta::assert_json_snapshot!("merged_defaults", info);
    assert_eq!(info.context_window.value, 32_768);
    assert_eq!(info.context_window.source, Provenance::Default);
    assert_eq!(info.input_modalities.value, Modalities::text());
}

#[test]
fn a_configured_context_window_above_the_discovered_one_is_an_error() {
    let overrides = ModelFacts {
        context_window: Some(300_000),
        ..ModelFacts::new("gpt-5.5")
    };
    let err = merge_model("gpt-5.5", Some(&overrides), Some(&live_gpt()), None).unwrap_err();
    assert_eq!(
        (err.configured, err.discovered, err.discovered_source),
        (300_000, 272_000, Provenance::Live)
    );
    insta::assert_snapshot!(err.to_string(), @"the configured context window `300000` of model `gpt-5.5` exceeds the context window `272000` reported by the live source; lower it or clear it with `netclaw model set`");

    // Without live discovery the catalog's value is the one checked.
    let catalog = &BundledCatalog::openai().models;
    let big = ModelFacts {
        context_window: Some(2_000_000),
        ..ModelFacts::new("gpt-5.4")
    };
    let err = merge_listing(None, catalog, &[big]).unwrap_err();
    assert_eq!(
        (err.discovered, err.discovered_source),
        (1_050_000, Provenance::Catalog)
    );

    // Equal or smaller is fine; with nothing discovered any value is accepted.
    let equal = ModelFacts {
        context_window: Some(272_000),
        ..ModelFacts::new("gpt-5.5")
    };
    assert!(merge_model("gpt-5.5", Some(&equal), Some(&live_gpt()), None).is_ok());
    assert!(merge_model("x", Some(&overrides), None, None).is_ok());
}

#[test]
fn listing_uses_live_models_when_discovered_else_the_catalog_plus_overrides() {
    let catalog = &BundledCatalog::openai().models;
    let extra = ModelFacts {
        context_window: Some(8_192),
        ..ModelFacts::new("my-finetune")
    };
    let offline = merge_listing(None, catalog, std::slice::from_ref(&extra)).unwrap();
    let ids: Vec<_> = offline.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "gpt-5.5",
            "gpt-5.4",
            "gpt-5.4-mini",
            "gpt-5.3-codex",
            "gpt-5.3-codex-spark",
            "gpt-5.2",
            "my-finetune"
        ]
    );
    assert!(
        offline[..6]
            .iter()
            .all(|m| m.context_window.source == Provenance::Catalog)
    );
    assert_eq!(offline[6].context_window.source, Provenance::Override);

    let live = [live_gpt(), ModelFacts::new("gpt-6-preview")];
    let online = merge_listing(Some(&live), catalog, &[]).unwrap();
    let table: Vec<String> = online
        .iter()
        .map(|m| {
            format!(
                "{}: context {} ({}), input {} ({}), tools {}",
                m.id,
                m.context_window.value,
                m.context_window.source.as_str(),
                m.input_modalities.value,
                m.input_modalities.source.as_str(),
                m.supports_tools
                    .as_ref()
                    .map_or("unknown".to_owned(), |t| format!(
                        "{} ({})",
                        t.value,
                        t.source.as_str()
                    )),
            )
        })
        .collect();
    insta::assert_snapshot!(table.join("\n"), @r"
    gpt-5.5: context 272000 (live), input text+image (live), tools true (catalog)
    gpt-6-preview: context 32768 (default), input text (default), tools unknown
    ");
}
