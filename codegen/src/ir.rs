//! The intermediate model: what to generate, in Rust terms, without syntax.
//!
//! Lowering fills it from the spec (the shapes), the passes decide what the
//! shapes become (boxing, defaults, sharing, names, features, field
//! representation, docs), and emit prints it. Every generated type lives in
//! one table, [`Types`], and is referred to by its [`TypeId`].

use std::collections::BTreeSet;
use std::ops::{Index, IndexMut};

/// Everything generated from one spec.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.version` of the spec, such as `2024.10.1`.
    pub version: String,
    /// `openapi` of the spec, such as `3.1.0`.
    pub openapi_version: String,
    /// Every generated type.
    pub types: Types,
    /// One entry per endpoint, sorted by name.
    pub endpoints: Vec<Endpoint>,
    /// Every permission: the instance's published list first, then any the
    /// spec's endpoints name that the list lacks.
    pub permissions: StringEnum,
    /// The files under `models/`, in the order `models/mod.rs` lists them
    /// (decided by the `files` pass).
    pub model_files: Vec<ModelFile>,
    /// Cargo features (decided by the `features` pass).
    pub features: Features,
    /// Counts for the summary line and the crate docs (the `count` pass).
    pub summary: Summary,
}

impl Api {
    /// The variant of [`Api::permissions`] that stands for `value`.
    pub fn permission(&self, value: &str) -> Option<&Variant> {
        self.permissions.variants.iter().find(|p| p.value == value)
    }
}

/// The index of a type in [`Types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// The one table of generated types.
#[derive(Debug, Clone, Default)]
pub struct Types {
    defs: Vec<TypeDef>,
}

impl Types {
    /// Adds a type and returns its id.
    pub fn push(&mut self, def: TypeDef) -> TypeId {
        self.defs.push(def);
        TypeId(self.defs.len() - 1)
    }

    /// Number of types.
    pub fn len(&self) -> usize {
        self.defs.len()
    }

    /// Whether there are no types.
    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Every id, in table order.
    pub fn ids(&self) -> impl Iterator<Item = TypeId> {
        (0..self.defs.len()).map(TypeId)
    }

    /// Every type with its id, in table order.
    pub fn iter(&self) -> impl Iterator<Item = (TypeId, &TypeDef)> {
        self.defs.iter().enumerate().map(|(i, d)| (TypeId(i), d))
    }

    /// Every type, mutably, in table order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (TypeId, &mut TypeDef)> {
        self.defs
            .iter_mut()
            .enumerate()
            .map(|(i, d)| (TypeId(i), d))
    }
}

impl Index<TypeId> for Types {
    type Output = TypeDef;
    fn index(&self, id: TypeId) -> &TypeDef {
        &self.defs[id.0]
    }
}

impl IndexMut<TypeId> for Types {
    fn index_mut(&mut self, id: TypeId) -> &mut TypeDef {
        &mut self.defs[id.0]
    }
}

/// Where a type is defined in the generated crate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Home {
    /// `crate::models`, in the file of this component (or of the shared
    /// shape with this name).
    Models {
        /// The component schema the type belongs to, such as `Note`.
        component: String,
    },
    /// The module of the endpoint with this index in [`Api::endpoints`].
    Endpoint(usize),
}

impl Home {
    /// Whether the type is in `crate::models`.
    pub fn is_models(&self) -> bool {
        matches!(self, Home::Models { .. })
    }
}

/// What a type is for, as far as the passes need to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A schema of `components/schemas` itself.
    Component,
    /// An endpoint's `Request` (the JSON body).
    Request,
    /// Any other type: nested in a component or an endpoint, or shared.
    Nested,
}

/// The Rust shape of a value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Ty {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `f64`.
    Number,
    /// `bool`.
    Boolean,
    /// `misskey_core::Id`.
    Id,
    /// `misskey_core::DateTime`.
    DateTime,
    /// `misskey_core::Permission`: a string a fix-up knows is a permission.
    Permission,
    /// `serde_json::Value`: the schema allows any JSON.
    Json,
    /// `Vec<T>`.
    Array(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// A fixed-length JSON array, as a Rust tuple.
    Tuple(Vec<Ty>),
    /// `Option<T>` as a list item, map value or union payload that may be `null`.
    Optional(Box<Ty>),
    /// A generated type.
    Named(TypeId),
}

impl Ty {
    /// Every generated type this expression mentions, in any position.
    pub fn named(&self, out: &mut Vec<TypeId>) {
        match self {
            Ty::Named(id) => out.push(*id),
            Ty::Array(t) | Ty::Map(t) | Ty::Optional(t) => t.named(out),
            Ty::Tuple(ts) => ts.iter().for_each(|t| t.named(out)),
            _ => {}
        }
    }

