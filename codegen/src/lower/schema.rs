//! Schemas to types: structs (with `allOf` merged), string enums, unions,
//! lists, maps and tuples.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use openapiv3::{
    AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};

use super::{join_docs, Ctx, Lowerer, Node};
use crate::error::{push_pointer, Error};
use crate::ir::{
    Field, Origin, Repr, StringEnum, Tag, Ty, TypeId, TypeKind, Union, UnionVariant, Variant,
    VariantShape,
};
use crate::names::{pascal, unique_field_names, NameSet};

/// A lowered schema: its type, and whether `null` is allowed.
pub(super) struct Lowered {
    pub ty: Ty,
    pub nullable: bool,
}

/// One property gathered for a struct.
pub(super) struct GatheredProp<'a> {
    pub json_name: String,
    pub node: Node<'a>,
    pub ptr: String,
    /// The naming context, when the property comes from a component merged
    /// by `allOf` (its inline types keep the component's names).
    pub ctx: Option<Ctx>,
    pub doc: Option<String>,
}

/// An object's properties gathered for a struct.
pub(super) struct Gathered<'a> {
    pub props: Vec<GatheredProp<'a>>,
    pub required: BTreeSet<String>,
}

/// A union's discriminator: the property name and each branch's values.
type FoundTag = (String, Vec<Vec<String>>);

impl<'a> Lowerer<'a> {
    /// Lowers every component into its reserved slot.
    pub(super) fn lower_components(&mut self) -> Result<(), Error> {
        let components: Vec<(&str, &ReferenceOr<Schema>, TypeId)> = self
            .components
            .iter()
            .map(|(k, (s, _, id))| (*k, *s, *id))
            .collect();
        for (name, schema, id) in components {
            let ptr = push_pointer("/components/schemas", name);
            let node = Node::of(schema);
            let mut ctx = Ctx::models(&self.types[id].name.clone(), name);
            ctx.component_root = Some(id);
            let lowered = self.lower_node(node, &ptr, &ctx, true)?;
            if lowered.ty == Ty::Named(id) {
                if !self.filled.contains(&id) {
                    // `A: {$ref: A}` or `A: {allOf: [{$ref: A}]}`: nothing defines it.
                    return Err(Error::at(
                        &ptr,
                        format!("`{name}` is only a reference to itself; it describes no value"),
                    ));
                }
            } else {
                // An array, a scalar or a reference: the component is another name for it.
                self.filled.insert(id);
                self.close_type(id, node.doc(), TypeKind::Alias(lowered.ty));
            }
        }
        self.check_alias_cycles()
    }

    /// Rejects components that are only references leading back to themselves
    /// (`A: {$ref: B}`, `B: {allOf: [{$ref: A}]}`): they describe no value, and
    /// the Rust type aliases would not compile.
    fn check_alias_cycles(&self) -> Result<(), Error> {
        for (_, _, start) in self.components.values() {
            let mut seen = vec![*start];
            let mut current = *start;
            while let TypeKind::Alias(Ty::Named(next)) = &self.types[current].kind {
                if !self.types[*next].home.is_models() {
                    break;
                }
                if seen.contains(next) {
                    let names: Vec<&str> = seen
                        .iter()
                        .map(|id| self.types[*id].name.as_str())
                        .collect();
                    let def = &self.types[*start];
                    return Err(Error::at(
                        &def.source,
                        format!(
                            "`{}` is only a reference to itself (through {}); it describes no value",
                            def.name,
                            names.join(" → ")
                        ),
                    ));
                }
                seen.push(*next);
                current = *next;
            }
        }
        Ok(())
    }

