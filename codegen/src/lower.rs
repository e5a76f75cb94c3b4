//! Step 2 of the pipeline: decide the Rust shape of every schema and endpoint.
//!
//! Every inline schema is lowered once, keyed by its JSON pointer, so a
//! property reached twice (for example through `allOf` flattening) keeps one
//! type and one name. Names come from where a schema sits: a property `poll`
//! of the request of `notes/create` becomes `notes::create::Poll`, a property
//! `visibility` of the model `Note` becomes `models::NoteVisibility`.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, ReferenceOr, Schema, SchemaKind, StatusCode,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};

use crate::error::{push_pointer, Error};
use crate::ir::{
    Api, Endpoint, Field, Pagination, Response, Scope, StringEnum, Ty, TypeDef, TypeKind, TypeRef,
    Union, UnionVariant, VariantShape,
};
use crate::load::LoadedSpec;
use crate::names::{module_ident, pascal, singular, unique_field_names, NameSet};

const COMPONENT_PREFIX: &str = "#/components/schemas/";

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

/// Rejects components that are only references leading back to themselves
/// (`A: {$ref: B}`, `B: {allOf: [{$ref: A}]}`): they describe no value, and
/// the Rust type aliases would not compile.
fn check_alias_cycles(models: &[TypeDef]) -> Result<(), Error> {
    for start in models {
        let mut seen = vec![start.name.as_str()];
        let mut current = &start.kind;
        while let TypeKind::Alias(Ty::Named(r)) = current {
            if r.scope != Scope::Models {
                break;
            }
            if seen.contains(&r.name.as_str()) {
                return Err(Error::at(
                    &start.source,
                    format!(
                        "`{}` is only a reference to itself (through {}); it describes no value",
                        start.name,
                        seen.join(" → ")
                    ),
                ));
            }
            seen.push(&r.name);
            match models.iter().find(|t| t.name == r.name) {
                Some(next) => current = &next.kind,
                None => break,
            }
        }
    }
    Ok(())
}

/// Lowers a loaded spec into the intermediate model.
pub fn lower(spec: &LoadedSpec, scopes: Option<&[String]>) -> Result<Api, Error> {
    let openapi = &spec.openapi;
    let mut cx = Lowerer::new(openapi);
    cx.lower_components()?;
    check_alias_cycles(&cx.models)?;
    let mut endpoints = cx.lower_endpoints()?;
    if endpoints.is_empty() {
        return Err(Error::at(
            "/paths",
            "no operations: a Misskey spec lists its endpoints as `post` (and `get`) operations \
             under `paths`, and this one has none",
        ));
    }
    assign_groups(&mut endpoints);
    let mut models = std::mem::take(&mut cx.models);
    mark_boxes(&mut models, &mut endpoints);
    mark_defaults(&mut models, &mut endpoints);
    mark_union_ids(&mut models, &mut endpoints);
    mark_union_shapes(&mut models, &mut endpoints);
    let permissions = permission_list(scopes, &endpoints);
    Ok(Api {
        version: openapi.info.version.clone(),
        openapi_version: spec.openapi_version.clone(),
        models,
        endpoints,
        permissions,
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
}

/// Naming context: where a type would be defined and what it would be called.
#[derive(Clone)]
struct Ctx {
    scope: Scope,
    /// Candidate names, best first.
    names: Vec<String>,
}

impl Ctx {
    fn models(name: &str) -> Self {
        Ctx {
            scope: Scope::Models,
            names: vec![name.to_owned()],
        }
    }

    /// Context for a property `prop` of the type named `parent`.
    fn child(&self, parent: &str, prop: &str) -> Self {
        let p = pascal(prop);
        let names = match self.scope {
            Scope::Models => vec![format!("{parent}{p}")],
            Scope::Endpoint(_) => vec![p.clone(), format!("{parent}{p}")],
        };
        Ctx {
            scope: self.scope.clone(),
            names,
        }
    }

    /// Context for the items of a list: the singular of this context's names
    /// (`choices` → `Choice`), or `...Item` when there is no plural to undo.
    fn item(&self) -> Self {
        let names = self
            .names
            .iter()
            .map(|n| pascal(&singular(n.trim_end_matches('\u{0}'))))
            .collect();
        Ctx {
            scope: self.scope.clone(),
            names,
        }
    }
}

/// One property gathered for a struct: `(json name, schema, pointer, naming
/// context if inherited from a component, doc)`.
type GatheredProp<'a> = (String, Node<'a>, String, Option<Ctx>, Option<String>);

/// A union's discriminator: the property name and each branch's values.
type Tag = (String, Vec<Vec<String>>);

/// An object's properties gathered for a struct, with where each came from.
struct Gathered<'a> {
    props: Vec<GatheredProp<'a>>,
    required: BTreeSet<String>,
}

struct Lowerer<'a> {
    openapi: &'a OpenAPI,
    components: BTreeMap<&'a str, (&'a ReferenceOr<Schema>, String)>,
    models: Vec<TypeDef>,
    model_names: NameSet,
    endpoint_types: Vec<TypeDef>,
    endpoint_names: NameSet,
    cache: HashMap<String, (Ty, bool)>,
    flatten_stack: Vec<String>,
    /// Pointers of the schemas being lowered right now, to catch a schema
    /// that contains itself without a named type in between.
    in_progress: HashSet<String>,
}

struct Lowered {
    ty: Ty,
    nullable: bool,
}

impl<'a> Lowerer<'a> {
    fn new(openapi: &'a OpenAPI) -> Self {
        let mut model_names = NameSet::default();
        let mut components = BTreeMap::new();
        if let Some(c) = &openapi.components {
            for (name, schema) in &c.schemas {
                let rust = model_names.take(&[pascal(name)]);
                components.insert(name.as_str(), (schema, rust));
            }
        }
        Lowerer {
            openapi,
            components,
            models: Vec::new(),
            model_names,
            endpoint_types: Vec::new(),
            endpoint_names: NameSet::default(),
            cache: HashMap::new(),
            flatten_stack: Vec::new(),
            in_progress: HashSet::new(),
        }
    }

    fn component(&self, reference: &str, ptr: &str) -> Result<(&'a str, Node<'a>, String), Error> {
        let name = reference.strip_prefix(COMPONENT_PREFIX).ok_or_else(|| {
            Error::at(
                push_pointer(ptr, "$ref"),
                format!("unsupported reference `{reference}`: only `#/components/schemas/...` is supported"),
            )
        })?;
        let name = name.replace("~1", "/").replace("~0", "~");
        let (key, (schema, rust)) =
            self.components
                .get_key_value(name.as_str())
                .ok_or_else(|| {
                    Error::at(
                push_pointer(ptr, "$ref"),
                format!("reference to `{reference}`, which is not defined in components/schemas"),
            )
                })?;
        Ok((key, Node::of(schema), rust.clone()))
    }

    fn types_mut(&mut self, scope: &Scope) -> (&mut Vec<TypeDef>, &mut NameSet) {
        match scope {
            Scope::Models => (&mut self.models, &mut self.model_names),
            Scope::Endpoint(_) => (&mut self.endpoint_types, &mut self.endpoint_names),
        }
    }

