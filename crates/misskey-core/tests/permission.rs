//! The generated `Permission` enum behaves like the strings Misskey uses.

use misskey_core::{Nullable, Permission};
use std::str::FromStr;

#[test]
fn known_permissions_round_trip_as_strings() {
    assert_eq!(Permission::WriteNotes.as_str(), "write:notes");
    assert_eq!(
        Permission::from_str("read:admin:meta").unwrap(),
        Permission::ReadAdminMeta
    );
    assert_eq!(Permission::ReadAccount.to_string(), "read:account");
    assert_eq!(
        serde_json::to_string(&Permission::WriteNotes).unwrap(),
        "\"write:notes\""
    );
    let p: Permission = serde_json::from_str("\"write:drive\"").unwrap();
    assert_eq!(p, Permission::WriteDrive);
    assert!(Permission::KNOWN.len() >= 83);
    assert_eq!(Permission::all().count(), Permission::KNOWN.len());
    assert!(Permission::all().all(|p| p.is_known()));
}

#[test]
fn unknown_permissions_are_kept_not_dropped() {
    let p: Permission = serde_json::from_str("\"write:fork-only-feature\"").unwrap();
    assert!(matches!(&p, Permission::Other(v) if v.as_str() == "write:fork-only-feature"));
    assert_eq!(p, Permission::from("write:fork-only-feature"));
    assert!(!p.is_known());
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        "\"write:fork-only-feature\""
    );
    assert!(p.is_write() && !p.is_read());
}

#[test]
fn read_write_admin_helpers() {
    assert!(Permission::ReadAccount.is_read());
    assert!(Permission::WriteNotes.is_write());
    assert!(Permission::WriteAdminRoles.is_admin() && Permission::WriteAdminRoles.is_write());
    assert!(!Permission::WriteNotes.is_admin());
    let mut list = vec![Permission::WriteNotes, Permission::ReadAccount];
    list.sort();
    assert_eq!(Permission::join(&list, ","), "read:account,write:notes");
}

#[test]
fn nullable_serializes_three_ways() {
    #[derive(serde::Serialize, serde::Deserialize, Default, Debug, PartialEq)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        description: Nullable<String>,
    }
    let absent = Patch::default();
    let null = Patch {
        description: Nullable::Null,
    };
    let value = Patch {
        description: "hi".into(),
    };
    assert_eq!(serde_json::to_string(&absent).unwrap(), "{}");
    assert_eq!(
        serde_json::to_string(&null).unwrap(),
        r#"{"description":null}"#
    );
    assert_eq!(
        serde_json::to_string(&value).unwrap(),
        r#"{"description":"hi"}"#
    );
    for p in [absent, null, value] {
        let back: Patch = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }
}
