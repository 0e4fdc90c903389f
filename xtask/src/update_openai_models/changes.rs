//! What an update does to the catalog: models added, removed and changed, and a new order.

use std::fmt;

use netclaw_providers::models::ModelFacts;

/// The difference between two catalogs' model lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogChanges {
    /// Models only in the new list, in its order.
    pub added: Vec<String>,
    /// Models only in the old list, in its order.
    pub removed: Vec<String>,
    /// Models in both whose facts differ, in the new list's order.
    pub changed: Vec<ModelChange>,
    /// The new order of the models both lists share, when it differs from the old one.
    pub reordered: Option<Vec<String>>,
    /// One line per added model describing it.
    added_lines: Vec<String>,
}

/// One model whose facts differ.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelChange {
    /// The model id.
    pub id: String,
    /// Each differing field as `name: old → new`.
    pub fields: Vec<String>,
}

impl CatalogChanges {
    /// Compares `old` with `new`.
    pub fn between(old: &[ModelFacts], new: &[ModelFacts]) -> Self {
        let find = |list: &'_ [ModelFacts], id: &str| list.iter().position(|m| m.id == id);
        let mut changes = Self::default();
        for model in new {
            match find(old, &model.id) {
                None => {
                    changes.added.push(model.id.clone());
                    changes.added_lines.push(describe(model));
                }
                Some(i) => {
                    let fields = field_changes(&old[i], model);
                    if !fields.is_empty() {
                        changes.changed.push(ModelChange {
                            id: model.id.clone(),
                            fields,
                        });
                    }
                }
            }
        }
        changes.removed = old
            .iter()
            .filter(|m| find(new, &m.id).is_none())
            .map(|m| m.id.clone())
            .collect();
        let shared = |list: &[ModelFacts], other: &[ModelFacts]| -> Vec<String> {
            list.iter()
                .filter(|m| find(other, &m.id).is_some())
                .map(|m| m.id.clone())
                .collect()
        };
        let (old_order, new_order) = (shared(old, new), shared(new, old));
        if old_order != new_order {
            changes.reordered = Some(new_order);
        }
        changes
    }

    /// True when the model lists are the same.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
            && self.reordered.is_none()
    }
}

impl fmt::Display for CatalogChanges {
    /// One line per change: `+ id …`, `- id`, `~ id: field old → new; …`, `order: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.added_lines {
            writeln!(f, "  + {line}")?;
        }
        for id in &self.removed {
            writeln!(f, "  - {id}")?;
        }
        for change in &self.changed {
            writeln!(f, "  ~ {}: {}", change.id, change.fields.join("; "))?;
        }
        if let Some(order) = &self.reordered {
            writeln!(f, "  order: {}", order.join(", "))?;
        }
        Ok(())
    }
}

fn describe(m: &ModelFacts) -> String {
    format!(
        "{} ({}): context window {}, input {}, output {}, tools {}",
        m.id,
        m.display_name.as_deref().unwrap_or(&m.id),
        show(m.context_window.as_ref()),
        show(m.input_modalities.as_ref()),
        show(m.output_modalities.as_ref()),
        yes_no(m.supports_tools),
    )
}

fn field_changes(old: &ModelFacts, new: &ModelFacts) -> Vec<String> {
    let mut fields = Vec::new();
    let mut compare = |name: &str, a: String, b: String| {
        if a != b {
            fields.push(format!("{name} {a} → {b}"));
        }
    };
    compare(
        "display name",
        quoted(old.display_name.as_deref()),
        quoted(new.display_name.as_deref()),
    );
    compare(
        "context window",
        show(old.context_window.as_ref()),
        show(new.context_window.as_ref()),
    );
    compare(
        "max output",
        show(old.max_output_tokens.as_ref()),
        show(new.max_output_tokens.as_ref()),
    );
    compare(
        "input",
        show(old.input_modalities.as_ref()),
        show(new.input_modalities.as_ref()),
    );
    compare(
        "output",
        show(old.output_modalities.as_ref()),
        show(new.output_modalities.as_ref()),
    );
    compare(
        "tools",
        yes_no(old.supports_tools),
        yes_no(new.supports_tools),
    );
    compare(
        "pricing",
        old.pricing.map_or_else(unknown, |p| format!("{p:?}")),
        new.pricing.map_or_else(unknown, |p| format!("{p:?}")),
    );
    fields
}

fn unknown() -> String {
    "unknown".to_owned()
}

fn show<T: fmt::Display>(value: Option<&T>) -> String {
    value.map_or_else(unknown, ToString::to_string)
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes".to_owned(),
        Some(false) => "no".to_owned(),
        None => unknown(),
    }
}

fn quoted(value: Option<&str>) -> String {
    value.map_or_else(unknown, |v| format!("`{v}`"))
}