    /// Reserves a name and a slot, so a parent is listed before its children.
    fn open_type(&mut self, ctx: &Ctx, source: &str) -> (String, usize) {
        let (types, names) = self.types_mut(&ctx.scope);
        let name = names.take(&ctx.names);
        types.push(TypeDef {
            name: name.clone(),
            doc: None,
            source: source.to_owned(),
            kind: TypeKind::Alias(Ty::Json),
            needs_default: false,
        });
        (name, types.len() - 1)
    }

    fn close_type(&mut self, scope: &Scope, slot: usize, doc: Option<String>, kind: TypeKind) {
        let (types, _) = self.types_mut(scope);
        types[slot].doc = doc;
        types[slot].kind = kind;
    }

    fn lower_components(&mut self) -> Result<(), Error> {
        let components: Vec<(&str, &ReferenceOr<Schema>, String)> = self
            .components
            .iter()
            .map(|(k, (s, r))| (*k, *s, r.clone()))
            .collect();
        for (name, schema, rust) in components {
            let ptr = push_pointer("/components/schemas", name);
            let node = Node::of(schema);
            // The component's own name was reserved up front; lower it under that name.
            let kind_ty =
                self.lower_node(node, &ptr, &Ctx::models(&format!("{rust}\u{0}")), true)?;
            let named_here =
                matches!(&kind_ty.ty, Ty::Named(r) if r.scope == Scope::Models && r.name == rust);
            if named_here && !self.models.iter().any(|t| t.name == rust) {
                // `A: {$ref: A}` or `A: {allOf: [{$ref: A}]}`: nothing defines it.
                return Err(Error::at(
                    &ptr,
                    format!("`{name}` is only a reference to itself; it describes no value"),
                ));
            }
            if !named_here {
                let doc = match node {
                    Node::Item(s) => s.schema_data.description.clone(),
                    Node::Ref(_) => None,
                };
                self.models.push(TypeDef {
                    name: rust.clone(),
                    doc,
                    source: ptr.clone(),
                    kind: TypeKind::Alias(kind_ty.ty),
                    needs_default: false,
                });
            }
        }
        Ok(())
    }

    /// Lowers a schema node. `ctx.names` ending in NUL marks a component root
    /// whose name is already reserved.
    fn lower_node(
        &mut self,
        node: Node<'a>,
        ptr: &str,
        ctx: &Ctx,
        root: bool,
    ) -> Result<Lowered, Error> {
        match node {
            Node::Ref(reference) => {
                let (_, _, rust) = self.component(reference, ptr)?;
                Ok(Lowered {
                    ty: Ty::Named(TypeRef {
                        scope: Scope::Models,
                        name: rust,
                    }),
                    nullable: false,
                })
            }
            Node::Item(schema) => {
                if let Some((ty, nullable)) = self.cache.get(ptr) {
                    return Ok(Lowered {
                        ty: ty.clone(),
                        nullable: *nullable,
                    });
                }
                if !self.in_progress.insert(ptr.to_owned()) {
                    return Err(Error::at(
                        ptr,
                        "this schema contains itself (an `allOf` merges the component it is part of), \
                         which describes an infinitely deep object; refer to the component by `$ref` instead",
                    ));
                }
                let lowered = self.lower_schema(schema, ptr, ctx, root);
                self.in_progress.remove(ptr);
                let lowered = lowered?;
                self.cache
                    .insert(ptr.to_owned(), (lowered.ty.clone(), lowered.nullable));
                Ok(lowered)
            }
        }
    }

