//! `misskey_codegen::diff` (what `cargo xtask diff` prints) on small
//! hand-written specs: every kind of change, and nothing where nothing changed.

use misskey_codegen::diff::{diff, Change, Side};

const OLD: &str = include_str!("specs/diff/old.json");
const NEW: &str = include_str!("specs/diff/new.json");
const OLD_SCOPES: &str = include_str!("specs/diff/old-scopes.json");
const NEW_SCOPES: &str = include_str!("specs/diff/new-scopes.json");

const EXPECTED: &str = r#"# Misskey 2024.10.1 → 2025.11.0

| | 2024.10.1 | 2025.11.0 | |
|---|---|---|---|
| endpoints | 6 | 7 | 2 added, 1 removed, 5 changed |
| component schemas | 4 | 5 | 2 added, 1 removed, 2 changed |
| permissions (published) | 5 | 6 | 2 added, 1 removed |

Fields: 5 appeared, 1 disappeared, 3 became optional, 1 became required, 1 became nullable, 1 no longer nullable, 3 changed type. Enum values: 1 added, 0 removed. Union alternatives: 2 added or removed. Endpoint requirements or answers: 1 changed.

## Added endpoints (2)

- `chat/history` (`read:chat`)
- `chat/read-all` (`write:chat`)

## Removed endpoints (1)

- `i/read-all-unread-notes`

## Added permissions (2)

- `read:chat`
- `write:chat`

## Removed permissions (1)

- `write:account`

## Added components (2)

- `UserLite`
- `UserWebhook`

## Removed components (1)

- `Antenna`

## Changed endpoints (5)

### `admin/abuse-user-reports`

- response `[].moderationNote`: became nullable
- response `[].resolved`: became optional

### `admin/avatar-decorations/create`

- answer changed from 204 to JSON

### `i/webhooks/show`

- response: type changed from object to UserWebhook
- response `active`: appeared (boolean, required)

### `notes/create`

- request `scheduledAt`: appeared (integer, optional, nullable)
- request `text`: became required
- request `visibility`: enum values added: `local`
- request `cw`: type changed from string to integer
- request `localOnly`: disappeared

### `users/show`

- request `username`: appeared (string, optional)
- request `userId`: became optional
- response: alternative added: UserLite

## Changed components (2)

### `Note`

- `deletedAt`: appeared (string (date-time), optional, nullable)
- `text`: became optional
- `replyId`: no longer nullable
- `fileIds[]`: type changed from string to string (misskey:id)

### `Notification`

- alternative added: object with type "chatRoomInvitationReceived"
- `(as object with type "reaction").emoji`: appeared (string, optional, nullable)
"#;

fn side<'a>(spec: &'a str, scopes: Option<&'static str>) -> Side<'a> {
    Side { spec, scopes }
}

#[test]
fn the_report_names_every_change() {
    let report = diff(side(OLD, Some(OLD_SCOPES)), side(NEW, Some(NEW_SCOPES))).unwrap();
    let text = report.render();
    if text != EXPECTED {
        panic!("report differs; got:\n{text}");
    }
    let counts = report.counts();
    assert_eq!(counts.appeared, 5);
    assert_eq!(counts.became_nullable, 1);
    assert_eq!(counts.became_required, 1);
    assert!(report
        .render_summary()
        .starts_with("# Misskey 2024.10.1 → 2025.11.0"));
}

#[test]
fn without_permission_lists_the_permissions_endpoints_name_are_compared() {
    let report = diff(side(OLD, None), side(NEW, None)).unwrap();
    assert!(!report.permissions_published);
    assert_eq!(report.added_permissions, ["read:chat", "write:chat"]);
    assert_eq!(report.removed_permissions, ["write:account"]);
    assert!(report
        .render_summary()
        .contains("| permissions (named by endpoints) | 5 | 6 | 2 added, 1 removed |"));
}

#[test]
fn a_spec_compared_with_itself_has_no_changes() {
    let report = diff(side(NEW, None), side(NEW, None)).unwrap();
    assert!(report.endpoint_changes.is_empty() && report.component_changes.is_empty());
    assert!(report.added_endpoints.is_empty() && report.removed_endpoints.is_empty());
    assert!(report.render().contains("0 appeared, 0 disappeared"));
}

#[test]
fn the_same_api_spelled_as_openapi_3_0_and_3_1_has_no_changes() {
    let v31 = NEW;
    let v30 = NEW
        .replace(r#""openapi": "3.1.0""#, r#""openapi": "3.0.0""#)
        .replace(
            r#""type": ["string", "null"]"#,
            r#""type": "string", "nullable": true"#,
        )
        .replace(
            r#""type": ["integer", "null"]"#,
            r#""type": "integer", "nullable": true"#,
        );
    assert_ne!(v30, v31);
    let report = diff(side(&v30, None), side(v31, None)).unwrap();
    assert!(
        report.endpoint_changes.is_empty() && report.component_changes.is_empty(),
        "{}",
        report.render()
    );
}

#[test]
fn a_broken_side_is_named() {
    let e = diff(side("{", None), side(NEW, None)).unwrap_err();
    assert!(e.message.starts_with("old spec:"), "{e}");
    let e = diff(side(OLD, None), side(NEW, Some("[1]"))).unwrap_err();
    assert!(e.message.starts_with("new spec:"), "{e}");
}

#[test]
fn changes_carry_where_they_are() {
    let report = diff(side(OLD, None), side(NEW, None)).unwrap();
    let abuse = &report.endpoint_changes["admin/abuse-user-reports"];
    assert!(abuse.iter().any(|c| matches!(c,
        Change::BecameNullable { at } if at.part == "response" && at.path == "[].moderationNote")));
}
