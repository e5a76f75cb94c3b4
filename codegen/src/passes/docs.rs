//! A doc line for every type the spec leaves undocumented, made from where
//! its schema sits, and for a shape defined once, where the spec repeats it.

use std::collections::HashMap;

use crate::ir::{TypeDef, TypeKind, Types};

/// What a union's branch is, for naming the types inside it.
struct Branch {
    /// The Rust variant name.
    variant: String,
    /// For a tagged union: its name, the tag property and this branch's values.
    tagged: Option<(String, String, Vec<String>)>,
}

/// Fills in the docs of every printed type.
pub fn write_docs(types: &mut Types) {
    let branches = branches(types);
    for (_, def) in types.iter_mut() {
        if !def.printed() {
            continue;
        }
        let mut doc = match def.doc.take() {
            Some(doc) => doc,
            None => made_doc(def, &branches),
        };
        if !def.shared_by.is_empty() {
            doc.push_str(&format!(
                "\n\nThe same shape in {}.",
                def.shared_by.join(", ")
            ));
        }
        def.doc = Some(doc);
    }
}

/// Every union branch, by the pointer of its schema.
fn branches(types: &Types) -> HashMap<String, Branch> {
    let mut out = HashMap::new();
    for (_, def) in types.iter() {
        let TypeKind::Union(u) = &def.kind else {
            continue;
        };
        for v in &u.variants {
            let tagged = u
                .tag
                .as_ref()
                .map(|t| (def.name.clone(), t.property.clone(), v.tag_values.clone()));
            out.insert(
                v.source.0.clone(),
                Branch {
                    variant: v.name.clone(),
                    tagged,
                },
            );
        }
    }
    out
}

/// What a type is, from its schema's pointer.
fn made_doc(def: &TypeDef, branches: &HashMap<String, Branch>) -> String {
    let place = describe_pointer(&def.source, branches);
    match (place.rest.is_empty(), &def.kind) {
        (true, _) if place.in_branch => {
            let mut owner = place.owner;
            if let Some(first) = owner.get(..1) {
                let upper = first.to_uppercase();
                owner.replace_range(..1, &upper);
            }
            format!("{owner}.")
        }
        (true, _) if place.owner.ends_with("response") => {
            format!(
                "What {} answers.",
                place
                    .owner
                    .trim_end_matches(" response")
                    .trim_start_matches("the ")
            )
        }
        (true, _) if place.owner.starts_with('`') => {
            format!(
                "The {} object of the spec's `components/schemas`.",
                place.owner
            )
        }
        (true, _) => format!("{}.", place.owner),
        (false, TypeKind::StringEnum(_)) => {
            format!("Values of `{}` in {}.", place.rest, place.owner)
        }
        (false, _) => format!("`{}` in {}.", place.rest, place.owner),
    }
}

/// Where a schema sits: what it belongs to and the property path inside.
#[derive(Debug, PartialEq)]
struct Place {
    /// `the \`notes/create\` request`, `` `Note` ``, or a union's branch
    /// (`a \`Notification\` whose \`type\` is \`note\``).
    owner: String,
    /// The property path inside the owner (`poll.choices[]`).
    rest: String,
    /// Whether the owner is a union's branch.
    in_branch: bool,
}