    fn lower_schema(
        &mut self,
        schema: &'a Schema,
        ptr: &str,
        ctx: &Ctx,
        root: bool,
    ) -> Result<Lowered, Error> {
        let data = &schema.schema_data;
        let mut nullable = data.nullable;
        let doc = data.description.clone();
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<String> = s.enumeration.iter().flatten().cloned().collect();
                if !values.is_empty() {
                    let default = data
                        .default
                        .as_ref()
                        .and_then(|d| d.as_str())
                        .and_then(|d| values.iter().position(|v| v == d));
                    self.string_enum(ctx, ptr, doc, values, default)
                } else {
                    match &s.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
                        VariantOrUnknownOrEmpty::Unknown(f) if f == "misskey:id" || f == "id" => {
                            Ty::Id
                        }
                        VariantOrUnknownOrEmpty::Unknown(f) if f == "date-time" => Ty::DateTime,
                        _ => Ty::String,
                    }
                }
            }
            SchemaKind::Type(Type::Integer(_)) => Ty::Integer,
            SchemaKind::Type(Type::Number(_)) => Ty::Number,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Boolean,
            SchemaKind::Type(Type::Array(a)) => {
                if let Some(tuple) = data.extensions.get("x-prefix-items") {
                    self.tuple(tuple, ptr, ctx)?
                } else {
                    match &a.items {
                        Some(items) => {
                            let item_ctx = ctx.item();
                            let item = self.lower_node(
                                Node::of_boxed(items),
                                &push_pointer(ptr, "items"),
                                &item_ctx,
                                false,
                            )?;
                            Ty::Array(Box::new(wrap_nullable_item(item)))
                        }
                        None => Ty::Array(Box::new(Ty::Json)),
                    }
                }
            }
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() && !root {
                    match &o.additional_properties {
                        Some(AdditionalProperties::Schema(value)) => {
                            let parent = ctx_base(ctx);
                            let value_ctx = ctx.child(&parent, "Value");
                            let v = self.lower_node(
                                Node::of(value),
                                &push_pointer(ptr, "additionalProperties"),
                                &value_ctx,
                                false,
                            )?;
                            Ty::Map(Box::new(wrap_nullable_item(v)))
                        }
                        _ => Ty::Json,
                    }
                } else {
                    let gathered = self.gather_object(&o.properties, &o.required, ptr, None)?;
                    self.struct_type(ctx, ptr, doc, gathered)?
                }
            }
            SchemaKind::AllOf { all_of } => {
                if all_of.len() == 1 {
                    let inner = self.lower_node(
                        Node::of(&all_of[0]),
                        &push_pointer(&push_pointer(ptr, "allOf"), "0"),
                        ctx,
                        root,
                    )?;
                    nullable |= inner.nullable;
                    inner.ty
                } else {
                    let gathered = self.gather_all_of(all_of, ptr, None)?;
                    self.struct_type(ctx, ptr, doc, gathered)?
                }
            }
            SchemaKind::OneOf { one_of } => {
                self.union(one_of, &push_pointer(ptr, "oneOf"), ptr, ctx, doc)?
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(any_of, &push_pointer(ptr, "anyOf"), ptr, ctx, doc)?
            }
            SchemaKind::Not { .. } => Ty::Json,
            SchemaKind::Any(any) => {
                if !any.properties.is_empty() || (root && any.typ.as_deref() == Some("object")) {
                    let gathered = self.gather_object(&any.properties, &any.required, ptr, None)?;
                    self.struct_type(ctx, ptr, doc, gathered)?
                } else if data.extensions.contains_key("x-null") {
                    nullable = true;
                    Ty::Json
                } else {
                    Ty::Json
                }
            }
        };
        Ok(Lowered { ty, nullable })
    }

    fn tuple(&mut self, tuple: &serde_json::Value, ptr: &str, ctx: &Ctx) -> Result<Ty, Error> {
        let tuple_ptr = push_pointer(ptr, "prefixItems");
        let list = tuple
            .as_array()
            .ok_or_else(|| Error::at(&tuple_ptr, "must be an array of schemas"))?;
        let mut items = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let item_ptr = push_pointer(&tuple_ptr, &i.to_string());
            let schema: ReferenceOr<Schema> = serde_json::from_value(item.clone())
                .map_err(|e| Error::at(&item_ptr, format!("not a schema: {e}")))?;
            // Tuple members are rare and small; they are lowered from a copy, so
            // keep them out of the pointer cache's lifetime by resolving now.
            let parent = ctx_base(ctx);
            let item_ctx = ctx.child(&parent, &format!("Item{i}"));
            let lowered = match &schema {
                ReferenceOr::Reference { reference } => {
                    let (_, _, rust) = self.component(reference, &item_ptr)?;
                    Lowered {
                        ty: Ty::Named(TypeRef {
                            scope: Scope::Models,
                            name: rust,
                        }),
                        nullable: false,
                    }
                }
                ReferenceOr::Item(s) => match &s.schema_kind {
                    SchemaKind::Type(Type::String(_)) => Lowered {
                        ty: Ty::String,
                        nullable: s.schema_data.nullable,
                    },
                    SchemaKind::Type(Type::Number(_)) => Lowered {
                        ty: Ty::Number,
                        nullable: s.schema_data.nullable,
                    },
                    SchemaKind::Type(Type::Integer(_)) => Lowered {
                        ty: Ty::Integer,
                        nullable: s.schema_data.nullable,
                    },
                    SchemaKind::Type(Type::Boolean(_)) => Lowered {
                        ty: Ty::Boolean,
                        nullable: s.schema_data.nullable,
                    },
                    _ => {
                        let _ = item_ctx;
                        return Err(Error::at(
                            item_ptr,
                            "only scalar or referenced tuple members are supported",
                        ));
                    }
                },
            };
            items.push(wrap_nullable_item(lowered));
        }
        Ok(Ty::Tuple(items))
    }

    fn string_enum(
        &mut self,
        ctx: &Ctx,
        ptr: &str,
        doc: Option<String>,
        values: Vec<String>,
        default: Option<usize>,
    ) -> Ty {
        let (name, slot) = self.open_named(ctx, ptr);
        let mut variant_names = NameSet::default();
        let variants: Vec<(String, String)> = values
            .iter()
            .map(|v| (variant_names.take(&[pascal(&signed_value(v))]), v.clone()))
            .collect();
        let other =
            variant_names.take(&["Other".into(), "UnknownValue".into(), "OtherValue".into()]);
        self.close_type(
            &ctx.scope,
            slot,
            doc,
            TypeKind::StringEnum(StringEnum {
                variants,
                other,
                default,
            }),
        );
        Ty::Named(TypeRef {
            scope: ctx.scope.clone(),
            name,
        })
    }

    /// Like [`open_type`], but a component root reuses its reserved name.
    fn open_named(&mut self, ctx: &Ctx, ptr: &str) -> (String, usize) {
        if let Some(reserved) = ctx.names.first().and_then(|n| n.strip_suffix('\u{0}')) {
            let reserved = reserved.to_owned();
            self.models.push(TypeDef {
                name: reserved.clone(),
                doc: None,
                source: ptr.to_owned(),
                kind: TypeKind::Alias(Ty::Json),
                needs_default: false,
            });
            return (reserved, self.models.len() - 1);
        }
        self.open_type(ctx, ptr)
    }

    fn gather_object(
        &mut self,
        props: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ptr: &str,
        inherited: Option<&Ctx>,
    ) -> Result<Gathered<'a>, Error> {
        let props_ptr = push_pointer(ptr, "properties");
        let props = props
            .iter()
            .map(|(name, schema)| {
                let node = Node::of_boxed(schema);
                let prop_ctx = inherited.map(|c| c.child(&ctx_base(c), name));
                (
                    name.clone(),
                    node,
                    push_pointer(&props_ptr, name),
                    prop_ctx,
                    node_doc(node),
                )
            })
            .collect();
        Ok(Gathered {
            props,
            required: required.iter().cloned().collect(),
        })
    }

    /// Merges the branches of an `allOf` into one list of properties. Branches
    /// that reference a component keep that component's naming context, so
    /// their inline types are shared with the component rather than copied.
    fn gather_all_of(
        &mut self,
        all_of: &'a [ReferenceOr<Schema>],
        ptr: &str,
        inherited: Option<&Ctx>,
    ) -> Result<Gathered<'a>, Error> {
        let mut merged = Gathered {
            props: Vec::new(),
            required: BTreeSet::new(),
        };
        for (i, branch) in all_of.iter().enumerate() {
            let branch_ptr = push_pointer(&push_pointer(ptr, "allOf"), &i.to_string());
            let part = self.gather_node(Node::of(branch), &branch_ptr, inherited)?;
            for prop in part.props {
                if let Some(existing) = merged.props.iter_mut().find(|p| p.0 == prop.0) {
                    *existing = prop;
                } else {
                    merged.props.push(prop);
                }
            }
            merged.required.extend(part.required);
        }
        Ok(merged)
    }

    fn gather_node(
        &mut self,
        node: Node<'a>,
        ptr: &str,
        inherited: Option<&Ctx>,
    ) -> Result<Gathered<'a>, Error> {
        match node {
            Node::Ref(reference) => {
                let (name, target, rust) = self.component(reference, ptr)?;
                if self.flatten_stack.iter().any(|n| n == name) {
                    return Err(Error::at(ptr, format!("`allOf` refers back to `{name}`, which includes itself")));
                }
                self.flatten_stack.push(name.to_owned());
                let result = self.gather_node(target, &push_pointer("/components/schemas", name), Some(&Ctx::models(&rust)));
                self.flatten_stack.pop();
                result
            }
            Node::Item(schema) => match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => self.gather_object(&o.properties, &o.required, ptr, inherited),
                SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() && any.all_of.is_empty() => {
                    self.gather_object(&any.properties, &any.required, ptr, inherited)
                }
                SchemaKind::AllOf { all_of } => self.gather_all_of(all_of, ptr, inherited),
                _ => Err(Error::at(
                    ptr,
                    "this `allOf` branch is not an object, so its properties cannot be merged; only objects and references to objects are supported in `allOf`",
                )),
            },
        }
    }

    fn struct_type(
        &mut self,
        ctx: &Ctx,
        ptr: &str,
        doc: Option<String>,
        gathered: Gathered<'a>,
    ) -> Result<Ty, Error> {
        let (name, slot) = self.open_named(ctx, ptr);
        let fields = self.fields(&name, ctx, gathered)?;
        self.close_type(&ctx.scope, slot, doc, TypeKind::Struct(fields));
        Ok(Ty::Named(TypeRef {
            scope: ctx.scope.clone(),
            name,
        }))
    }

    fn fields(
        &mut self,
        parent: &str,
        ctx: &Ctx,
        gathered: Gathered<'a>,
    ) -> Result<Vec<Field>, Error> {
        let json_names: Vec<&str> = gathered.props.iter().map(|p| p.0.as_str()).collect();
        let rust_names = unique_field_names(&json_names);
        let mut fields = Vec::with_capacity(gathered.props.len());
        for ((json_name, node, ptr, prop_ctx, doc), rust_name) in
            gathered.props.iter().zip(rust_names)
        {
            // Properties merged in from a component keep that component's names;
            // this type's own properties are named after it.
            let prop_ctx = prop_ctx
                .clone()
                .unwrap_or_else(|| ctx.child(parent, json_name));
            let lowered = self.lower_node(*node, ptr, &prop_ctx, false)?;
            let doc = join_docs(doc.clone(), constraints(*node));
            fields.push(Field {
                json_name: json_name.clone(),
                rust_name,
                ty: lowered.ty,
                required: gathered.required.contains(json_name),
                nullable: lowered.nullable,
                boxed: false,
                doc,
            });
        }
        Ok(fields)
    }

    fn union(
        &mut self,
        branches: &'a [ReferenceOr<Schema>],
        list_ptr: &str,
        ptr: &str,
        ctx: &Ctx,
        doc: Option<String>,
    ) -> Result<Ty, Error> {
        if branches.len() == 1 {
            return Ok(self
                .lower_node(
                    Node::of(&branches[0]),
                    &push_pointer(list_ptr, "0"),
                    ctx,
                    false,
                )?
                .ty);
        }
        let (name, slot) = self.open_named(ctx, ptr);
        let tag = self.find_tag(branches, list_ptr)?;
        let mut variant_names = NameSet::default();
        let mut variants = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let branch_ptr = push_pointer(list_ptr, &i.to_string());
            let node = Node::of(branch);
            let (variant_name, tag_values) = match &tag {
                Some((_, values)) => {
                    let values = values[i].clone();
                    let preferred = match (values.len(), node) {
                        (1, _) => pascal(&signed_value(&values[0])),
                        // A branch for several tags is named after its schema
                        // (`RoleCondFormulaValueCreated` → `Created`).
                        (_, Node::Ref(reference)) => {
                            strip_common_prefix(&self.component(reference, &branch_ptr)?.2, &name)
                        }
                        _ => pascal(&signed_value(&values[0])),
                    };
                    (variant_names.take(&[preferred]), values)
                }
                None => (
                    variant_names.take(&[self.untagged_variant_name(node, &branch_ptr)?]),
                    Vec::new(),
                ),
            };
            let branch_ctx = Ctx {
                scope: ctx.scope.clone(),
                names: vec![format!("{name}{variant_name}")],
            };
            let lowered = self.lower_node(node, &branch_ptr, &branch_ctx, false)?;
            variants.push(UnionVariant {
                name: variant_name,
                ty: wrap_nullable_item(lowered),
                tag_values,
                boxed: false,
                shape: VariantShape::Any,
            });
        }
        if tag.is_none() {
            // Untagged unions decode by trying each branch in turn, so the branch
            // that asks for the most fields must come first; otherwise a
            // `MeDetailed` would decode as its smaller `UserDetailedNotMe`.
            let mut scored: Vec<(usize, usize, UnionVariant)> = variants
                .into_iter()
                .enumerate()
                .map(|(i, v)| (self.required_count(&v.ty), i, v))
                .collect();
            scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            variants = scored.into_iter().map(|(_, _, v)| v).collect();
        }
        let tag_name = tag.map(|(t, _)| t);
        self.close_type(
            &ctx.scope,
            slot,
            doc,
            TypeKind::Union(Union {
                variants,
                tag: tag_name,
                has_id: false,
            }),
        );
        Ok(Ty::Named(TypeRef {
            scope: ctx.scope.clone(),
            name,
        }))
    }

    fn untagged_variant_name(&self, node: Node<'a>, ptr: &str) -> Result<String, Error> {
        Ok(match node {
            Node::Ref(reference) => self.component(reference, ptr)?.2,
            Node::Item(s) => match &s.schema_kind {
                SchemaKind::Type(Type::String(_)) => "String".into(),
                SchemaKind::Type(Type::Integer(_)) => "Integer".into(),
                SchemaKind::Type(Type::Number(_)) => "Number".into(),
                SchemaKind::Type(Type::Boolean(_)) => "Boolean".into(),
                SchemaKind::Type(Type::Array(_)) => "List".into(),
                SchemaKind::Type(Type::Object(_)) => "Object".into(),
                SchemaKind::AllOf { all_of } if all_of.len() == 1 => {
                    return self.untagged_variant_name(
                        Node::of(&all_of[0]),
                        &push_pointer(&push_pointer(ptr, "allOf"), "0"),
                    )
                }
                _ => "Value".into(),
            },
        })
    }

    /// How many required properties a lowered type has (for ordering untagged unions).
    fn required_count(&self, ty: &Ty) -> usize {
        let mut ty = ty;
        // Aliases can form a cycle in a broken spec (`A: {$ref: B}`, `B:
        // {allOf: [{$ref: A}]}`); that is reported once all components are
        // lowered, so only stop here.
        for _ in 0..16 {
            let Ty::Named(r) = ty else { return 0 };
            let types = match r.scope {
                Scope::Models => &self.models,
                Scope::Endpoint(_) => &self.endpoint_types,
            };
            match types.iter().find(|t| t.name == r.name).map(|t| &t.kind) {
                Some(TypeKind::Struct(fields)) => {
                    return 1 + fields.iter().filter(|f| f.required).count()
                }
                Some(TypeKind::Alias(inner)) => ty = inner,
                _ => return 0,
            }
        }
        0
    }

    /// Finds a property that every branch requires, holding a string enum with
    /// values unique to that branch: the union's discriminator.
    fn find_tag(
        &self,
        branches: &'a [ReferenceOr<Schema>],
        list_ptr: &str,
    ) -> Result<Option<Tag>, Error> {
        let mut per_branch: Vec<BTreeMap<String, Vec<String>>> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let ptr = push_pointer(list_ptr, &i.to_string());
            let Some(candidates) = self.tag_candidates(Node::of(branch), &ptr, 0)? else {
                return Ok(None);
            };
            per_branch.push(candidates);
        }
        let Some(first) = per_branch.first() else {
            return Ok(None);
        };
        let mut names: Vec<&String> = first.keys().collect();
        // Prefer the conventional discriminator name.
        names.sort_by_key(|n| (n.as_str() != "type", n.as_str().to_owned()));
        'candidate: for name in names {
            let mut seen = HashSet::new();
            let mut values = Vec::new();
            for branch in &per_branch {
                let Some(v) = branch.get(name) else {
                    continue 'candidate;
                };
                for value in v {
                    if !seen.insert(value.clone()) {
                        continue 'candidate;
                    }
                }
                values.push(v.clone());
            }
            return Ok(Some((name.clone(), values)));
        }
        Ok(None)
    }

    fn tag_candidates(
        &self,
        node: Node<'a>,
        ptr: &str,
        depth: usize,
    ) -> Result<Option<BTreeMap<String, Vec<String>>>, Error> {
        if depth > 8 {
            return Ok(None);
        }
        let schema = match node {
            Node::Ref(reference) => {
                let (name, target, _) = self.component(reference, ptr)?;
                return self.tag_candidates(
                    target,
                    &push_pointer("/components/schemas", name),
                    depth + 1,
                );
            }
            Node::Item(s) => s,
        };
        let mut out = BTreeMap::new();
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                for (name, prop) in &o.properties {
                    if !o.required.contains(name) {
                        continue;
                    }
                    if let ReferenceOr::Item(p) = prop {
                        if let SchemaKind::Type(Type::String(s)) = &p.schema_kind {
                            let values: Vec<String> =
                                s.enumeration.iter().flatten().cloned().collect();
                            if !values.is_empty() && !p.schema_data.nullable {
                                out.insert(name.clone(), values);
                            }
                        }
                    }
                }
            }
            SchemaKind::AllOf { all_of } => {
                for (i, b) in all_of.iter().enumerate() {
                    let b_ptr = push_pointer(&push_pointer(ptr, "allOf"), &i.to_string());
                    if let Some(found) = self.tag_candidates(Node::of(b), &b_ptr, depth + 1)? {
                        out.extend(found);
                    }
                }
            }
            _ => return Ok(None),
        }
        Ok(Some(out))
    }

    fn lower_endpoints(&mut self) -> Result<Vec<Endpoint>, Error> {
        let mut paths: Vec<(&String, &openapiv3::PathItem)> = Vec::new();
        for (path, item) in &self.openapi.paths.paths {
            match item {
                ReferenceOr::Item(item) => paths.push((path, item)),
                ReferenceOr::Reference { .. } => {
                    return Err(Error::at(
                        push_pointer("/paths", path),
                        "path items given as `$ref` are not supported",
                    ))
                }
            }
        }
        paths.sort_by(|a, b| a.0.cmp(b.0));
        let mut modules: HashSet<Vec<String>> = HashSet::new();
        let mut endpoints = Vec::new();
        for (path, item) in paths {
            let index = endpoints.len();
            let (op, method) = match (&item.post, &item.get) {
                (Some(op), _) => (op, "post"),
                (None, Some(op)) => (op, "get"),
                _ => continue,
            };
            let ptr = push_pointer(&push_pointer("/paths", path), method);
            let name = path.trim_matches('/').to_owned();
            if name.is_empty() {
                return Err(Error::at(
                    push_pointer("/paths", path),
                    "an endpoint path must name the endpoint, such as `/notes/create`",
                ));
            }
            let mut module_path: Vec<String> = name.split('/').map(module_ident).collect();
            while !modules.insert(module_path.clone()) {
                let last = module_path.last_mut().expect("non-empty");
                last.push_str("_2");
            }
            self.endpoint_types = Vec::new();
            self.endpoint_names = NameSet::default();
            self.endpoint_names.reserve("Request");
            let endpoint = self.lower_endpoint(
                index,
                name,
                module_path,
                op,
                &ptr,
                item.get.is_some() && item.post.is_some(),
            )?;
            endpoints.push(endpoint);
        }
        Ok(endpoints)
    }

    fn lower_endpoint(
        &mut self,
        index: usize,
        name: String,
        module_path: Vec<String>,
        op: &'a Operation,
        ptr: &str,
        allow_get: bool,
    ) -> Result<Endpoint, Error> {
        let scope = Scope::Endpoint(index);
        let description = op.description.clone().unwrap_or_default();
        let requirements = parse_requirements(&description);
        let requires_credential = requirements.credential.unwrap_or(false)
            || op
                .security
                .as_ref()
                .is_some_and(|s| s.iter().any(|r| !r.is_empty()));

        // Request.
        let mut request = Vec::new();
        let mut request_source = None;
        let mut multipart = false;
        let mut file_fields = Vec::new();
        if let Some(body) = &op.request_body {
            let body_ptr = push_pointer(ptr, "requestBody");
            let body = match body {
                ReferenceOr::Item(b) => b,
                ReferenceOr::Reference { .. } => {
                    return Err(Error::at(
                        body_ptr,
                        "request bodies given as `$ref` are not supported",
                    ))
                }
            };
            let (media_type, media) = body
                .content
                .get_key_value("application/json")
                .or_else(|| body.content.get_key_value("multipart/form-data"))
                .or_else(|| body.content.first())
                .ok_or_else(|| {
                    Error::at(
                        push_pointer(&body_ptr, "content"),
                        "the request body names no media type",
                    )
                })?;
            multipart = media_type == "multipart/form-data";
            if let Some(schema) = &media.schema {
                let schema_ptr = push_pointer(
                    &push_pointer(&push_pointer(&body_ptr, "content"), media_type),
                    "schema",
                );
                let ctx = Ctx {
                    scope: scope.clone(),
                    names: vec!["Request".into()],
                };
                let mut gathered = self.gather_node(Node::of(schema), &schema_ptr, None).map_err(|e| {
                    if e.pointer == schema_ptr {
                        Error::at(&schema_ptr, "a request body must be an object (its properties become the request's fields)")
                    } else {
                        e
                    }
                })?;
                gathered.props.retain(|(json_name, node, _, _, _)| {
                    let binary = is_binary(*node);
                    if binary {
                        file_fields.push(json_name.clone());
                    }
                    !binary
                });
                request = self.fields("Request", &ctx, gathered)?;
                request_source = Some(schema_ptr);
            }
        }

        // Response.
        let responses_ptr = push_pointer(ptr, "responses");
        let mut ok_schema = None;
        let mut has_200 = false;
        let mut has_204 = false;
        let mut rate_limited = false;
        let mut error_codes: Vec<String> = Vec::new();
        for (status, response) in &op.responses.responses {
            let StatusCode::Code(code) = status else {
                continue;
            };
            let response_ptr = push_pointer(&responses_ptr, &code.to_string());
            let response = match response {
                ReferenceOr::Item(r) => r,
                ReferenceOr::Reference { .. } => continue,
            };
            match code {
                200 | 201 => {
                    has_200 = true;
                    if let Some(media) = response
                        .content
                        .get("application/json")
                        .or_else(|| response.content.first().map(|(_, m)| m))
                    {
                        if let Some(schema) = &media.schema {
                            let media_key = if response.content.contains_key("application/json") {
                                "application/json".to_owned()
                            } else {
                                response
                                    .content
                                    .first()
                                    .map(|(k, _)| k.clone())
                                    .unwrap_or_default()
                            };
                            ok_schema = Some((
                                schema,
                                push_pointer(
                                    &push_pointer(
                                        &push_pointer(&response_ptr, "content"),
                                        &media_key,
                                    ),
                                    "schema",
                                ),
                            ));
                        }
                    }
                }
                204 => has_204 = true,
                429 => rate_limited = true,
                _ => {}
            }
            if *code >= 400 {
                for media in response.content.values() {
                    for (key, example) in &media.examples {
                        let code = match example {
                            ReferenceOr::Item(ex) => ex
                                .value
                                .as_ref()
                                .and_then(|v| v.pointer("/error/code"))
                                .and_then(|c| c.as_str())
                                .unwrap_or(key)
                                .to_owned(),
                            ReferenceOr::Reference { .. } => key.clone(),
                        };
                        if !error_codes.contains(&code) {
                            error_codes.push(code);
                        }
                    }
                }
            }
        }
        let response = if has_200 {
            let (ty, nullable, source) = match ok_schema {
                Some((schema, schema_ptr)) => {
                    // `Response` itself is then `Option<ResponseBody>`.
                    let name = if has_204 { "ResponseBody" } else { "Response" };
                    let ctx = Ctx {
                        scope: scope.clone(),
                        names: vec![name.into()],
                    };
                    let mut lowered =
                        self.lower_node(Node::of(schema), &schema_ptr, &ctx, false)?;
                    if lowered.nullable && !has_204 {
                        if let Ty::Named(r) = &mut lowered.ty {
                            if r.scope == scope && r.name == "Response" {
                                let def = self
                                    .endpoint_types
                                    .iter_mut()
                                    .find(|t| t.name == "Response")
                                    .expect("just defined");
                                def.name = "ResponseBody".into();
                                r.name = "ResponseBody".into();
                            }
                        }
                    }
                    (lowered.ty, lowered.nullable, schema_ptr)
                }
                None => (Ty::Json, false, responses_ptr.clone()),
            };
            if has_204 {
                Response::JsonOrEmpty { ty, source }
            } else {
                Response::Json {
                    ty,
                    nullable,
                    source,
                }
            }
        } else {
            Response::Empty
        };

        let pagination = self.pagination(&request, &response);
        Ok(Endpoint {
            name,
            module_path,
            group: op.tags.first().map(|t| group_name(t)).unwrap_or_default(),
            doc: requirements.doc,
            requirements_line: requirements.line,
            requires_credential,
            permission: requirements.permission,
            internal: requirements.internal,
            multipart,
            file_fields,
            rate_limited,
            allow_get,
            error_codes,
            request,
            request_source,
            response,
            types: std::mem::take(&mut self.endpoint_types),
            pagination,
        })
    }

    fn pagination(&self, request: &[Field], response: &Response) -> Option<Pagination> {
        let has = |n: &str| request.iter().any(|f| f.json_name == n && f.ty == Ty::Id);
        let (since_id, until_id) = (has("sinceId"), has("untilId"));
        if !since_id && !until_id {
            return None;
        }
        let Response::Json {
            ty: Ty::Array(item),
            nullable: false,
            ..
        } = response
        else {
            return None;
        };
        let Ty::Named(r) = item.as_ref() else {
            return None;
        };
        if !self.has_required_id(r, 0) {
            return None;
        }
        Some(Pagination {
            since_id,
            until_id,
            item: (**item).clone(),
        })
    }

    fn has_required_id(&self, r: &TypeRef, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        let types = match r.scope {
            Scope::Models => &self.models,
            Scope::Endpoint(_) => &self.endpoint_types,
        };
        match types.iter().find(|t| t.name == r.name).map(|t| &t.kind) {
            Some(TypeKind::Struct(fields)) => fields
                .iter()
                .any(|f| f.json_name == "id" && f.required && !f.nullable && f.ty == Ty::Id),
            Some(TypeKind::Alias(Ty::Named(inner))) => self.has_required_id(inner, depth + 1),
            Some(TypeKind::Union(u)) => u.variants.iter().all(|v| match &v.ty {
                Ty::Named(inner) => self.has_required_id(inner, depth + 1),
                _ => false,
            }),
            _ => false,
        }
    }
}

