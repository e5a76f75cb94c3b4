//! Step 2 of the pipeline: turn the spec's schemas and operations into the
//! shapes of the intermediate model.
//!
//! * `schema.rs`: schemas to types. Every inline schema is lowered once,
//!   keyed by its JSON pointer, so a property reached twice (for example
//!   through `allOf` flattening) keeps one type and one name. Names come
//!   from where a schema sits: a property `poll` of the request of
//!   `notes/create` becomes `notes::create::Poll`, a property `visibility`
//!   of the model `Note` becomes `models::NoteVisibility`.
//! * `endpoint.rs`: operations to endpoints: the request body, the status
//!   codes and what they say (`204`, `429`, documented errors).
//! * `description.rs`: the credential, permission and internal lines Misskey
//!   appends to every description.
//! * `groups.rs`: the cargo feature group of every endpoint, and the
//!   permission list.
//!
//! Lowering records what the spec says. What it becomes in Rust beyond the
//! shape (boxing, defaults, sharing, features, field representation) is
//! decided afterwards by the [passes](crate::passes).

pub(crate) mod description;
mod endpoint;
mod groups;
mod schema;

use std::collections::{BTreeMap, HashMap, HashSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::error::{push_pointer, Error};
use crate::ir::{Api, Features, Home, Role, Summary, Ty, TypeDef, TypeId, TypeKind, Types};
use crate::load::LoadedSpec;
use crate::names::{pascal, NameSet};
use crate::schema::COMPONENT_PREFIX;

/// Number of operations (method + path) in a document.
pub fn operation_count(openapi: &OpenAPI) -> usize {
    openapi
        .paths
        .paths
        .values()
        .filter_map(|item| item.as_item())
        .map(|item| item.iter().count())
        .sum()
}

/// Lowers a loaded spec into the intermediate model (before the passes).
pub fn lower(spec: &LoadedSpec, scopes: Option<&[String]>) -> Result<Api, Error> {
    let openapi = &spec.openapi;
    let mut cx = Lowerer::new(openapi);
    cx.lower_components()?;
    let mut endpoints = cx.lower_endpoints()?;
    if endpoints.is_empty() {
        return Err(Error::at(
            "/paths",
            "no operations: a Misskey spec lists its endpoints as `post` (and `get`) operations \
             under `paths`, and this one has none",
        ));
    }
    groups::assign_groups(&mut endpoints);
    let permissions = groups::permission_list(scopes, &endpoints);
    Ok(Api {
        version: openapi.info.version.clone(),
        openapi_version: spec.openapi_version.clone(),
        types: cx.types,
        endpoints,
        permissions,
        model_files: Vec::new(),
        features: Features::default(),
        summary: Summary::default(),
    })
}

/// A schema position: either a `$ref` or an inline schema.
#[derive(Clone, Copy)]
enum Node<'a> {
    Ref(&'a str),
    Item(&'a Schema),
}

impl<'a> Node<'a> {
    fn of(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(s) => Node::Item(s),
        }
    }

    fn of_boxed(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(s) => Node::Item(s),
        }
    }

    fn doc(self) -> Option<String> {
        match self {
            Node::Item(s) => s.schema_data.description.clone(),
            Node::Ref(_) => None,
        }
    }
}

/// Naming context: where a type would be defined and what it would be called.
#[derive(Clone)]
struct Ctx {
    home: Home,
    /// Candidate names, best first.
    names: Vec<String>,
    /// The slot of the component whose schema this is: the type made here
    /// is that component (under its reserved name).
    component_root: Option<TypeId>,
}

impl Ctx {
    /// Context for the schema of a component, or for the properties of a
    /// component merged elsewhere (which keep the component's names).
    fn models(name: &str, component: &str) -> Self {
        Ctx {
            home: Home::Models {
                component: component.to_owned(),
            },
            names: vec![name.to_owned()],
            component_root: None,
        }
    }

    fn endpoint(index: usize, name: &str) -> Self {
        Ctx {
            home: Home::Endpoint(index),
            names: vec![name.to_owned()],
            component_root: None,
        }
    }

    /// The name a type made here would get, for naming what it contains.
    fn base(&self) -> String {
        self.names.last().cloned().unwrap_or_default()
    }

    /// Context for a property `prop` of the type named `parent`.
    fn child(&self, parent: &str, prop: &str) -> Self {
        let p = pascal(prop);
        let names = match self.home {
            Home::Models { .. } => vec![format!("{parent}{p}")],
            Home::Endpoint(_) => vec![p.clone(), format!("{parent}{p}")],
        };
        Ctx {
            home: self.home.clone(),
            names,
            component_root: None,
        }
    }

