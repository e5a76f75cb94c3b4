//! Fix-ups for what the spec cannot say, each a small named function with
//! the reason it exists. They are the only place where the generator knows
//! about particular schemas; everything else follows from the spec's shapes.
//!
//! * [`readable_names`]: a reviewed table of shorter names for types whose
//!   generated name is unreadable.

use std::collections::HashSet;

use crate::ir::{Api, Home, Role};

/// Shorter names: `(generated, readable)`. An entry renames the type with
/// that generated name and every type named after it (`...ConfigNoteList`
/// with the `...ConfigNote` entry), except components, which keep the
/// spec's names. The longest matching entry wins.
///
/// * The notification settings of `MeDetailed` (also `i/update`'s): each
///   kind of notification (`note`, `follow`, ...) holds the same filter,
///   named after the first property that uses it.
/// * The nested types of `MeDetailedOnly`, `UserDetailedNotMeOnly` and
///   `MetaDetailedOnly` (the halves that `allOf` adds to the lite models)
///   are named after the detailed model that users see.
pub const RENAMES: &[(&str, &str)] = &[
    (
        "MeDetailedOnlyNotificationRecieveConfigNote",
        "NotificationFilter",
    ),
    (
        "MeDetailedOnlyNotificationRecieveConfig",
        "NotificationRecieveConfig",
    ),
    ("MeDetailedOnlySecurityKeysListItem", "SecurityKey"),
    ("MeDetailedOnly", "MeDetailed"),
    ("UserDetailedNotMeOnly", "UserDetailed"),
    ("MetaDetailedOnly", "MetaDetailed"),
];

/// Applies [`RENAMES`] to the printed types of `models`.
pub fn readable_names(api: &mut Api) {
    let mut taken: HashSet<String> = api
        .types
        .iter()
        .filter(|(_, d)| d.home.is_models() && d.printed())
        .map(|(_, d)| d.name.clone())
        .collect();
    for (_, def) in api.types.iter_mut() {
        if !def.home.is_models() || !def.printed() || def.role == Role::Component {
            continue;
        }
        let Some((from, to)) = rename_for(&def.name) else {
            continue;
        };
        let renamed = format!("{to}{}", &def.name[from.len()..]);
        // A name the table would give twice stays as generated.
        if !taken.insert(renamed.clone()) {
            continue;
        }
        taken.remove(&def.name);
        if let Home::Models { component } = &mut def.home {
            // A shape in a file of its own names the file too.
            if *component == def.name {
                *component = renamed.clone();
            }
        }
        def.name = renamed;
    }
}

/// The longest entry of [`RENAMES`] that names `name` or a name made from it.
fn rename_for(name: &str) -> Option<(&'static str, &'static str)> {
    RENAMES
        .iter()
        .filter(|(from, _)| {
            name.strip_prefix(from)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_uppercase))
        })
        .max_by_key(|(from, _)| from.len())
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_entry_for_a_whole_word_prefix_wins() {
        assert_eq!(
            rename_for("MeDetailedOnlyNotificationRecieveConfigNoteList"),
            Some((
                "MeDetailedOnlyNotificationRecieveConfigNote",
                "NotificationFilter"
            ))
        );
        assert_eq!(
            rename_for("MeDetailedOnlyNotificationRecieveConfig"),
            Some((
                "MeDetailedOnlyNotificationRecieveConfig",
                "NotificationRecieveConfig"
            ))
        );
        assert_eq!(
            rename_for("MeDetailedOnlyAchievement").map(|r| r.1),
            Some("MeDetailed")
        );
        // Not a word boundary.
        assert_eq!(rename_for("MeDetailedOnlyx"), None);
        assert_eq!(rename_for("Note"), None);
    }
}
