//! Fix-ups for what the spec cannot say, each a small named function with
//! the reason it exists. They are the only place where the generator knows
//! about particular schemas; everything else follows from the spec's shapes.
//!
//! * [`integral_counts`]: counts and sizes the spec types as `number` are
//!   integers (`i64`), read tolerantly (`16.0` still decodes; `16.5` is a
//!   decode error naming the value).
//! * [`typed_permissions`]: permission lists are `Vec<Permission>`.
//! * [`readable_names`]: a reviewed table of shorter names for types whose
//!   generated name is unreadable.

use std::collections::HashSet;

use crate::ir::{Api, Field, Home, Role, Ty, TypeKind};

/// Every struct field of the API, in any module.
fn fields_mut(api: &mut Api) -> impl Iterator<Item = &mut Field> {
    api.types
        .iter_mut()
        .flat_map(|(_, def)| match &mut def.kind {
            TypeKind::Struct(fields) => fields.iter_mut(),
            _ => [].iter_mut(),
        })
}

/// Whether a property with this JSON name holds a count or a size: `width`,
/// `height`, `size`, `votes`, `count`, a name ending in `Count` or `Size`
/// (`notesCount`, `reactionCount`, `maxFileSize`), or `reactions` (a note's
/// count per reaction).
///
/// Misskey's spec types every JavaScript number as `number`, so the counts
/// it sends as whole numbers would otherwise be `f64`.
pub fn is_count_name(json_name: &str) -> bool {
    const NAMES: &[&str] = &["width", "height", "size", "votes", "count", "reactions"];
    let suffixed = |suffix: &str| {
        json_name
            .strip_suffix(suffix)
            .is_some_and(|head| head.ends_with(|c: char| c.is_ascii_lowercase()))
    };
    NAMES.contains(&json_name) || suffixed("Count") || suffixed("Size")
}

/// `ty` with its `number` (inside lists, maps and options) made an integer,
/// or `None` when it holds no `number`.
fn integral(ty: &Ty) -> Option<Ty> {
    match ty {
        Ty::Number => Some(Ty::Integer),
        Ty::Array(t) => integral(t).map(|t| Ty::Array(Box::new(t))),
        Ty::Map(t) => integral(t).map(|t| Ty::Map(Box::new(t))),
        Ty::Optional(t) => integral(t).map(|t| Ty::Optional(Box::new(t))),
        _ => None,
    }
}

/// Makes the `number` fields that [`is_count_name`] names integers read
/// tolerantly (`Field::integral`). Returns how many fields changed.
pub fn integral_counts(api: &mut Api) -> usize {
    let mut changed = 0;
    for f in fields_mut(api) {
        if !is_count_name(&f.json_name) {
            continue;
        }
        if let Some(ty) = integral(&f.ty) {
            f.ty = ty;
            f.integral = true;
            changed += 1;
        }
    }
    changed
}

/// Makes `permission: string[]` (an app's permissions: `app/create`,
/// `miauth/gen-token`, the `App` model) a `Vec<Permission>`, which keeps a
/// permission this version does not know in its catch-all variant. Returns
/// how many fields changed.
pub fn typed_permissions(api: &mut Api) -> usize {
    let mut changed = 0;
    for f in fields_mut(api) {
        if f.json_name == "permission" && f.ty == Ty::Array(Box::new(Ty::String)) {
            f.ty = Ty::Array(Box::new(Ty::Permission));
            changed += 1;
        }
    }
    changed
}

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
/// * Names over 40 characters made of a long path (a notification kind and
///   its property, a component and its `type`) get the word that says what
///   they are.
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
    (
        "EmojiDetailedAdminRoleIdsThatCanBeUsedThisEmojiAsReactionItem",
        "EmojiReactionRole",
    ),
    (
        "NotificationAchievementEarnedAchievement",
        "EarnedAchievement",
    ),
    (
        "NotificationExportCompletedExportedEntity",
        "ExportedEntity",
    ),
    (
        "RoleCondFormulaFollowersOrFollowingOrNotes",
        "RoleCondCount",
    ),
    (
        "RoleCondFormulaValueUserSettingBooleanSchema",
        "RoleCondUserSetting",
    ),
];

/// Applies [`RENAMES`] to the printed types of `models`. Returns how many
/// types were renamed.
pub fn readable_names(api: &mut Api) -> usize {
    let mut renamed_count = 0;
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
        renamed_count += 1;
    }
    renamed_count
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
    use crate::ir::Types;
    use crate::passes::test_support::{api, field, model};

    #[test]
    fn count_names_are_whole_words_of_a_property_name() {
        for yes in [
            "width",
            "notesCount",
            "reactionCount",
            "maxFileSize",
            "votes",
            "reactions",
        ] {
            assert!(is_count_name(yes), "{yes}");
        }
        for no in [
            "ratio",
            "Count",
            "discount",
            "usage",
            "totalSizeMb",
            "fontSize2",
        ] {
            assert!(!is_count_name(no), "{no}");
        }
    }

    #[test]
    fn counts_become_integers_read_tolerantly_and_other_numbers_stay() {
        let mut types = Types::default();
        let note = types.push(model(
            "Note",
            "Note",
            TypeKind::Struct(vec![
                field("reactionCount", Ty::Number, true),
                field("reactions", Ty::Map(Box::new(Ty::Number)), true),
                field("width", Ty::Optional(Box::new(Ty::Number)), false),
                field("ratio", Ty::Number, true),
                field("repliesCount", Ty::Integer, true),
                field("size", Ty::String, true),
            ]),
        ));
        let mut api = api(types, vec![], vec![]);
        assert_eq!(integral_counts(&mut api), 3);
        let TypeKind::Struct(fields) = &api.types[note].kind else {
            unreachable!("built as a struct above")
        };
        let got: Vec<(&str, &Ty, bool)> = fields
            .iter()
            .map(|f| (f.json_name.as_str(), &f.ty, f.integral))
            .collect();
        assert_eq!(
            got,
            [
                ("reactionCount", &Ty::Integer, true),
                ("reactions", &Ty::Map(Box::new(Ty::Integer)), true),
                ("width", &Ty::Optional(Box::new(Ty::Integer)), true),
                ("ratio", &Ty::Number, false),
                ("repliesCount", &Ty::Integer, false),
                ("size", &Ty::String, false),
            ]
        );
    }

    #[test]
    fn only_a_string_list_named_permission_becomes_permissions() {
        let strings = || Ty::Array(Box::new(Ty::String));
        let mut types = Types::default();
        let app = types.push(model(
            "App",
            "App",
            TypeKind::Struct(vec![
                field("permission", strings(), true),
                field("permissions", strings(), true),
                field("name", Ty::String, true),
            ]),
        ));
        let mut api = api(
            types,
            vec![vec![field("permission", strings(), true)]],
            vec![vec![]],
        );
        assert_eq!(
            typed_permissions(&mut api),
            2,
            "the model's and the request's"
        );
        let TypeKind::Struct(fields) = &api.types[app].kind else {
            unreachable!("built as a struct above")
        };
        assert_eq!(fields[0].ty, Ty::Array(Box::new(Ty::Permission)));
        assert_eq!(fields[1].ty, strings(), "not the name the fix-up knows");
    }

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
