//! Small hand-written request types, shaped like the generated ones.

// Models mirror the server's shapes; not every field is read by every test.
#![allow(dead_code)]

use misskey_client::{HasId, Paginate};
use misskey_core::{Endpoint, Id, Nullable, Permission, ResponseShape};
use serde::{Deserialize, Serialize};

macro_rules! endpoint {
    ($ty:ty => $resp:ty, $path:literal, credential: $cred:expr, multipart: false, shape: $shape:ident) => {
        endpoint!(@impl $ty => $resp, $path, $cred, false, $shape);
        impl misskey_core::JsonEndpoint for $ty {}
    };
    ($ty:ty => $resp:ty, $path:literal, credential: $cred:expr, multipart: true, shape: $shape:ident) => {
        endpoint!(@impl $ty => $resp, $path, $cred, true, $shape);
        impl misskey_core::MultipartEndpoint for $ty {
            const FILE_FIELDS: &'static [&'static str] = &["file"];
        }
    };
    (@impl $ty:ty => $resp:ty, $path:literal, $cred:expr, $mp:expr, $shape:ident) => {
        impl Endpoint for $ty {
            type Response = $resp;
            const PATH: &'static str = $path;
            const REQUIRES_CREDENTIAL: bool = $cred;
            const PERMISSION: Option<Permission> = None;
            const MULTIPART: bool = $mp;
            const RATE_LIMITED: bool = false;
            const ALLOW_GET: bool = false;
            const INTERNAL: bool = false;
            const RESPONSE_SHAPE: ResponseShape = ResponseShape::$shape;
            const ERROR_CODES: &'static [&'static str] = &[];
        }
    };
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserLite {
    pub id: Id,
    pub username: String,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: Id,
    pub text: Option<String>,
    pub user: UserLite,
}

/// `notes/create`
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotesCreate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedNote {
    pub created_note: Note,
}

endpoint!(NotesCreate => CreatedNote, "notes/create", credential: true, multipart: false, shape: Json);

/// `notes/show`
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotesShow {
    pub note_id: Id,
}

endpoint!(NotesShow => Note, "notes/show", credential: false, multipart: false, shape: Json);

/// `notes/delete` (answers 204)
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotesDelete {
    pub note_id: Id,
}

endpoint!(NotesDelete => (), "notes/delete", credential: true, multipart: false, shape: Empty);

/// `meta`-like endpoint whose request has no fields (a struct with braces).
#[derive(Debug, Clone, Default, Serialize)]
pub struct NoFields {}

endpoint!(NoFields => serde_json::Value, "meta", credential: false, multipart: false, shape: Json);

/// A unit-struct request, which serde turns into `null`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UnitRequest;

endpoint!(UnitRequest => serde_json::Value, "ping", credential: false, multipart: false, shape: Json);

/// `endpoint`: 200 or 204.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointInfo {
    pub endpoint: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EndpointParams {
    pub params: Vec<EndpointParam>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EndpointParam {
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
}

endpoint!(EndpointInfo => Option<EndpointParams>, "endpoint", credential: false, multipart: false, shape: JsonOrEmpty);

/// `drive/files/create` (multipart)
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriveFilesCreate {
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub folder_id: Nullable<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Nullable::is_absent")]
    pub comment: Nullable<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_sensitive: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriveFile {
    pub id: Id,
    pub name: String,
    #[serde(rename = "type")]
    pub type_: String,
    pub size: u64,
}

endpoint!(DriveFilesCreate => DriveFile, "drive/files/create", credential: true, multipart: true, shape: Json);

/// `notes/timeline` (paginated)
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NotesTimeline {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since_id: Option<Id>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until_id: Option<Id>,
}

/// A minimal list item.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
pub struct Item {
    pub id: Id,
}

impl HasId for Item {
    fn id(&self) -> Option<&str> {
        Some(self.id.as_str())
    }
}

endpoint!(NotesTimeline => Vec<Item>, "notes/timeline", credential: true, multipart: false, shape: Json);

impl Paginate for NotesTimeline {
    type Item = Item;
    const SINCE_ID: bool = true;
    const UNTIL_ID: bool = true;
    fn until_id(&self) -> Option<&Id> {
        self.until_id.as_ref()
    }
    fn set_until_id(&mut self, id: Option<Id>) {
        self.until_id = id;
    }
    fn set_since_id(&mut self, id: Option<Id>) {
        self.since_id = id;
    }
    fn since_id(&self) -> Option<&Id> {
        self.since_id.as_ref()
    }
}

/// A list whose items may lack an id (an unknown kind).
#[derive(Debug, Clone, Deserialize)]
pub struct MaybeItem {
    pub id: Option<Id>,
}

impl HasId for MaybeItem {
    fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

/// `notes/timeline` answering [`MaybeItem`]s.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct MaybeTimeline(pub NotesTimeline);

endpoint!(MaybeTimeline => Vec<MaybeItem>, "notes/timeline", credential: true, multipart: false, shape: Json);

impl Paginate for MaybeTimeline {
    type Item = MaybeItem;
    const SINCE_ID: bool = true;
    const UNTIL_ID: bool = true;
    fn until_id(&self) -> Option<&Id> {
        self.0.until_id()
    }
    fn set_until_id(&mut self, id: Option<Id>) {
        self.0.set_until_id(id)
    }
    fn set_since_id(&mut self, id: Option<Id>) {
        self.0.set_since_id(id)
    }
    fn since_id(&self) -> Option<&Id> {
        self.0.since_id()
    }
}

/// A hand-written endpoint giving only what has no default.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ForkBookmarkCount {
    pub note_id: Id,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Count {
    pub count: u64,
}

impl Endpoint for ForkBookmarkCount {
    type Response = Count;
    const PATH: &'static str = "notes/bookmark-count";
}

impl misskey_core::JsonEndpoint for ForkBookmarkCount {}

/// A hand-written endpoint whose marker trait and `MULTIPART` disagree.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Confused {}

impl Endpoint for Confused {
    type Response = serde_json::Value;
    const PATH: &'static str = "drive/files/create";
    const MULTIPART: bool = true;
}

impl misskey_core::JsonEndpoint for Confused {}

/// The other way round: an upload marker on a JSON endpoint.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfusedUpload {}

impl Endpoint for ConfusedUpload {
    type Response = serde_json::Value;
    const PATH: &'static str = "meta";
}

impl misskey_core::MultipartEndpoint for ConfusedUpload {
    const FILE_FIELDS: &'static [&'static str] = &["file"];
}