    /// The generated type this expression holds by value (directly or
    /// through `Option`), which is what can make a type contain itself.
    pub fn direct(&self) -> Option<TypeId> {
        match self {
            Ty::Named(id) => Some(*id),
            Ty::Optional(t) => t.direct(),
            _ => None,
        }
    }

    /// Replaces every mention of a type.
    pub fn rewrite(&mut self, f: &mut impl FnMut(TypeId) -> TypeId) {
        match self {
            Ty::Named(id) => *id = f(*id),
            Ty::Array(t) | Ty::Map(t) | Ty::Optional(t) => t.rewrite(f),
            Ty::Tuple(ts) => ts.iter_mut().for_each(|t| t.rewrite(f)),
            _ => {}
        }
    }
}

/// A generated type definition.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, unique within its home.
    pub name: String,
    /// Where it is defined.
    pub home: Home,
    /// What it is for.
    pub role: Role,
    /// Doc comment: the spec's text, or (after the `docs` pass) one made
    /// from where the type sits.
    pub doc: Option<String>,
    /// JSON pointer of the schema it was made from.
    pub source: String,
    /// The definition.
    pub kind: TypeKind,
    /// Reachable from a request: optional nullable fields are tri-state
    /// (`Nullable`) (the `sides` pass).
    pub request_side: bool,
    /// Reachable from a response or a component: decoded from what servers
    /// send, so missing flags and lists read leniently (the `sides` pass).
    pub response_side: bool,
    /// Implements `Default` (the `defaults` pass).
    pub derive_default: bool,
    /// The same shape as another type, which every reference now names: this
    /// one is not printed, unless it keeps a path alive as an alias (the
    /// `share` pass).
    pub merged_into: Option<TypeId>,
    /// No longer needed (the tag enum of a union branch whose tag the union
    /// writes itself): not printed.
    pub dropped: bool,
    /// Marked `#[non_exhaustive]`: the server may add values, branches or
    /// fields, and users only read it (the `sides` pass).
    pub non_exhaustive: bool,
    /// Where else the spec repeats this shape (`` `charts/drive` ``,
    /// `` `MeDetailedOnly` ``), for its docs (the `share` pass).
    pub shared_by: Vec<String>,
    /// Its `Deserialize` impl is only compiled with `deserialize-requests`
    /// (nothing but requests reach it; the `features` pass).
    pub deserialize_gated: bool,
    /// It has a required `id: Id` (every branch has, for unions), so it
    /// implements `HasId` (the `ids` pass).
    pub has_id: bool,
}

impl TypeDef {
    /// A type as lowering records it: what the spec says, no decision made yet.
    pub fn new(name: String, home: Home, role: Role, source: String, kind: TypeKind) -> Self {
        TypeDef {
            name,
            home,
            role,
            doc: None,
            source,
            kind,
            request_side: false,
            response_side: false,
            derive_default: false,
            merged_into: None,
            dropped: false,
            non_exhaustive: false,
            shared_by: Vec::new(),
            deserialize_gated: false,
            has_id: false,
        }
    }

    /// Whether the type is printed (not merged into another, not dropped).
    pub fn printed(&self) -> bool {
        self.merged_into.is_none() && !self.dropped
    }

    /// The types this definition mentions, in any position.
    pub fn children(&self) -> Vec<TypeId> {
        let mut out = Vec::new();
        for ty in self.kind.tys() {
            ty.named(&mut out);
        }
        out
    }
}

/// What kind of type a [`TypeDef`] is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Vec<Field>),
    /// A string with a known set of values, plus a catch-all for others.
    StringEnum(StringEnum),
    /// One of several shapes.
    Union(Union),
    /// Another name for a type (a component that is just an array or a
    /// reference, or a copy of a shared shape kept under its old path).
    Alias(Ty),
}

impl TypeKind {
    /// The type expressions of the definition: fields, branches, the aliased type.
    pub fn tys(&self) -> Vec<&Ty> {
        match self {
            TypeKind::Struct(fields) => fields.iter().map(|f| &f.ty).collect(),
            TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
            TypeKind::Alias(t) => vec![t],
            TypeKind::StringEnum(_) => Vec::new(),
        }
    }

    /// The type expressions of the definition, mutably.
    pub fn tys_mut(&mut self) -> Vec<&mut Ty> {
        match self {
            TypeKind::Struct(fields) => fields.iter_mut().map(|f| &mut f.ty).collect(),
            TypeKind::Union(u) => u.variants.iter_mut().map(|v| &mut v.ty).collect(),
            TypeKind::Alias(t) => vec![t],
            TypeKind::StringEnum(_) => Vec::new(),
        }
    }
}

