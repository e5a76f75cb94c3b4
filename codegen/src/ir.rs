//! Step 3 of the pipeline: the intermediate model the emitter works from.
//!
//! It says what to generate in Rust terms (structs, string enums, unions,
//! endpoints) without any syntax, so that lowering decisions (naming, boxing,
//! nullability) and printing decisions stay apart.

/// Everything generated from one spec.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.version` of the spec, such as `2024.10.1`.
    pub version: String,
    /// `openapi` of the spec, such as `3.1.0`.
    pub openapi_version: String,
    /// Types shared across endpoints (`components/schemas` and their inline types).
    pub models: Vec<TypeDef>,
    /// One entry per endpoint, sorted by name.
    pub endpoints: Vec<Endpoint>,
    /// Every permission: the instance's published list first, then any the
    /// spec's endpoints name that the list lacks.
    pub permissions: Vec<String>,
}

/// Where a named type lives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// `crate::models`.
    Models,
    /// The module of the endpoint with this index in [`Api::endpoints`].
    Endpoint(usize),
}

/// A reference to a named type.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeRef {
    /// Where it is defined.
    pub scope: Scope,
    /// Its Rust name.
    pub name: String,
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
    Named(TypeRef),
}

/// A generated type definition.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name, unique within its scope.
    pub name: String,
    /// Doc comment from the spec.
    pub doc: Option<String>,
    /// JSON pointer of the schema it was made from.
    pub source: String,
    /// The definition.
    pub kind: TypeKind,
    /// Whether it needs `Default` (it is reachable from a request by value).
    pub needs_default: bool,
}

/// What kind of type a [`TypeDef`] is.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(Vec<Field>),
    /// A string with a known set of values, plus a catch-all for others.
    StringEnum(StringEnum),
    /// One of several shapes.
    Union(Union),
    /// Another name for a type (a component that is just an array or a reference).
    Alias(Ty),
}

/// One struct field.
#[derive(Debug, Clone)]
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
    /// Whether the value must be boxed to break a type cycle.
    pub boxed: bool,
    /// Doc comment from the spec.
    pub doc: Option<String>,
}

/// A string enum.
#[derive(Debug, Clone)]
pub struct StringEnum {
    /// `(variant name, JSON value)`, in spec order.
    pub variants: Vec<(String, String)>,
    /// Name of the catch-all variant that keeps unknown strings.
    pub other: String,
    /// Index of the spec's `default` value, if it names one.
    pub default: Option<usize>,
}

/// A union of shapes (`oneOf` / `anyOf`).
#[derive(Debug, Clone)]
pub struct Union {
    /// The branches, in the order they are tried when decoding.
    pub variants: Vec<UnionVariant>,
    /// When every branch is an object told apart by a string property
    /// (`type`), the name of that property. Unknown tags then decode into a
    /// catch-all variant instead of failing.
    pub tag: Option<String>,
    /// Whether every branch has an `id`, so the union can be a pagination item.
    pub has_id: bool,
}

/// One branch of a [`Union`].
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub name: String,
    /// The payload.
    pub ty: Ty,
    /// For tagged unions, the tag values that select this branch.
    pub tag_values: Vec<String>,
    /// Whether the payload must be boxed to break a type cycle.
    pub boxed: bool,
    /// For untagged unions, the JSON shape this branch accepts.
    pub shape: VariantShape,
}

/// The JSON shape a branch of an untagged union accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The raw credential/permission line, kept for the docs.
    pub requirements_line: Option<String>,
    /// Whether a credential is required.
    pub requires_credential: bool,
    /// The permission the token needs.
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
    /// Documented error codes, in spec order.
    pub error_codes: Vec<String>,
    /// Request fields (the `Request` struct).
    pub request: Vec<Field>,
    /// JSON pointer of the request schema.
    pub request_source: Option<String>,
    /// The successful response.
    pub response: Response,
    /// Types defined in this endpoint's module.
    pub types: Vec<TypeDef>,
    /// Whether the request can be paginated with `sinceId`/`untilId` over items with an `id`.
    pub pagination: Option<Pagination>,
}

/// How an endpoint answers.
#[derive(Debug, Clone)]
pub enum Response {
    /// `204` only.
    Empty,
    /// `200` with this body; `None` when the schema is missing.
    Json {
        ty: Ty,
        nullable: bool,
        source: String,
    },
    /// `200` with this body or `204`.
    JsonOrEmpty { ty: Ty, source: String },
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