    /// Context for the items of a list: the singular of this context's names
    /// (`choices` → `Choice`), or `...Item` when there is no plural to undo.
    fn item(&self) -> Self {
        let names = self
            .names
            .iter()
            .map(|n| pascal(&crate::names::singular(n)))
            .collect();
        Ctx {
            home: self.home.clone(),
            names,
            component_root: None,
        }
    }
}

/// The lowering state: the type table being filled and what is in progress.
struct Lowerer<'a> {
    openapi: &'a OpenAPI,
    /// Component name → (schema, Rust name, slot in the table).
    components: BTreeMap<&'a str, (&'a ReferenceOr<Schema>, String, TypeId)>,
    /// Component slots that a definition has filled.
    filled: HashSet<TypeId>,
    types: Types,
    model_names: NameSet,
    /// Names taken in the module of the endpoint being lowered.
    endpoint_names: NameSet,
    /// Types defined in the module of the endpoint being lowered.
    endpoint_types: Vec<TypeId>,
    /// Lowered inline schemas by pointer: their type and nullability.
    cache: HashMap<String, (Ty, bool)>,
    /// Components being merged by `allOf`, to catch one that includes itself.
    flatten_stack: Vec<String>,
    /// Pointers of the schemas being lowered right now, to catch a schema
    /// that contains itself without a named type in between.
    in_progress: HashSet<String>,
}

impl<'a> Lowerer<'a> {
    fn new(openapi: &'a OpenAPI) -> Self {
        let mut model_names = NameSet::default();
        let mut components = BTreeMap::new();
        let mut types = Types::default();
        if let Some(c) = &openapi.components {
            for (name, schema) in &c.schemas {
                let rust = model_names.take(&[pascal(name)]);
                // Every component has its slot before anything is lowered,
                // so references can name it in any order.
                let id = types.push(TypeDef::new(
                    rust.clone(),
                    Home::Models {
                        component: name.clone(),
                    },
                    Role::Component,
                    push_pointer("/components/schemas", name),
                    TypeKind::Alias(Ty::Json),
                ));
                components.insert(name.as_str(), (schema, rust, id));
            }
        }
        Lowerer {
            openapi,
            components,
            filled: HashSet::new(),
            types,
            model_names,
            endpoint_names: NameSet::default(),
            endpoint_types: Vec::new(),
            cache: HashMap::new(),
            flatten_stack: Vec::new(),
            in_progress: HashSet::new(),
        }
    }

    /// Resolves a `$ref` to a component: its name, schema, Rust name and slot.
    fn component(
        &self,
        reference: &str,
        ptr: &str,
    ) -> Result<(&'a str, Node<'a>, String, TypeId), Error> {
        let name = reference.strip_prefix(COMPONENT_PREFIX).ok_or_else(|| {
            Error::at(
                push_pointer(ptr, "$ref"),
                format!(
                    "unsupported reference `{reference}`: only `#/components/schemas/...` is supported"
                ),
            )
        })?;
        let name = name.replace("~1", "/").replace("~0", "~");
        let (key, (schema, rust, id)) =
            self.components
                .get_key_value(name.as_str())
                .ok_or_else(|| {
                    Error::at(
                        push_pointer(ptr, "$ref"),
                        format!(
                            "reference to `{reference}`, which is not defined in components/schemas"
                        ),
                    )
                })?;
        Ok((key, Node::of(schema), rust.clone(), *id))
    }

    /// Reserves a name and a slot for a type made in `ctx`, so a parent is
    /// listed before its children. A component root fills its own slot.
    fn open_type(&mut self, ctx: &Ctx, source: &str) -> TypeId {
        if let Some(id) = ctx.component_root {
            self.filled.insert(id);
            return id;
        }
        let name = match &ctx.home {
            Home::Models { .. } => self.model_names.take(&ctx.names),
            Home::Endpoint(_) => self.endpoint_names.take(&ctx.names),
        };
        let id = self.types.push(TypeDef::new(
            name,
            ctx.home.clone(),
            Role::Nested,
            source.to_owned(),
            TypeKind::Alias(Ty::Json),
        ));
        if let Home::Endpoint(_) = ctx.home {
            self.endpoint_types.push(id);
        }
        id
    }

    /// Fills a slot reserved by [`open_type`](Self::open_type).
    fn close_type(&mut self, id: TypeId, doc: Option<String>, kind: TypeKind) {
        let def = &mut self.types[id];
        def.doc = doc;
        def.kind = kind;
    }
}

/// Joins two optional doc texts with a blank line.
fn join_docs(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}\n\n{b}")),
        (a, b) => a.or(b),
    }
}