fn is_binary(node: Node<'_>) -> bool {
    matches!(node, Node::Item(s) if matches!(&s.schema_kind,
        SchemaKind::Type(Type::String(st)) if matches!(&st.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary))))
}

fn join_docs(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(format!("{a}\n\n{b}")),
        (a, b) => a.or(b),
    }
}

/// The limits and default the spec states for a value, as one doc line
/// (`Default: 10. At least 1, at most 100.`).
fn constraints(node: Node<'_>) -> Option<String> {
    let Node::Item(schema) = node else {
        return None;
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(default) = &schema.schema_data.default {
        if !default.is_null() {
            parts.push(format!("Default: `{default}`."));
        }
    }
    let range = |min: Option<String>, max: Option<String>, unit: &str| match (min, max) {
        (Some(a), Some(b)) => Some(format!("{a} to {b}{unit}.")),
        (Some(a), None) => Some(format!("At least {a}{unit}.")),
        (None, Some(b)) => Some(format!("At most {b}{unit}.")),
        (None, None) => None,
    };
    let limit = match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => range(
            i.minimum.map(|v| v.to_string()),
            i.maximum.map(|v| v.to_string()),
            "",
        ),
        SchemaKind::Type(Type::Number(n)) => range(
            n.minimum.map(|v| v.to_string()),
            n.maximum.map(|v| v.to_string()),
            "",
        ),
        SchemaKind::Type(Type::String(s)) => range(
            s.min_length.map(|v| v.to_string()),
            s.max_length.map(|v| v.to_string()),
            " characters",
        ),
        SchemaKind::Type(Type::Array(a)) => range(
            a.min_items.map(|v| v.to_string()),
            a.max_items.map(|v| v.to_string()),
            " items",
        ),
        _ => None,
    };
    parts.extend(limit);
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" "))
    }
}

