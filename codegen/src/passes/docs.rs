//! A doc line for every type the spec leaves undocumented, made from where
//! its schema sits.

use crate::ir::{TypeDef, TypeKind, Types};

/// Gives every type without a description one made from its place.
pub fn fill_missing(types: &mut Types) {
    for (_, def) in types.iter_mut() {
        if def.doc.is_none() {
            def.doc = Some(default_doc(def));
        }
    }
}

/// What a type is, from its schema's pointer.
pub(super) fn default_doc(def: &TypeDef) -> String {
    let (owner, rest) = describe_pointer(&def.source);
    match (rest.is_empty(), &def.kind) {
        (true, _) if owner.ends_with("response") => {
            format!(
                "What {} answers.",
                owner
                    .trim_end_matches(" response")
                    .trim_start_matches("the ")
            )
        }
        (true, _) if owner.starts_with('`') => {
            format!("The {owner} object of the spec's `components/schemas`.")
        }
        (true, _) => format!("{owner}."),
        (false, TypeKind::StringEnum(_)) => format!("Values of `{rest}` in {owner}."),
        (false, _) => format!("`{rest}` in {owner}."),
    }
}

/// Splits a schema pointer into its owner (`the \`notes/create\` request`)
/// and the property path inside it (`poll.choices[]`).
fn describe_pointer(ptr: &str) -> (String, String) {
    let tokens: Vec<String> = ptr
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (owner, inner): (String, &[String]) = match tokens.first().map(String::as_str) {
        Some("paths") if tokens.len() > 3 => {
            let endpoint = tokens[1].trim_matches('/');
            let after_method = &tokens[3..];
            let kind = if after_method.first().map(String::as_str) == Some("requestBody") {
                "request"
            } else {
                "response"
            };
            let schema_at = after_method
                .iter()
                .position(|t| t == "schema")
                .map(|i| i + 1)
                .unwrap_or(after_method.len());
            (
                format!("the `{endpoint}` {kind}"),
                &after_method[schema_at..],
            )
        }
        Some("components") if tokens.len() > 2 => (format!("`{}`", tokens[2]), &tokens[3..]),
        _ => ("the spec".to_owned(), &tokens[..]),
    };
    let mut rest = String::new();
    let mut iter = inner.iter().peekable();
    while let Some(t) = iter.next() {
        match t.as_str() {
            "properties" => {
                if let Some(name) = iter.next() {
                    if !rest.is_empty() {
                        rest.push('.');
                    }
                    rest.push_str(name);
                }
            }
            "items" => rest.push_str("[]"),
            "additionalProperties" => rest.push_str("{}"),
            "oneOf" | "anyOf" | "allOf" => {
                if let Some(i) = iter.next() {
                    rest.push_str(&format!(" (variant {i})"));
                }
            }
            other => {
                if !rest.is_empty() {
                    rest.push('.');
                }
                rest.push_str(other);
            }
        }
    }
    (owner, rest.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_read_as_owner_and_property_path() {
        assert_eq!(
            describe_pointer(
                "/paths/~1notes~1create/post/requestBody/content/application~1json/schema/properties/poll/properties/choices/items"
            ),
            ("the `notes/create` request".into(), "poll.choices[]".into())
        );
        assert_eq!(
            describe_pointer("/components/schemas/Note/properties/visibility"),
            ("`Note`".into(), "visibility".into())
        );
    }
}
