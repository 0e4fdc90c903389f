//! `Models`: which provider and model serve each role, and the fallback policy.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

/// The `Models` section of `netclaw.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Models {
    /// The main chat model.
    #[serde(rename = "Main", default, skip_serializing_if = "Option::is_none")]
    pub main: Option<ModelRef>,
    /// The model used when the main one fails.
    #[serde(rename = "Fallback", default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<ModelRef>,
    /// The model used to compact long conversations.
    #[serde(
        rename = "Compaction",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub compaction: Option<ModelRef>,
    /// Ordered fallbacks as `provider/model`.
    #[serde(
        rename = "FallbackChain",
        default,
        deserialize_with = "chain_from_list_or_string",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub fallback_chain: Vec<ProviderModel>,
    /// Whether to fall back even when the user named a model explicitly.
    #[serde(
        rename = "FallbackOnExplicit",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fallback_on_explicit: Option<bool>,
    /// Share of a provider's usage window (percent, from its rate-limit headers such as
    /// `x-codex-primary-used-percent`) at which new requests move to the next model until the
    /// window resets; unset means never.
    #[serde(
        rename = "SwitchAtUsedPercent",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub switch_at_used_percent: Option<f64>,
    /// Keys this model does not know, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Models {
    /// The model reference for `role`.
    pub fn role(&self, role: ModelRole) -> Option<&ModelRef> {
        match role {
            ModelRole::Main => self.main.as_ref(),
            ModelRole::Fallback => self.fallback.as_ref(),
            ModelRole::Compaction => self.compaction.as_ref(),
        }
    }

    /// The slot for `role`.
    pub fn role_mut(&mut self, role: ModelRole) -> &mut Option<ModelRef> {
        match role {
            ModelRole::Main => &mut self.main,
            ModelRole::Fallback => &mut self.fallback,
            ModelRole::Compaction => &mut self.compaction,
        }
    }
}

/// A model role under `Models`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ModelRole {
    /// `Main`.
    Main,
    /// `Fallback`.
    Fallback,
    /// `Compaction`.
    Compaction,
}

impl ModelRole {
    /// Every role.
    pub const ALL: [Self; 3] = [Self::Main, Self::Fallback, Self::Compaction];

    /// The key under `Models`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Main => "Main",
            Self::Fallback => "Fallback",
            Self::Compaction => "Compaction",
        }
    }
}

/// A model chosen for a role (`Models.Main`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRef {
    /// A key of `Providers`.
    #[serde(rename = "Provider")]
    pub provider: String,
    /// The model id as the provider names it.
    #[serde(rename = "ModelId")]
    pub model_id: String,
    /// Overrides the discovered context window (tokens).
    #[serde(
        rename = "ContextWindow",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context_window: Option<u64>,
    /// Where the choice came from (`Manual` when set by `netclaw model set`).
    #[serde(
        rename = "Provenance",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub provenance: Option<String>,
    /// Overrides the discovered input modalities.
    #[serde(
        rename = "InputModalities",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub input_modalities: Option<Modalities>,
    /// Overrides the discovered output modalities.
    #[serde(
        rename = "OutputModalities",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub output_modalities: Option<Modalities>,
    /// Keys this model does not know, kept as they are.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ModelRef {
    /// A reference to `model_id` at `provider` with no overrides.
    pub fn new(provider: impl Into<String>, model_id: impl Into<String>) -> Self {
        Self {
            provider: provider.into(),
            model_id: model_id.into(),
            context_window: None,
            provenance: None,
            input_modalities: None,
            output_modalities: None,
            extra: Map::new(),
        }
    }
}

/// A set of modalities (`Text`, `Image`, …). Read from `"Text, Image"` (the flags form the .NET
/// netclaw writes) or `["Text", "Image"]`; written in the flags form so both can read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Modalities(pub Vec<String>);

impl Serialize for Modalities {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0.join(", "))
    }
}

impl<'de> Deserialize<'de> for Modalities {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Self(list_or_comma_string(deserializer, "modalities")?))
    }
}

/// `provider/model`: a model at a provider. The provider name never holds `/`; the model id may.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProviderModel {
    /// A key of `Providers`.
    pub provider: String,
    /// The model id.
    pub model: String,
}

/// A string that is not `provider/model`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not `provider/model`")]
pub struct InvalidProviderModel(pub String);

impl FromStr for ProviderModel {
    type Err = InvalidProviderModel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().split_once('/') {
            Some((p, m)) if !p.is_empty() && !m.is_empty() => Ok(Self {
                provider: p.to_owned(),
                model: m.to_owned(),
            }),
            _ => Err(InvalidProviderModel(s.to_owned())),
        }
    }
}

impl fmt::Display for ProviderModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.provider, self.model)
    }
}

impl Serialize for ProviderModel {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ProviderModel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(de::Error::custom)
    }
}

fn chain_from_list_or_string<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Vec<ProviderModel>, D::Error> {
    list_or_comma_string(d, "`provider/model` entries")?
        .iter()
        .map(|s| s.parse().map_err(de::Error::custom))
        .collect()
}

/// A list of strings given as a JSON array or as one comma-separated string (env overrides).
fn list_or_comma_string<'de, D: Deserializer<'de>>(
    d: D,
    what: &'static str,
) -> Result<Vec<String>, D::Error> {
    struct ListVisitor(&'static str);
    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a list or a comma-separated string of {}", self.0)
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_any(ListVisitor(what))
}
