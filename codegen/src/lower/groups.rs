//! Cargo feature groups of endpoints, and the permission list.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use crate::ir::{Endpoint, StringEnum, Variant};
use crate::names::{pascal, NameSet};

/// A cargo feature name for a tag: lowercase, words joined by `-`.
pub(super) fn group_name(tag: &str) -> String {
    let s: String = tag
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Endpoints without a tag join the group most of their path siblings are in
/// (`i/2fa/done` joins `account` like the rest of `i/`), or a group named
/// after their first path segment.
pub(super) fn assign_groups(endpoints: &mut [Endpoint]) {
    let first_segment = |e: &Endpoint| e.name.split('/').next().unwrap_or_default().to_owned();
    let mut by_segment: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
    for e in endpoints.iter().filter(|e| !e.group.is_empty()) {
        *by_segment
            .entry(first_segment(e))
            .or_default()
            .entry(e.group.clone())
            .or_default() += 1;
    }
    for e in endpoints.iter_mut().filter(|e| e.group.is_empty()) {
        let seg = first_segment(e);
        e.group = by_segment
            .get(&seg)
            .and_then(|counts| {
                counts
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(g, _)| g.clone())
            })
            .unwrap_or_else(|| group_name(&seg));
    }
}

/// The published permissions in their order, then those the endpoints name
/// that the list lacks (sorted), each with its variant name.
pub(super) fn permission_list(scopes: Option<&[String]>, endpoints: &[Endpoint]) -> StringEnum {
    let mut values: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for s in scopes.unwrap_or_default() {
        if seen.insert(s.clone()) {
            values.push(s.clone());
        }
    }
    let extra: BTreeSet<&String> = endpoints
        .iter()
        .filter_map(|e| e.permission.as_ref())
        .filter(|p| !seen.contains(*p))
        .collect();
    values.extend(extra.into_iter().cloned());
    let mut names = NameSet::default();
    let variants = values
        .into_iter()
        .map(|value| Variant {
            name: names.take(&[pascal(&value)]),
            value,
            note: None,
        })
        .collect();
    StringEnum {
        variants,
        other: names.take(&["Other".into(), "UnknownPermission".into()]),
        default: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_become_feature_names() {
        assert_eq!(group_name("Reversi"), "reversi");
        assert_eq!(group_name(" admin / roles "), "admin-roles");
    }
}