/// One struct field.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Field {
    /// The JSON property name.
    pub json_name: String,
    /// The Rust field name (may be a raw identifier such as `r#type`).
    pub rust_name: String,
    /// The value type, before `Option`/`Nullable`/`Box` wrapping.
    pub ty: Ty,
    /// Whether the property is listed in `required`.
    pub required: bool,
    /// Whether `null` is allowed.
    pub nullable: bool,
    /// Whether the value must be boxed to break a type cycle (the `cycles` pass).
    pub boxed: bool,
    /// How the field is declared and (de)serialized (the `fields` pass).
    pub repr: Repr,
    /// Read tolerantly as an integer: the spec says `number`, a fix-up made
    /// it an integer (an integral float such as `16.0` still decodes).
    pub integral: bool,
    /// Doc comment from the spec.
    pub doc: Option<String>,
}

/// How a field is declared and (de)serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Repr {
    /// What wraps the value type.
    pub wrap: Wrap,
    /// What happens when the field is missing or empty.
    pub mode: Mode,
}

/// What wraps a field's value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Wrap {
    /// The type itself.
    #[default]
    Plain,
    /// `Option<T>`.
    Option,
    /// `misskey_core::Nullable<T>`: absent, `null` or a value.
    Nullable,
}

/// How a field is read and written (the modes of `misskey_core::object!`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Mode {
    /// Must be present; always written.
    #[default]
    Required,
    /// Missing reads as the default; always written.
    OrDefault,
    /// An `Option` left out when `None`.
    SkipNone,
    /// A `Nullable` left out when absent.
    SkipAbsent,
}

impl Mode {
    /// The mode's name in `misskey_core::object!`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Required => "required",
            Mode::OrDefault => "or_default",
            Mode::SkipNone => "skip_none",
            Mode::SkipAbsent => "skip_absent",
        }
    }
}

/// A named value: a Rust variant name and the JSON string it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Variant {
    /// The Rust variant name.
    pub name: String,
    /// The JSON value.
    pub value: String,
    /// Which versions of a merged set have the value, when not all do.
    pub note: Option<String>,
}

/// A string enum.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StringEnum {
    /// The values, in spec order.
    pub variants: Vec<Variant>,
    /// Name of the catch-all variant that keeps unknown strings.
    pub other: String,
    /// Index of the spec's `default` value, if it names one.
    pub default: Option<usize>,
}

/// A union of shapes (`oneOf` / `anyOf`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Union {
    /// The branches, in the order they are tried when decoding.
    pub variants: Vec<UnionVariant>,
    /// When every branch is an object told apart by a string property
    /// (`type`), the name of that property and of the catch-all variant
    /// that keeps unknown tags.
    pub tag: Option<Tag>,
    /// Fields every branch has, read through one method each
    /// (`Notification::created_at()`) (the `unions` pass).
    pub accessors: Vec<Accessor>,
    /// Whether every branch's tag can be read without parsing, so the
    /// union has a `kind()` (the `unions` pass).
    pub has_kind: bool,
}

/// A field every branch of a union has, with the same type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Accessor {
    /// The Rust field name, which is also the method's.
    pub rust_name: String,
    /// The JSON property.
    pub json_name: String,
    /// The field's value type.
    pub ty: Ty,
    /// How the field is declared in every branch.
    pub wrap: Wrap,
}

/// The discriminator of a tagged union.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    /// The JSON property, such as `type`.
    pub property: String,
    /// The Rust name of the catch-all variant.
    pub other: String,
}

/// One branch of a [`Union`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub name: String,
    /// The payload.
    pub ty: Ty,
    /// For tagged unions, the tag values that select this branch.
    pub tag_values: Vec<String>,
    /// For tagged unions, the Rust name of the payload's field that holds
    /// the tag. `None` when the payload leaves the tag out (it has one
    /// value, which the union writes itself; the `unions` pass).
    pub tag_field: Option<String>,
    /// Whether the payload must be boxed to break a type cycle.
    pub boxed: bool,
    /// JSON pointer of the branch's schema.
    pub source: Origin,
    /// For untagged unions, the JSON shape this branch accepts (the `unions` pass).
    pub shape: VariantShape,
}

/// Where in the spec something came from. Not part of its shape: two
/// unions whose branches sit at different places are still the same type,
/// so every `Origin` equals every other.
#[derive(Debug, Clone, Default)]
pub struct Origin(pub String);

impl PartialEq for Origin {
    fn eq(&self, _: &Origin) -> bool {
        true
    }
}

impl Eq for Origin {}

impl std::hash::Hash for Origin {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

/// The JSON shape a branch of an untagged union accepts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum VariantShape {
    /// An object; the keys only this branch requires.
    Object(Vec<String>),
    /// An array.
    Array,
    /// A string.
    String,
    /// Any number.
    Number,
    /// An integer.
    Integer,
    /// A boolean.
    Bool,
    /// Anything.
    Any,
}

