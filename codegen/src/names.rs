//! Turning spec names into Rust identifiers that compile and read well.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords that can be written as raw identifiers (`r#type`).
const RAW_OK: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];
/// Keywords that cannot be raw identifiers.
const RAW_FORBIDDEN: &[&str] = &["self", "super", "crate", "Self", "_"];

/// A snake_case identifier for a field or module, escaped if it is a keyword.
pub fn snake_ident(raw: &str) -> String {
    let mut s = raw.replace(['-', ' ', '.', ':', '/'], "_").to_snake_case();
    if s.is_empty() {
        s = "field".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

/// A module name for one segment of an endpoint path (`show-file` → `show_file`).
pub fn module_ident(segment: &str) -> String {
    let mut s: String = segment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() {
        s = "root".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    escape_keyword(s)
}

fn escape_keyword(s: String) -> String {
    if RAW_FORBIDDEN.contains(&s.as_str()) {
        format!("{s}_")
    } else if RAW_OK.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// An UpperCamelCase type or variant name.
pub fn pascal(raw: &str) -> String {
    let cleaned: String = raw
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut s = cleaned.to_upper_camel_case();
    if s.is_empty() {
        s = "Empty".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if s == "Self" {
        s.push('_');
    }
    s
}

/// The singular of a property name, for the item type of a list (`choices` → `Choice`).
pub fn singular(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("ies") {
        if !stem.is_empty() {
            return format!("{stem}y");
        }
    }
    for keep in ["ss", "us", "is", "ws"] {
        if name.ends_with(keep) {
            return format!("{name}Item");
        }
    }
    match name.strip_suffix('s') {
        Some(stem) if stem.len() > 1 => stem.to_owned(),
        _ => format!("{name}Item"),
    }
}

/// What serde's `rename_all = "camelCase"` makes of a Rust field name.
pub fn serde_camel_case(rust_name: &str) -> String {
    let name = rust_name.strip_prefix("r#").unwrap_or(rust_name);
    let mut out = String::with_capacity(name.len());
    let mut capitalize = false;
    for c in name.chars() {
        if c == '_' {
            capitalize = true;
        } else if capitalize {
            out.push(c.to_ascii_uppercase());
            capitalize = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Hands out names that are unique within one scope.
#[derive(Debug, Default, Clone)]
pub struct NameSet {
    taken: HashSet<String>,
}

impl NameSet {
    /// Reserves `name` for something defined elsewhere.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_owned());
    }

    /// Whether `name` is already in use.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    /// Takes the first free name among `candidates`, then `last` with a number.
    pub fn take(&mut self, candidates: &[String]) -> String {
        for c in candidates {
            if !self.taken.contains(c) {
                self.taken.insert(c.clone());
                return c.clone();
            }
        }
        let base = candidates.last().cloned().unwrap_or_else(|| "Type".into());
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|c| !self.taken.contains(c))
            .inspect(|c| {
                self.taken.insert(c.clone());
            })
            .expect("an unbounded range always yields a free name")
    }
}

/// Makes field names unique (`userId` and `user_id` would both be `user_id`).
pub fn unique_field_names(json_names: &[&str]) -> Vec<String> {
    let mut seen = HashSet::new();
    json_names
        .iter()
        .map(|n| {
            let base = snake_ident(n);
            if seen.insert(base.clone()) {
                return base;
            }
            let stem = base
                .trim_start_matches("r#")
                .trim_end_matches('_')
                .to_owned();
            (2..)
                .map(|i| format!("{stem}_{i}"))
                .find(|c| seen.insert(c.clone()))
                .expect("an unbounded range always yields a free name")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert_eq!(snake_ident("createdAt"), "created_at");
        assert_eq!(snake_ident("type"), "r#type");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(module_ident("2fa"), "_2fa");
        assert_eq!(module_ident("show-file"), "show_file");
        assert_eq!(module_ident("move"), "r#move");
        assert_eq!(pascal("reaction:grouped"), "ReactionGrouped");
        assert_eq!(pascal("read:admin:meta"), "ReadAdminMeta");
        assert_eq!(pascal("1on1"), "V1on1");
        assert_eq!(singular("choices"), "choice");
        assert_eq!(singular("files"), "file");
        assert_eq!(singular("status"), "statusItem");
        assert_eq!(serde_camel_case("created_at"), "createdAt");
        assert_eq!(serde_camel_case("r#type"), "type");
        assert_eq!(
            unique_field_names(&["userId", "user_id"]),
            vec!["user_id".to_string(), "user_id_2".to_string()]
        );
    }
}