fn node_doc(node: Node<'_>) -> Option<String> {
    match node {
        Node::Item(s) => s.schema_data.description.clone(),
        Node::Ref(_) => None,
    }
}

/// The name a context would give its type, without the component marker.
fn ctx_base(ctx: &Ctx) -> String {
    let n = ctx.names.last().cloned().unwrap_or_default();
    n.trim_end_matches('\u{0}').to_owned()
}

/// `branch` without the leading words it shares with `union`
/// (`RoleCondFormulaLogics` in `RoleCondFormulaValue` → `Logics`).
fn strip_common_prefix(branch: &str, union: &str) -> String {
    let words = |s: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in s.chars() {
            if c.is_uppercase() || out.is_empty() {
                out.push(String::new());
            }
            out.last_mut().expect("pushed").push(c);
        }
        out
    };
    let (b, u) = (words(branch), words(union));
    let shared = b.iter().zip(&u).take_while(|(x, y)| x == y).count();
    if shared == b.len() {
        branch.to_owned()
    } else {
        b[shared..].concat()
    }
}

/// Spells out a leading sign, so sort orders such as `+createdAt` and
/// `-createdAt` get distinct variant names (`PlusCreatedAt`, `MinusCreatedAt`).
fn signed_value(value: &str) -> String {
    if let Some(rest) = value.strip_prefix('+') {
        format!("plus {rest}")
    } else if let Some(rest) = value.strip_prefix('-') {
        format!("minus {rest}")
    } else {
        value.to_owned()
    }
}

