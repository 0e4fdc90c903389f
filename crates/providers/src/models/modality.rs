//! Input and output kinds a model handles (text, image, audio, video).

use std::fmt;

use serde::{Deserialize, Serialize};

/// One kind of content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// Plain text.
    Text,
    /// Images.
    Image,
    /// Audio.
    Audio,
    /// Video.
    Video,
}

impl Modality {
    /// Parses a vendor's name for a modality, ignoring case; unknown names give `None`.
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "text" => Some(Self::Text),
            "image" | "images" | "vision" => Some(Self::Image),
            "audio" => Some(Self::Audio),
            "video" => Some(Self::Video),
            _ => None,
        }
    }

    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Image => "image",
            Self::Audio => "audio",
            Self::Video => "video",
        }
    }
}

/// A set of modalities, kept sorted and without duplicates; serialized as a list.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "Vec<Modality>", into = "Vec<Modality>")]
pub struct Modalities(Vec<Modality>);

impl Modalities {
    /// Text only, the default.
    pub fn text() -> Self {
        Self(vec![Modality::Text])
    }

    /// Text, and images when `vision` (what a listing's vision flag says).
    pub fn text_and_images_if(vision: bool) -> Self {
        if vision {
            Self::of([Modality::Text, Modality::Image])
        } else {
            Self::text()
        }
    }

    /// The set of `items`.
    pub fn of(items: impl IntoIterator<Item = Modality>) -> Self {
        let mut v: Vec<_> = items.into_iter().collect();
        v.sort_unstable();
        v.dedup();
        Self(v)
    }

    /// Parses vendor names, skipping unknown ones; `None` when nothing known remains.
    pub fn parse_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<Self> {
        let set = Self::of(names.into_iter().filter_map(Modality::parse));
        (!set.is_empty()).then_some(set)
    }

    /// True when `m` is in the set.
    pub fn contains(&self, m: Modality) -> bool {
        self.0.contains(&m)
    }

    /// True when the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The members in order.
    pub fn iter(&self) -> impl Iterator<Item = Modality> + '_ {
        self.0.iter().copied()
    }
}

impl From<Vec<Modality>> for Modalities {
    fn from(v: Vec<Modality>) -> Self {
        Self::of(v)
    }
}

impl From<Modalities> for Vec<Modality> {
    fn from(m: Modalities) -> Self {
        m.0
    }
}

impl fmt::Display for Modalities {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = self.iter().map(Modality::as_str).collect();
        f.write_str(&names.join("+"))
    }
}
