//! Real-shaped admin requests and answers (no admin fixtures were recorded,
//! so these follow what a 2024.10.1 server sends for roles and users).

use misskey_api::endpoints::admin;
use misskey_api::models::{RoleCondFormulaValue, RoleTarget};
use serde_json::json;

#[test]
fn a_role_with_a_nested_condition_formula_round_trips() {
    let role = json!({
        "id": "9x2k1a0000",
        "name": "Regulars",
        "color": "#88cc00",
        "iconUrl": null,
        "description": "Local accounts older than a day that are not bots",
        "isModerator": false,
        "isAdministrator": false,
        "displayOrder": 3,
        "createdAt": "2024-10-20T08:15:30.123Z",
        "updatedAt": "2024-10-21T09:00:00.000Z",
        "target": "conditional",
        "condFormula": {
            "id": "f1", "type": "and",
            "values": [
                {"id": "f2", "type": "isLocal"},
                {"id": "f3", "type": "createdMoreThan", "sec": 86400},
                {"id": "f4", "type": "not", "value": {"id": "f5", "type": "isBot"}},
                {"id": "f6", "type": "hasPolicyFromTheFuture", "policy": "x"}
            ]
        },
        "isPublic": true,
        "isExplorable": true,
        "asBadge": false,
        "canEditMembersByModerator": false,
        "policies": {"canPublicNote": {"value": true, "priority": 0, "useDefault": false}, "driveCapacityMb": {"value": 2048, "priority": 1, "useDefault": false}},
        "usersCount": 12
    });
    let role: admin::roles::show::Response = serde_json::from_value(role.clone()).expect("decodes");
    assert_eq!(role.target, RoleTarget::Conditional);
    let RoleCondFormulaValue::Logics(and) = &role.cond_formula else {
        panic!("an `and` formula: {:?}", role.cond_formula)
    };
    assert_eq!(and.values.len(), 4);
    assert!(matches!(and.values[1], RoleCondFormulaValue::Created(ref c) if c.sec == 86400.0));
    assert!(matches!(and.values[2], RoleCondFormulaValue::Not(_)));
    // A condition type this version does not know is kept, not an error.
    assert!(
        matches!(&and.values[3], RoleCondFormulaValue::Other(v) if v.kind() == Some("hasPolicyFromTheFuture"))
    );
    let back = serde_json::to_value(&role).unwrap();
    assert_eq!(back["condFormula"]["values"][3]["policy"], "x");
    assert_eq!(back["policies"]["driveCapacityMb"]["value"], 2048);
}

#[test]
fn admin_requests_serialize_as_misskey_expects() {
    let req = admin::show_users::Request {
        limit: Some(50),
        sort: Some(admin::show_users::Sort::MinusCreatedAt),
        state: Some(admin::show_users::State::Moderator),
        hostname: misskey_core::Nullable::Null,
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({"limit": 50, "sort": "-createdAt", "state": "moderator", "hostname": null})
    );

    let req = admin::suspend_user::Request {
        user_id: "9x2k1a0000".into(),
    };
    assert_eq!(
        serde_json::to_value(&req).unwrap(),
        json!({"userId": "9x2k1a0000"})
    );
    use misskey_core::Endpoint;
    assert_eq!(
        admin::suspend_user::Request::PERMISSION.unwrap().as_str(),
        "write:admin:suspend-user"
    );
    const { assert!(admin::suspend_user::Request::REQUIRES_CREDENTIAL) };
}

#[test]
fn admin_show_users_answers_decode() {
    let user = json!([{
        "id": "9x2k1a0000", "name": null, "username": "alice", "host": null,
        "avatarUrl": "https://misskey.example/identicon/alice", "avatarBlurhash": null,
        "avatarDecorations": [], "isBot": false, "isCat": false, "emojis": {},
        "onlineStatus": "online", "badgeRoles": []
    }]);
    let decoded: Result<admin::show_users::Response, _> = serde_json::from_value(user);
    // `admin/show-users` answers UserDetailed; a UserLite-only object lacks its
    // required fields, and the error names the closest branch.
    let err = decoded.unwrap_err().to_string();
    assert!(err.contains("UserDetailed"), "{err}");
}