/// A list item, map value or union payload that may be `null` becomes `Option<T>`.
fn wrap_nullable_item(lowered: Lowered) -> Ty {
    // `serde_json::Value` already admits null.
    if lowered.nullable && lowered.ty != Ty::Json {
        Ty::Optional(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

struct Requirements {
    doc: Option<String>,
    line: Option<String>,
    credential: Option<bool>,
    permission: Option<String>,
    internal: bool,
}

/// Reads the lines Misskey appends to every description:
/// `**Credential required**: *Yes* / **Permission**: *write:notes*` and
/// `**Internal Endpoint**: ...`.
fn parse_requirements(description: &str) -> Requirements {
    let mut doc_lines = Vec::new();
    let mut line_out = None;
    let mut credential = None;
    let mut permission = None;
    let mut internal = false;
    for line in description.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("**Credential required**") {
            credential = Some(trimmed.contains("*Yes*"));
            if let Some(rest) = trimmed.split("**Permission**:").nth(1) {
                let p = rest.trim().trim_matches('*').trim();
                // A few descriptions list several permissions; the first is the one checked.
                let first = p
                    .split([',', ' '])
                    .find(|s| !s.is_empty())
                    .unwrap_or("")
                    .trim_matches('*');
                if !first.is_empty() {
                    permission = Some(first.to_owned());
                }
            }
            line_out = Some(trimmed.to_owned());
        } else if trimmed.starts_with("**Internal Endpoint**") {
            internal = true;
        } else if trimmed != "No description provided." {
            doc_lines.push(line);
        }
    }
    let doc = doc_lines.join("\n").trim().to_owned();
    Requirements {
        doc: if doc.is_empty() { None } else { Some(doc) },
        line: line_out,
        credential,
        permission,
        internal,
    }
}

/// A cargo feature name for a tag: lowercase, words joined by `-`.
fn group_name(tag: &str) -> String {
    let s: String = tag
        .trim()
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    s.split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Endpoints without a tag join the group most of their path siblings are in
/// (`i/2fa/done` joins `account` like the rest of `i/`), or a group named
/// after their first path segment.
fn assign_groups(endpoints: &mut [Endpoint]) {
    let mut by_segment: HashMap<String, BTreeMap<String, usize>> = HashMap::new();
    for e in endpoints.iter().filter(|e| !e.group.is_empty()) {
        let seg = e.name.split('/').next().unwrap_or_default().to_owned();
        *by_segment
            .entry(seg)
            .or_default()
            .entry(e.group.clone())
            .or_default() += 1;
    }
    for e in endpoints.iter_mut().filter(|e| e.group.is_empty()) {
        let seg = e.name.split('/').next().unwrap_or_default().to_owned();
        e.group = by_segment
            .get(&seg)
            .and_then(|counts| {
                counts
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(g, _)| g.clone())
            })
            .unwrap_or_else(|| group_name(&seg));
    }
}

fn permission_list(scopes: Option<&[String]>, endpoints: &[Endpoint]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for s in scopes.unwrap_or_default() {
        if seen.insert(s.clone()) {
            out.push(s.clone());
        }
    }
    let extra: BTreeSet<&String> = endpoints
        .iter()
        .filter_map(|e| e.permission.as_ref())
        .filter(|p| !seen.contains(*p))
        .collect();
    out.extend(extra.into_iter().cloned());
    out
}

/// Type identity across scopes, for the graph passes.
type Key = (Scope, String);

/// The type a field holds by value (through `Option`, not through `Vec`/maps).
fn direct_named(ty: &Ty) -> Option<&TypeRef> {
    match ty {
        Ty::Named(r) => Some(r),
        Ty::Optional(t) => direct_named(t),
        _ => None,
    }
}

fn all_named(ty: &Ty, out: &mut Vec<TypeRef>) {
    match ty {
        Ty::Named(r) => out.push(r.clone()),
        Ty::Array(t) | Ty::Map(t) => all_named(t, out),
        Ty::Tuple(ts) => ts.iter().for_each(|t| all_named(t, out)),
        Ty::Optional(t) => all_named(t, out),
        _ => {}
    }
}

fn type_table<'t>(models: &'t [TypeDef], endpoints: &'t [Endpoint]) -> HashMap<Key, &'t TypeDef> {
    let mut table = HashMap::new();
    for t in models {
        table.insert((Scope::Models, t.name.clone()), t);
    }
    for (i, e) in endpoints.iter().enumerate() {
        for t in &e.types {
            table.insert((Scope::Endpoint(i), t.name.clone()), t);
        }
    }
    table
}

fn direct_edges(def: &TypeDef) -> Vec<TypeRef> {
    match &def.kind {
        TypeKind::Struct(fields) => fields
            .iter()
            .filter_map(|f| direct_named(&f.ty).cloned())
            .collect(),
        TypeKind::Union(u) => u
            .variants
            .iter()
            .filter_map(|v| direct_named(&v.ty).cloned())
            .collect(),
        TypeKind::Alias(t) => direct_named(t).into_iter().cloned().collect(),
        TypeKind::StringEnum(_) => Vec::new(),
    }
}

/// Boxes the fields and variants that would otherwise make a type contain
/// itself (`Note.reply: Note`).
fn mark_boxes(models: &mut [TypeDef], endpoints: &mut [Endpoint]) {
    let graph: HashMap<Key, Vec<Key>> = type_table(models, endpoints)
        .into_iter()
        .map(|(k, def)| {
            (
                k,
                direct_edges(def)
                    .into_iter()
                    .map(|r| (r.scope, r.name))
                    .collect(),
            )
        })
        .collect();
    let reaches = |from: &Key, to: &Key| -> bool {
        let mut stack = vec![from.clone()];
        let mut seen = HashSet::new();
        while let Some(k) = stack.pop() {
            if &k == to {
                return true;
            }
            if seen.insert(k.clone()) {
                if let Some(next) = graph.get(&k) {
                    stack.extend(next.iter().cloned());
                }
            }
        }
        false
    };
    let fix = |scope: Scope, def: &mut TypeDef| {
        let me = (scope, def.name.clone());
        match &mut def.kind {
            TypeKind::Struct(fields) => {
                for f in fields {
                    if let Some(r) = direct_named(&f.ty) {
                        f.boxed = reaches(&(r.scope.clone(), r.name.clone()), &me);
                    }
                }
            }
            TypeKind::Union(u) => {
                for v in &mut u.variants {
                    if let Some(r) = direct_named(&v.ty) {
                        v.boxed = reaches(&(r.scope.clone(), r.name.clone()), &me);
                    }
                }
            }
            _ => {}
        }
    };
    for def in models.iter_mut() {
        fix(Scope::Models, def);
    }
    for (i, e) in endpoints.iter_mut().enumerate() {
        for def in e.types.iter_mut() {
            fix(Scope::Endpoint(i), def);
        }
    }
}

/// Marks every type reachable from a request: those get `Default`, so
/// requests can be written as `Request { x, ..Default::default() }`.
fn mark_defaults(models: &mut [TypeDef], endpoints: &mut [Endpoint]) {
    let mut reachable: HashSet<Key> = HashSet::new();
    {
        let table = type_table(models, endpoints);
        let mut stack: Vec<TypeRef> = Vec::new();
        for e in endpoints.iter() {
            for f in &e.request {
                all_named(&f.ty, &mut stack);
            }
        }
        while let Some(r) = stack.pop() {
            let key = (r.scope.clone(), r.name.clone());
            if !reachable.insert(key.clone()) {
                continue;
            }
            if let Some(def) = table.get(&key) {
                match &def.kind {
                    TypeKind::Struct(fields) => {
                        fields.iter().for_each(|f| all_named(&f.ty, &mut stack))
                    }
                    TypeKind::Union(u) => {
                        u.variants.iter().for_each(|v| all_named(&v.ty, &mut stack))
                    }
                    TypeKind::Alias(t) => all_named(t, &mut stack),
                    TypeKind::StringEnum(_) => {}
                }
            }
        }
    }
    for def in models.iter_mut() {
        def.needs_default = reachable.contains(&(Scope::Models, def.name.clone()));
    }
    for (i, e) in endpoints.iter_mut().enumerate() {
        for def in e.types.iter_mut() {
            def.needs_default = reachable.contains(&(Scope::Endpoint(i), def.name.clone()));
        }
    }
}

/// Marks unions whose every branch has a required `id`.
fn mark_union_ids(models: &mut [TypeDef], endpoints: &mut [Endpoint]) {
    let with_id: HashSet<Key> = type_table(models, endpoints)
        .into_iter()
        .filter(|(_, def)| match &def.kind {
            TypeKind::Struct(fields) => fields.iter().any(|f| {
                f.json_name == "id"
                    && f.rust_name == "id"
                    && f.required
                    && !f.nullable
                    && f.ty == Ty::Id
            }),
            _ => false,
        })
        .map(|(k, _)| k)
        .collect();
    let check = |u: &mut Union| {
        u.has_id = u.variants.iter().all(|v| match &v.ty {
            Ty::Named(r) => !v.boxed && with_id.contains(&(r.scope.clone(), r.name.clone())),
            _ => false,
        });
    };
    for def in models.iter_mut() {
        if let TypeKind::Union(u) = &mut def.kind {
            check(u);
        }
    }
    for e in endpoints.iter_mut() {
        for def in e.types.iter_mut() {
            if let TypeKind::Union(u) = &mut def.kind {
                check(u);
            }
        }
    }
}

/// Works out what JSON each branch of an untagged union accepts, and for
/// object branches the required keys no other branch requires: the evidence
/// the decoder uses to pick a branch.
fn mark_union_shapes(models: &mut [TypeDef], endpoints: &mut [Endpoint]) {
    fn required_keys(table: &HashMap<Key, &TypeDef>, ty: &Ty, depth: usize) -> Option<Vec<String>> {
        let Ty::Named(r) = ty else { return None };
        match &table.get(&(r.scope.clone(), r.name.clone()))?.kind {
            TypeKind::Struct(fields) => Some(
                fields
                    .iter()
                    .filter(|f| f.required)
                    .map(|f| f.json_name.clone())
                    .collect(),
            ),
            TypeKind::Alias(inner) if depth < 8 => required_keys(table, inner, depth + 1),
            // A branch that is itself an untagged union of objects (`User`'s
            // `UserDetailed`) requires what all of its own branches require.
            TypeKind::Union(u) if u.tag.is_none() && depth < 8 => {
                let mut common: Option<Vec<String>> = None;
                for v in &u.variants {
                    let keys = required_keys(table, &v.ty, depth + 1)?;
                    common = Some(match common {
                        None => keys,
                        Some(c) => c.into_iter().filter(|k| keys.contains(k)).collect(),
                    });
                }
                common
            }
            _ => None,
        }
    }
    fn shape_of(table: &HashMap<Key, &TypeDef>, ty: &Ty, depth: usize) -> VariantShape {
        match ty {
            Ty::String | Ty::Id | Ty::DateTime => VariantShape::String,
            Ty::Integer => VariantShape::Integer,
            Ty::Number => VariantShape::Number,
            Ty::Boolean => VariantShape::Bool,
            Ty::Array(_) | Ty::Tuple(_) => VariantShape::Array,
            Ty::Map(_) => VariantShape::Object(Vec::new()),
            Ty::Json | Ty::Optional(_) => VariantShape::Any,
            Ty::Named(r) => match table
                .get(&(r.scope.clone(), r.name.clone()))
                .map(|d| &d.kind)
            {
                Some(TypeKind::Struct(_)) => VariantShape::Object(Vec::new()),
                Some(TypeKind::StringEnum(_)) => VariantShape::String,
                Some(TypeKind::Alias(inner)) if depth < 8 => shape_of(table, inner, depth + 1),
                Some(TypeKind::Union(u))
                    if depth < 8
                        && !u.variants.is_empty()
                        && u.variants.iter().all(|v| {
                            matches!(shape_of(table, &v.ty, depth + 1), VariantShape::Object(_))
                        }) =>
                {
                    VariantShape::Object(Vec::new())
                }
                _ => VariantShape::Any,
            },
        }
    }
    /// Enough keys to tell branches apart without listing dozens.
    const MAX_EVIDENCE: usize = 8;

    let mut shapes: HashMap<(Key, usize), VariantShape> = HashMap::new();
    {
        let table = type_table(models, endpoints);
        for (key, def) in &table {
            let TypeKind::Union(u) = &def.kind else {
                continue;
            };
            if u.tag.is_some() {
                continue;
            }
            let keys: Vec<Option<Vec<String>>> = u
                .variants
                .iter()
                .map(|v| required_keys(&table, &v.ty, 0))
                .collect();
            for (i, v) in u.variants.iter().enumerate() {
                let mut shape = shape_of(&table, &v.ty, 0);
                if let (VariantShape::Object(_), Some(mine)) = (&shape, &keys[i]) {
                    let others: HashSet<&String> = keys
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .flat_map(|(_, k)| k.iter().flatten())
                        .collect();
                    let own: Vec<String> = mine
                        .iter()
                        .filter(|k| !others.contains(k))
                        .take(MAX_EVIDENCE)
                        .cloned()
                        .collect();
                    shape = VariantShape::Object(own);
                }
                shapes.insert((key.clone(), i), shape);
            }
        }
    }
    let mut apply = |scope: Scope, def: &mut TypeDef| {
        let key = (scope, def.name.clone());
        if let TypeKind::Union(u) = &mut def.kind {
            for (i, v) in u.variants.iter_mut().enumerate() {
                if let Some(shape) = shapes.remove(&(key.clone(), i)) {
                    v.shape = shape;
                }
            }
        }
    };
    for def in models.iter_mut() {
        apply(Scope::Models, def);
    }
    for (i, e) in endpoints.iter_mut().enumerate() {
        for def in e.types.iter_mut() {
            apply(Scope::Endpoint(i), def);
        }
    }
}