/// Splits a schema pointer into its owner and the property path inside it.
/// A union's branch becomes the owner of what is inside it, so docs speak of
/// the branch rather than of its position in the spec.
fn describe_pointer(ptr: &str, branches: &HashMap<String, Branch>) -> Place {
    let raw: Vec<&str> = ptr.split('/').skip(1).collect();
    let unescape = |t: &str| t.replace("~1", "/").replace("~0", "~");
    let (owner, start) = match raw.first().copied() {
        Some("paths") if raw.len() > 3 => {
            let endpoint = unescape(raw[1]);
            let after_method = &raw[3..];
            let kind = if after_method.first() == Some(&"requestBody") {
                "request"
            } else {
                "response"
            };
            let schema_at = after_method
                .iter()
                .position(|t| *t == "schema")
                .map(|i| i + 1)
                .unwrap_or(after_method.len());
            (
                format!("the `{}` {kind}", endpoint.trim_matches('/')),
                3 + schema_at,
            )
        }
        Some("components") if raw.len() > 2 => (format!("`{}`", unescape(raw[2])), 3),
        _ => ("the spec".to_owned(), 0),
    };
    let mut place = Place {
        owner,
        rest: String::new(),
        in_branch: false,
    };
    let mut i = start;
    while i < raw.len() {
        match raw[i] {
            "properties" if i + 1 < raw.len() => {
                if !place.rest.is_empty() {
                    place.rest.push('.');
                }
                place.rest.push_str(&unescape(raw[i + 1]));
                i += 2;
            }
            "items" => {
                place.rest.push_str("[]");
                i += 1;
            }
            "additionalProperties" => {
                place.rest.push_str("{}");
                i += 1;
            }
            "oneOf" | "anyOf" | "allOf" if i + 1 < raw.len() => {
                let at = format!("/{}", raw[..=i + 1].join("/"));
                // `allOf` parts are merged into one struct: nothing to say.
                if let Some(branch) = branches.get(&at) {
                    place.owner = match &branch.tagged {
                        Some((union, property, values)) => {
                            let values: Vec<String> =
                                values.iter().map(|v| format!("`{v}`")).collect();
                            // An endpoint's answer is named by its endpoint.
                            let whole = if union.starts_with("Response") && place.rest.is_empty() {
                                place.owner.clone()
                            } else {
                                format!("a `{union}`")
                            };
                            format!("{whole} whose `{property}` is {}", values.join(" or "))
                        }
                        None if place.rest.is_empty() => {
                            format!("the `{}` form of {}", branch.variant, place.owner)
                        }
                        None => format!(
                            "the `{}` form of `{}` in {}",
                            branch.variant, place.rest, place.owner
                        ),
                    };
                    place.rest.clear();
                    place.in_branch = true;
                }
                i += 2;
            }
            other => {
                if !place.rest.is_empty() {
                    place.rest.push('.');
                }
                place.rest.push_str(&unescape(other));
                i += 1;
            }
        }
    }
    place
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(owner: &str, rest: &str, in_branch: bool) -> Place {
        Place {
            owner: owner.into(),
            rest: rest.into(),
            in_branch,
        }
    }

    #[test]
    fn places_read_as_owner_and_property_path() {
        let none = HashMap::new();
        assert_eq!(
            describe_pointer(
                "/paths/~1notes~1create/post/requestBody/content/application~1json/schema/properties/poll/properties/choices/items",
                &none
            ),
            place("the `notes/create` request", "poll.choices[]", false)
        );
        assert_eq!(
            describe_pointer("/components/schemas/Note/properties/visibility", &none),
            place("`Note`", "visibility", false)
        );
        // An `allOf` part is merged: it is not named.
        assert_eq!(
            describe_pointer("/components/schemas/Role/allOf/1/properties/target", &none),
            place("`Role`", "target", false)
        );
    }

    #[test]
    fn union_branches_are_named_by_what_they_are() {
        let mut branches = HashMap::new();
        branches.insert(
            "/components/schemas/Notification/oneOf/12".to_owned(),
            Branch {
                variant: "ExportCompleted".into(),
                tagged: Some((
                    "Notification".into(),
                    "type".into(),
                    vec!["exportCompleted".into()],
                )),
            },
        );
        branches.insert(
            "/paths/~1users~1show/post/responses/200/content/application~1json/schema/oneOf/1"
                .to_owned(),
            Branch {
                variant: "List".into(),
                tagged: None,
            },
        );
        assert_eq!(
            describe_pointer(
                "/components/schemas/Notification/oneOf/12/properties/exportedEntity",
                &branches
            ),
            place(
                "a `Notification` whose `type` is `exportCompleted`",
                "exportedEntity",
                true
            )
        );
        let list = describe_pointer(
            "/paths/~1users~1show/post/responses/200/content/application~1json/schema/oneOf/1",
            &branches,
        );
        assert_eq!(
            list,
            place("the `List` form of the `users/show` response", "", true)
        );
    }
}