    /// Lowers a schema node (a reference or an inline schema).
    pub(super) fn lower_node(
        &mut self,
        node: Node<'a>,
        ptr: &str,
        ctx: &Ctx,
        root: bool,
    ) -> Result<Lowered, Error> {
        match node {
            Node::Ref(reference) => {
                let (_, _, _, id) = self.component(reference, ptr)?;
                Ok(Lowered {
                    ty: Ty::Named(id),
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
                    // Values only some versions of a merged set have (`crate::merge`).
                    let notes = data.extensions.get("x-misskey-enum-versions");
                    self.string_enum(ctx, ptr, doc, values, default, notes)
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
                    self.tuple(tuple, ptr)?
                } else {
                    match &a.items {
                        Some(items) => {
                            let item = self.lower_node(
                                Node::of_boxed(items),
                                &push_pointer(ptr, "items"),
                                &ctx.item(),
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
                            let value_ctx = ctx.child(&ctx.base(), "Value");
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
                    let gathered = self.gather_object(&o.properties, &o.required, ptr, None);
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
                    let gathered = self.gather_object(&any.properties, &any.required, ptr, None);
                    self.struct_type(ctx, ptr, doc, gathered)?
                } else {
                    nullable |= data.extensions.contains_key("x-null");
                    Ty::Json
                }
            }
        };
        Ok(Lowered { ty, nullable })
    }

    /// A tuple (`prefixItems`, kept by the loader as `x-prefix-items`).
    fn tuple(&mut self, tuple: &serde_json::Value, ptr: &str) -> Result<Ty, Error> {
        let tuple_ptr = push_pointer(ptr, "prefixItems");
        let list = tuple
            .as_array()
            .ok_or_else(|| Error::at(&tuple_ptr, "must be an array of schemas"))?;
        let mut items = Vec::new();
        for (i, item) in list.iter().enumerate() {
            let item_ptr = push_pointer(&tuple_ptr, &i.to_string());
            let schema: ReferenceOr<Schema> = serde_json::from_value(item.clone())
                .map_err(|e| Error::at(&item_ptr, format!("not a schema: {e}")))?;
            // Tuple members are parsed from a copy of the JSON, so they must
            // not reach the pointer cache; only scalars and references are
            // supported, which need no naming.
            let lowered = match &schema {
                ReferenceOr::Reference { reference } => Lowered {
                    ty: Ty::Named(self.component(reference, &item_ptr)?.3),
                    nullable: false,
                },
                ReferenceOr::Item(s) => {
                    let ty = match &s.schema_kind {
                        SchemaKind::Type(Type::String(_)) => Ty::String,
                        SchemaKind::Type(Type::Number(_)) => Ty::Number,
                        SchemaKind::Type(Type::Integer(_)) => Ty::Integer,
                        SchemaKind::Type(Type::Boolean(_)) => Ty::Boolean,
                        _ => {
                            return Err(Error::at(
                                item_ptr,
                                "only scalar or referenced tuple members are supported",
                            ))
                        }
                    };
                    Lowered {
                        ty,
                        nullable: s.schema_data.nullable,
                    }
                }
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
        notes: Option<&serde_json::Value>,
    ) -> Ty {
        let id = self.open_type(ctx, ptr);
        let mut variant_names = NameSet::default();
        let variants: Vec<Variant> = values
            .into_iter()
            .map(|value| Variant {
                name: variant_names.take(&[pascal(&signed_value(&value))]),
                note: notes
                    .and_then(|n| n.get(&value))
                    .and_then(|n| n.as_str())
                    .map(str::to_owned),
                value,
            })
            .collect();
        let other =
            variant_names.take(&["Other".into(), "UnknownValue".into(), "OtherValue".into()]);
        self.close_type(
            id,
            doc,
            TypeKind::StringEnum(StringEnum {
                variants,
                other,
                default,
            }),
        );
        Ty::Named(id)
    }

    pub(super) fn gather_object(
        &mut self,
        props: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        ptr: &str,
        inherited: Option<&Ctx>,
    ) -> Gathered<'a> {
        let props_ptr = push_pointer(ptr, "properties");
        let props = props
            .iter()
            .map(|(name, schema)| {
                let node = Node::of_boxed(schema);
                GatheredProp {
                    json_name: name.clone(),
                    node,
                    ptr: push_pointer(&props_ptr, name),
                    ctx: inherited.map(|c| c.child(&c.base(), name)),
                    doc: node.doc(),
                }
            })
            .collect();
        Gathered {
            props,
            required: required.iter().cloned().collect(),
        }
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
                match merged
                    .props
                    .iter_mut()
                    .find(|p| p.json_name == prop.json_name)
                {
                    Some(existing) => *existing = prop,
                    None => merged.props.push(prop),
                }
            }
            merged.required.extend(part.required);
        }
        Ok(merged)
    }

    /// The properties of an object schema, a reference to one, or an `allOf` of them.
    pub(super) fn gather_node(
        &mut self,
        node: Node<'a>,
        ptr: &str,
        inherited: Option<&Ctx>,
    ) -> Result<Gathered<'a>, Error> {
        match node {
            Node::Ref(reference) => {
                let (name, target, rust, _) = self.component(reference, ptr)?;
                if self.flatten_stack.iter().any(|n| n == name) {
                    return Err(Error::at(
                        ptr,
                        format!("`allOf` refers back to `{name}`, which includes itself"),
                    ));
                }
                self.flatten_stack.push(name.to_owned());
                let result = self.gather_node(
                    target,
                    &push_pointer("/components/schemas", name),
                    Some(&Ctx::models(&rust, name)),
                );
                self.flatten_stack.pop();
                result
            }
            Node::Item(schema) => match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => {
                    Ok(self.gather_object(&o.properties, &o.required, ptr, inherited))
                }
                SchemaKind::Any(any)
                    if any.one_of.is_empty() && any.any_of.is_empty() && any.all_of.is_empty() =>
                {
                    Ok(self.gather_object(&any.properties, &any.required, ptr, inherited))
                }
                SchemaKind::AllOf { all_of } => self.gather_all_of(all_of, ptr, inherited),
                _ => Err(Error::at(
                    ptr,
                    "this `allOf` branch is not an object, so its properties cannot be merged; \
                     only objects and references to objects are supported in `allOf`",
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
        let id = self.open_type(ctx, ptr);
        let name = self.types[id].name.clone();
        let fields = self.fields(&name, ctx, gathered)?;
        self.close_type(id, doc, TypeKind::Struct(fields));
        Ok(Ty::Named(id))
    }

    /// Lowers gathered properties into the fields of the struct `parent`.
    pub(super) fn fields(
        &mut self,
        parent: &str,
        ctx: &Ctx,
        gathered: Gathered<'a>,
    ) -> Result<Vec<Field>, Error> {
        let json_names: Vec<&str> = gathered
            .props
            .iter()
            .map(|p| p.json_name.as_str())
            .collect();
        let rust_names = unique_field_names(&json_names);
        let mut fields = Vec::with_capacity(gathered.props.len());
        for (prop, rust_name) in gathered.props.iter().zip(rust_names) {
            // Properties merged in from a component keep that component's names;
            // this type's own properties are named after it.
            let prop_ctx = prop
                .ctx
                .clone()
                .unwrap_or_else(|| ctx.child(parent, &prop.json_name));
            let lowered = self.lower_node(prop.node, &prop.ptr, &prop_ctx, false)?;
            fields.push(Field {
                json_name: prop.json_name.clone(),
                rust_name,
                ty: lowered.ty,
                required: gathered.required.contains(&prop.json_name),
                nullable: lowered.nullable,
                boxed: false,
                repr: Repr::default(),
                integral: false,
                doc: join_docs(prop.doc.clone(), constraints(prop.node)),
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
        let id = self.open_type(ctx, ptr);
        let name = self.types[id].name.clone();
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
                home: ctx.home.clone(),
                names: vec![format!("{name}{variant_name}")],
                component_root: None,
            };
            let lowered = self.lower_node(node, &branch_ptr, &branch_ctx, false)?;
            variants.push(UnionVariant {
                name: variant_name,
                ty: wrap_nullable_item(lowered),
                tag_values,
                tag_field: None,
                boxed: false,
                source: Origin(branch_ptr.clone()),
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
        let tag = tag.map(|(property, _)| Tag {
            property,
            other: ["Other", "UnknownValue", "OtherValue"]
                .into_iter()
                .find(|c| !variant_names.contains(c))
                .unwrap_or("UnknownVariant")
                .to_owned(),
        });
        self.close_type(
            id,
            doc,
            TypeKind::Union(Union {
                variants,
                tag,
                accessors: Vec::new(),
                has_kind: false,
            }),
        );
        Ok(Ty::Named(id))
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
        // {allOf: [{$ref: A}]}`), and a component lowered later is still
        // empty here; stop after a few steps.
        for _ in 0..16 {
            let Ty::Named(id) = ty else { return 0 };
            match &self.types[*id].kind {
                TypeKind::Struct(fields) => {
                    return 1 + fields.iter().filter(|f| f.required).count()
                }
                TypeKind::Alias(inner) => ty = inner,
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
    ) -> Result<Option<FoundTag>, Error> {
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

    /// The required, non-null string-enum properties of an object branch
    /// (following references and `allOf`); `None` if it is not an object.
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
                let (name, target, _, _) = self.component(reference, ptr)?;
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
pub(super) fn wrap_nullable_item(lowered: Lowered) -> Ty {
    // `serde_json::Value` already admits null.
    if lowered.nullable && lowered.ty != Ty::Json {
        Ty::Optional(Box::new(lowered.ty))
    } else {
        lowered.ty
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_branch_names_drop_the_union_prefix() {
        assert_eq!(
            strip_common_prefix("RoleCondFormulaLogics", "RoleCondFormulaValue"),
            "Logics"
        );
        assert_eq!(strip_common_prefix("Note", "Notification"), "Note");
    }

    #[test]
    fn signed_sort_orders_get_distinct_names() {
        assert_eq!(pascal(&signed_value("+createdAt")), "PlusCreatedAt");
        assert_eq!(pascal(&signed_value("-createdAt")), "MinusCreatedAt");
    }
}
