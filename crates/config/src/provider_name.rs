//! [`ProviderName`]: a provider's name as netclaw compares it. Users type names as they
//! remember them (`OpenAI`, `openai`), so two names are the same provider when they match
//! ignoring ASCII case; the spelling the user chose is kept for display and for the files.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// A provider name: compared, hashed and ordered ignoring ASCII case, shown as spelled.
#[derive(Debug, Clone)]
pub struct ProviderName(String);

impl ProviderName {
    /// The name as spelled.
    pub fn new(name: impl Into<String>) -> Self {
        Self(name.into())
    }

    /// The spelling kept.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The folded form, for files that key records by provider (`state/cooldowns.json`): two
    /// spellings of one provider give the same key.
    pub fn folded(&self) -> String {
        self.0.to_ascii_lowercase()
    }

    /// Whether `other` names the same provider.
    pub fn matches(&self, other: &str) -> bool {
        Self::same(&self.0, other)
    }

    /// Whether two spellings name the same provider: the one rule every lookup follows.
    pub fn same(a: &str, b: &str) -> bool {
        a.eq_ignore_ascii_case(b)
    }

    /// The first of `names` that names the same provider as `wanted`, preferring the exact
    /// spelling.
    pub fn find_in<'a, S: AsRef<str> + 'a>(
        names: impl IntoIterator<Item = &'a S>,
        wanted: &str,
    ) -> Option<&'a S> {
        let mut folded = None;
        for name in names {
            if name.as_ref() == wanted {
                return Some(name);
            }
            if folded.is_none() && Self::same(name.as_ref(), wanted) {
                folded = Some(name);
            }
        }
        folded
    }
}

impl PartialEq for ProviderName {
    fn eq(&self, other: &Self) -> bool {
        self.matches(&other.0)
    }
}

impl Eq for ProviderName {}

impl Hash for ProviderName {
    fn hash<H: Hasher>(&self, state: &mut H) {
        for byte in self.0.bytes() {
            state.write_u8(byte.to_ascii_lowercase());
        }
        state.write_u8(0xff);
    }
}

impl Ord for ProviderName {
    fn cmp(&self, other: &Self) -> Ordering {
        let folded = |s: &str| {
            s.bytes()
                .map(|b| b.to_ascii_lowercase())
                .collect::<Vec<_>>()
        };
        folded(&self.0).cmp(&folded(&other.0))
    }
}

impl PartialOrd for ProviderName {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for ProviderName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ProviderName {
    fn from(name: &str) -> Self {
        Self::new(name)
    }
}

impl From<String> for ProviderName {
    fn from(name: String) -> Self {
        Self(name)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::ProviderName;

    #[test]
    fn names_match_ignoring_case_and_keep_their_spelling() {
        let mut map = HashMap::new();
        map.insert(ProviderName::from("OpenAI"), 1);
        assert_eq!(map.get(&ProviderName::from("openai")), Some(&1));
        assert_eq!(map.keys().next().unwrap().to_string(), "OpenAI");
        assert!(ProviderName::from("Work").matches("WORK"));
        assert!(!ProviderName::from("work").matches("work2"));
        let names = ["work", "Work"];
        assert_eq!(ProviderName::find_in(&names, "Work"), Some(&"Work"));
        assert_eq!(ProviderName::find_in(&names, "WORK"), Some(&"work"));
    }
}