/// One endpoint (one path of the spec).
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The name, which is also the path under `/api/`: `notes/create`.
    pub name: String,
    /// Rust module path segments: `["notes", "create"]`.
    pub module_path: Vec<String>,
    /// Cargo feature group (from the spec's tags).
    pub group: String,
    /// The description, without the trailing credential/permission lines.
    pub doc: Option<String>,
    /// Whether a credential is required.
    pub requires_credential: bool,
    /// The permission the token needs (one of [`Api::permissions`]).
    pub permission: Option<String>,
    /// Marked `**Internal Endpoint**`.
    pub internal: bool,
    /// Sent as `multipart/form-data`.
    pub multipart: bool,
    /// Names of multipart file fields left out of the request struct.
    pub file_fields: Vec<String>,
    /// Documents a `429`.
    pub rate_limited: bool,
    /// Also answers `GET`.
    pub allow_get: bool,
    /// Documented errors (the examples of the 4xx/5xx answers), in spec order.
    pub errors: Vec<ErrorDoc>,
    /// The `Request` struct.
    pub request: TypeId,
    /// JSON pointer of the request schema.
    pub request_source: Option<String>,
    /// The successful response.
    pub response: Response,
    /// Other types defined in this endpoint's module, in print order.
    pub types: Vec<TypeId>,
    /// Whether the request can be paginated with `sinceId`/`untilId` over
    /// items with an `id` (the `ids` pass).
    pub pagination: Option<Pagination>,
    /// The first version of a merged set that has the endpoint, when the
    /// oldest does not (`x-misskey-since`, see [`crate::merge`]).
    pub since: Option<String>,
    /// The first version of the set after it that no longer has it (`x-misskey-until`).
    pub until: Option<String>,
}

/// One documented error of an endpoint.
#[derive(Debug, Clone)]
pub struct ErrorDoc {
    /// The code, such as `NO_SUCH_NOTE`.
    pub code: String,
    /// Its stable UUID.
    pub id: Option<String>,
    /// The example's message.
    pub message: Option<String>,
    /// The variant of the endpoint's `ErrorCode`; `None` for a code any
    /// endpoint can answer (held by its `Common` variant).
    pub variant: Option<String>,
}

/// How an endpoint answers.
#[derive(Debug, Clone)]
pub enum Response {
    /// `204` only.
    Empty,
    /// `200` with this body (`Json` when the schema is missing).
    Json {
        /// The body type.
        ty: Ty,
        /// Whether the body may be `null` (the response is then `Option`).
        nullable: bool,
        /// JSON pointer of the schema.
        source: String,
    },
    /// `200` with this body or `204`.
    JsonOrEmpty {
        /// The body type.
        ty: Ty,
        /// JSON pointer of the schema.
        source: String,
    },
}

impl Response {
    /// The body type, if there is one.
    pub fn ty(&self) -> Option<&Ty> {
        match self {
            Response::Empty => None,
            Response::Json { ty, .. } | Response::JsonOrEmpty { ty, .. } => Some(ty),
        }
    }

    /// The body type, mutably.
    pub fn ty_mut(&mut self) -> Option<&mut Ty> {
        match self {
            Response::Empty => None,
            Response::Json { ty, .. } | Response::JsonOrEmpty { ty, .. } => Some(ty),
        }
    }
}

/// Pagination support of an endpoint.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Whether the request has `sinceId`.
    pub since_id: bool,
    /// Whether the request has `untilId`.
    pub until_id: bool,
    /// The item type of the response list.
    pub item: Ty,
}

/// One file under `models/`.
#[derive(Debug, Clone)]
pub struct ModelFile {
    /// The module and file name, such as `note` for `models/note.rs`.
    pub module: String,
    /// The component it holds (or the shared shape's name).
    pub component: String,
    /// Whether it holds a component schema (rather than a shared shape).
    pub is_component: bool,
    /// The types it defines, in print order.
    pub types: Vec<TypeId>,
    /// Features any of which compiles it; `None` when it is always compiled.
    pub cfg: Option<BTreeSet<String>>,
}

/// Which cargo feature enables what.
#[derive(Debug, Clone, Default)]
pub struct Features {
    /// Public groups with their endpoint counts, sorted by name.
    pub groups: Vec<(String, usize)>,
    /// The feature of each endpoint, by index (`internal` for internal ones).
    pub endpoint: Vec<String>,
}

/// Counts printed after a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Endpoints generated.
    pub endpoints: usize,
    /// Of which internal.
    pub internal_endpoints: usize,
    /// Struct and union types.
    pub models: usize,
    /// String enums.
    pub enums: usize,
    /// Places that became `serde_json::Value` because the spec allows any JSON there.
    pub untyped: usize,
    /// Permissions in the generated enum.
    pub permissions: usize,
}
