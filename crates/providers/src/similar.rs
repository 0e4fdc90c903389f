//! Which known names a mistyped one was probably meant to be, for "did you mean" hints.

/// Levenshtein distance between two short names.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

/// The names in `candidates` close to `wanted`, closest first, at most three.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let lower = wanted.to_ascii_lowercase();
    let mut near: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|c| close(wanted, c))
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .collect();
    near.sort();
    near.dedup();
    near.into_iter().take(3).map(|(_, c)| c).collect()
}

/// Whether `candidate` is close enough to `wanted` to suggest: a prefix of it, or within
/// a third of its length in edits (ignoring case).
pub(crate) fn close(wanted: &str, candidate: &str) -> bool {
    let (wanted, candidate) = (wanted.to_ascii_lowercase(), candidate.to_ascii_lowercase());
    (!wanted.is_empty() && candidate.starts_with(&wanted))
        || edit_distance(&wanted, &candidate) <= wanted.chars().count().max(3) / 2
}

#[cfg(test)]
mod tests {
    use super::{close, edit_distance};

    #[test]
    fn typos_are_close_and_other_names_are_not() {
        assert_eq!(edit_distance("gtp-5.5", "gpt-5.5"), 2);
        assert!(close("opena", "openai"));
        assert!(close("antropic", "anthropic"));
        assert!(!close("gemini", "openai"));
    }
}
