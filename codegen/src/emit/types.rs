//! Printing type definitions: structs, string enums, unions, aliases.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{inner_doc, outer_doc};
use super::features::Features;
use super::render_file;
use crate::error::Error;
use crate::ir::{
    Api, Field, Scope, StringEnum, Ty, TypeDef, TypeKind, TypeRef, Union, VariantShape,
};
use crate::names::{pascal, snake_ident};

/// Names a file's items use, so it imports exactly those.
#[derive(Default)]
pub struct Imports {
    pub id: bool,
    pub date_time: bool,
    pub nullable: bool,
    pub btree_map: bool,
    pub models_module: bool,
    pub serde: bool,
    /// A hand-written `Deserialize` impl (needs `Deserializer`).
    pub manual_de: bool,
    /// A hand-written `Serialize` impl (needs `Serializer`).
    pub manual_ser: bool,
    /// `Endpoint`, `Permission`, `ResponseShape` (endpoint modules).
    pub endpoint_traits: bool,
    /// Models referenced from another model file.
    pub sibling_models: BTreeSet<String>,
}

impl Imports {
    pub fn tokens(&self) -> TokenStream {
        let mut out = TokenStream::new();
        if self.btree_map {
            out.extend(quote! { use std::collections::BTreeMap; });
        }
        let mut core: Vec<Ident> = Vec::new();
        if self.date_time {
            core.push(ident("DateTime"));
        }
        if self.endpoint_traits {
            core.push(ident("Endpoint"));
        }
        if self.id {
            core.push(ident("Id"));
        }
        if self.nullable {
            core.push(ident("Nullable"));
        }
        if self.endpoint_traits {
            core.push(ident("Permission"));
            core.push(ident("ResponseShape"));
        }
        match core.len() {
            0 => {}
            1 => {
                let one = &core[0];
                out.extend(quote! { use misskey_core::#one; });
            }
            _ => out.extend(quote! { use misskey_core::{#(#core),*}; }),
        }
        let mut serde_names = Vec::new();
        if self.serde || self.manual_de {
            serde_names.push(ident("Deserialize"));
        }
        if self.manual_de {
            serde_names.push(ident("Deserializer"));
        }
        if self.serde || self.manual_ser {
            serde_names.push(ident("Serialize"));
        }
        if self.manual_ser {
            serde_names.push(ident("Serializer"));
        }
        if !serde_names.is_empty() {
            out.extend(quote! { use serde::{#(#serde_names),*}; });
        }
        if self.models_module {
            out.extend(quote! { use crate::models; });
        }
        if !self.sibling_models.is_empty() {
            let names: Vec<Ident> = self.sibling_models.iter().map(|n| ident(n)).collect();
            out.extend(quote! { use super::{#(#names),*}; });
        }
        out
    }
}

pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Prints type expressions as seen from one scope.
pub struct TypePrinter<'a> {
    pub here: Scope,
    /// Names defined in the current file (no import needed).
    pub local: &'a BTreeSet<String>,
    pub imports: Imports,
    /// Structs whose `Deserialize` is behind the `deserialize-requests` feature.
    pub request_only: &'a HashSet<TypeRef>,
}

impl TypePrinter<'_> {
    pub fn ty(&mut self, ty: &Ty) -> TokenStream {
        match ty {
            Ty::String => quote! { String },
            Ty::Integer => quote! { i64 },
            Ty::Number => quote! { f64 },
            Ty::Boolean => quote! { bool },
            Ty::Id => {
                self.imports.id = true;
                quote! { Id }
            }
            Ty::DateTime => {
                self.imports.date_time = true;
                quote! { DateTime }
            }
            Ty::Json => quote! { serde_json::Value },
            Ty::Array(t) => {
                let t = self.ty(t);
                quote! { Vec<#t> }
            }
            Ty::Map(t) => {
                self.imports.btree_map = true;
                let t = self.ty(t);
                quote! { BTreeMap<String, #t> }
            }
            Ty::Tuple(ts) => {
                let ts: Vec<TokenStream> = ts.iter().map(|t| self.ty(t)).collect();
                quote! { (#(#ts,)*) }
            }
            Ty::Optional(t) => {
                let t = self.ty(t);
                quote! { Option<#t> }
            }
            Ty::Named(r) => {
                let name = ident(&r.name);
                match (&r.scope, &self.here) {
                    (Scope::Models, Scope::Endpoint(_)) => {
                        self.imports.models_module = true;
                        quote! { models::#name }
                    }
                    (Scope::Models, Scope::Models) => {
                        if !self.local.contains(&r.name) {
                            self.imports.sibling_models.insert(r.name.clone());
                        }
                        quote! { #name }
                    }
                    _ => quote! { #name },
                }
            }
        }
    }

    /// A whole type definition.
    pub fn def(&mut self, def: &TypeDef) -> TokenStream {
        let name = ident(&def.name);
        let doc = outer_doc(def.doc.as_deref().unwrap_or(&default_doc(def)));
        match &def.kind {
            TypeKind::Struct(fields) => {
                let gate = self.request_only.contains(&TypeRef {
                    scope: self.here.clone(),
                    name: def.name.clone(),
                });
                let (body, serde_impl) =
                    self.struct_body_tokens(&name, fields, def.needs_default, gate);
                let derive_default = def.needs_default.then(|| quote! { Default, });
                let has_id = if fields.iter().any(is_id_field) {
                    quote! {
                        impl misskey_core::HasId for #name {
                            fn id(&self) -> Option<&str> {
                                Some(self.id.as_str())
                            }
                        }
                    }
                } else {
                    TokenStream::new()
                };
                quote! {
                    #doc
                    #[derive(Debug, Clone, #derive_default PartialEq)]
                    pub struct #name #body
                    #serde_impl
                    #has_id
                }
            }
            TypeKind::StringEnum(e) => string_enum(&name, &doc, e, def.needs_default),
            TypeKind::Union(u) => self.union(&name, &doc, u, def.needs_default),
            TypeKind::Alias(t) => {
                let t = self.ty(t);
                quote! { #doc pub type #name = #t; }
            }
        }
    }

    /// `{ fields }` of a struct, and its serde impls (an `object!` call:
    /// far less code to compile than the serde derives). With
    /// `deserialize_behind_feature`, the `Deserialize` impl is only compiled
    /// with the `deserialize-requests` feature.
    pub fn struct_body_tokens(
        &mut self,
        name: &Ident,
        fields: &[Field],
        request_side: bool,
        deserialize_behind_feature: bool,
    ) -> (TokenStream, TokenStream) {
        let mut decls = Vec::new();
        let mut entries = Vec::new();
        for f in fields {
            let (decl, ty, mode) = self.field(f, request_side);
            decls.push(decl);
            let (field, json, mode) = (ident(&f.rust_name), &f.json_name, ident(mode));
            entries.push(quote! { #field: #ty = #json #mode, });
        }
        let gate = if deserialize_behind_feature {
            let feature = super::features::DESERIALIZE_REQUESTS;
            quote! { #[cfg(feature = #feature)] }
        } else {
            TokenStream::new()
        };
        let serde_impl = quote! { misskey_core::object!(#gate #name { #(#entries)* }); };
        (quote! { { #(#decls)* } }, serde_impl)
    }

    /// A field declaration, its type and its `object!` mode.
    fn field(&mut self, f: &Field, request_side: bool) -> (TokenStream, TokenStream, &'static str) {
        let name = ident(&f.rust_name);
        let mut ty = self.ty(&f.ty);
        if f.boxed {
            ty = quote! { Box<#ty> };
        }
        let (ty, mode) = match (f.required, f.nullable) {
            (true, false) if !request_side && lenient_when_missing(&f.ty) => {
                // Servers leave out some flags and lists their spec requires
                // (2024.10.1's `meta` omits `features.localTimeline`); reading
                // them as false/empty keeps the rest of the answer usable.
                (ty, "or_default")
            }
            (true, false) => (ty, "required"),
            // Required but nullable: a missing one reads as `None`, as with serde's derive.
            (true, true) => (quote! { Option<#ty> }, "or_default"),
            (false, false) if request_side && f.ty == Ty::Json => {
                // A property of any type (`var: {}` of `page-push`) may be
                // sent as `null`, which `Option<Value>` would drop.
                self.imports.nullable = true;
                (quote! { Nullable<#ty> }, "skip_absent")
            }
            (false, false) => (quote! { Option<#ty> }, "skip_none"),
            (false, true) if request_side => {
                self.imports.nullable = true;
                (quote! { Nullable<#ty> }, "skip_absent")
            }
            (false, true) => (quote! { Option<#ty> }, "skip_none"),
        };
        let doc = match &f.doc {
            Some(d) => outer_doc(d),
            None => TokenStream::new(),
        };
        (quote! { #doc pub #name: #ty, }, ty, mode)
    }

    fn union(
        &mut self,
        name: &Ident,
        doc: &TokenStream,
        u: &Union,
        needs_default: bool,
    ) -> TokenStream {
        let mut variants = Vec::new();
        for v in &u.variants {
            let vname = ident(&v.name);
            let mut ty = self.ty(&v.ty);
            if v.boxed {
                ty = quote! { Box<#ty> };
            }
            let vdoc = if v.tag_values.is_empty() {
                TokenStream::new()
            } else {
                let values: Vec<String> = v.tag_values.iter().map(|t| format!("`{t}`")).collect();
                outer_doc(&format!(
                    "When `{}` is {}.",
                    u.tag.as_deref().unwrap_or("type"),
                    values.join(" or ")
                ))
            };
            variants.push((vname, ty, vdoc));
        }
        let default_impl = if needs_default {
            let first = &variants[0].0;
            quote! {
                impl Default for #name {
                    fn default() -> Self {
                        Self::#first(Default::default())
                    }
                }
            }
        } else {
            TokenStream::new()
        };
        let decls: Vec<TokenStream> = variants
            .iter()
            .map(|(n, t, d)| quote! { #d #n(#t), })
            .collect();
        let id_arms: Vec<TokenStream> = variants
            .iter()
            .map(|(n, _, _)| quote! { Self::#n(v) => misskey_core::HasId::id(v), })
            .collect();
        let other_id_arm = if u.tag.is_some() {
            let other = ident(&unique_other(u));
            quote! { Self::#other(v) => v.get("id").and_then(|id| id.as_str()), }
        } else {
            TokenStream::new()
        };
        let has_id = if u.has_id {
            quote! {
                impl misskey_core::HasId for #name {
                    fn id(&self) -> Option<&str> {
                        match self {
                            #(#id_arms)*
                            #other_id_arm
                        }
                    }
                }
            }
        } else {
            TokenStream::new()
        };
        match &u.tag {
            None => {
                self.imports.serde = true;
                self.imports.manual_de = true;
                let union_name = name.to_string();
                let branches: Vec<TokenStream> = u
                    .variants
                    .iter()
                    .map(|v| {
                        let n = ident(&v.name);
                        let label = &v.name;
                        let shape = shape_tokens(&v.shape);
                        let wrap = if v.boxed {
                            quote! { |x| Self::#n(Box::new(x)) }
                        } else {
                            quote! { Self::#n }
                        };
                        quote! { (#label, #shape, |v| serde_json::from_str(v).map(#wrap)), }
                    })
                    .collect();
                quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, Serialize)]
                    #[serde(untagged)]
                    pub enum #name { #(#decls)* }
                    #default_impl
                    #has_id
                    impl<'de> Deserialize<'de> for #name {
                        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            let raw = misskey_core::private::buffer(deserializer)?;
                            misskey_core::private::decode_union::<Self, D>(&raw, #union_name, &[#(#branches)*])
                        }
                    }
                }
            }
            Some(tag) => {
                self.imports.manual_de = true;
                self.imports.manual_ser = true;
                let other = ident(&unique_other(u));
                let ser_arms: Vec<TokenStream> = variants
                    .iter()
                    .map(|(n, _, _)| quote! { Self::#n(v) => v.serialize(serializer), })
                    .collect();
                let de_arms: Vec<TokenStream> = u
                    .variants
                    .iter()
                    .map(|v| {
                        let n = ident(&v.name);
                        let values = &v.tag_values;
                        let value = if v.boxed {
                            quote! { Box::new(misskey_core::private::from_raw::<_, D>(&raw)?) }
                        } else {
                            quote! { misskey_core::private::from_raw::<_, D>(&raw)? }
                        };
                        quote! { Some(#(#values)|*) => Self::#n(#value), }
                    })
                    .collect();
                let other_doc =
                    format!(" A `{tag}` this version of the bindings does not know, kept as JSON.");
                quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq)]
                    pub enum #name {
                        #(#decls)*
                        #[doc = #other_doc]
                        #other(serde_json::Value),
                    }
                    #default_impl
                    #has_id
                    impl Serialize for #name {
                        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                            match self {
                                #(#ser_arms)*
                                Self::#other(v) => v.serialize(serializer),
                            }
                        }
                    }
                    impl<'de> Deserialize<'de> for #name {
                        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                            // Buffered as text, parsed once more as the branch the tag names.
                            let raw = misskey_core::private::buffer(deserializer)?;
                            Ok(match misskey_core::private::raw_tag::<D>(&raw, #tag)?.as_deref() {
                                #(#de_arms)*
                                _ => Self::#other(misskey_core::private::from_raw::<_, D>(&raw)?),
                            })
                        }
                    }
                }
            }
        }
    }
}

/// Types whose absence reads naturally as their default (`false`, empty).
fn lenient_when_missing(ty: &Ty) -> bool {
    matches!(ty, Ty::Boolean | Ty::Array(_) | Ty::Map(_))
}

/// A required, non-null `id: Id` field: what makes a type a pagination item.
fn is_id_field(f: &Field) -> bool {
    f.json_name == "id"
        && f.rust_name == "id"
        && f.required
        && !f.nullable
        && !f.boxed
        && f.ty == Ty::Id
}

fn shape_tokens(shape: &VariantShape) -> TokenStream {
    match shape {
        VariantShape::Object(keys) => {
            quote! { misskey_core::private::Shape::Object(&[#(#keys),*]) }
        }
        VariantShape::Array => quote! { misskey_core::private::Shape::Array },
        VariantShape::String => quote! { misskey_core::private::Shape::String },
        VariantShape::Number => quote! { misskey_core::private::Shape::Number },
        VariantShape::Integer => quote! { misskey_core::private::Shape::Integer },
        VariantShape::Bool => quote! { misskey_core::private::Shape::Bool },
        VariantShape::Any => quote! { misskey_core::private::Shape::Any },
    }
}

fn unique_other(u: &Union) -> String {
    ["Other", "UnknownValue", "OtherValue"]
        .into_iter()
        .find(|c| u.variants.iter().all(|v| v.name != *c))
        .unwrap_or("UnknownVariant")
        .to_owned()
}

pub(super) fn default_doc(def: &TypeDef) -> String {
    let (owner, rest) = describe_pointer(&def.source);
    match (rest.is_empty(), &def.kind) {
        (true, _) if owner.ends_with("response") => {
            format!(
                "What {} answers.",
                owner
                    .trim_end_matches(" response")
                    .trim_start_matches("the ")
            )
        }
        (true, _) if owner.starts_with('`') => {
            format!("The {owner} object of the spec's `components/schemas`.")
        }
        (true, _) => format!("{owner}."),
        (false, TypeKind::StringEnum(_)) => format!("Values of `{rest}` in {owner}."),
        (false, _) => format!("`{rest}` in {owner}."),
    }
}

/// Splits a schema pointer into its owner (`the \`notes/create\` request`)
/// and the property path inside it (`poll.choices[]`).
fn describe_pointer(ptr: &str) -> (String, String) {
    let tokens: Vec<String> = ptr
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let (owner, inner): (String, &[String]) = match tokens.first().map(String::as_str) {
        Some("paths") if tokens.len() > 3 => {
            let endpoint = tokens[1].trim_matches('/');
            let after_method = &tokens[3..];
            let kind = if after_method.first().map(String::as_str) == Some("requestBody") {
                "request"
            } else {
                "response"
            };
            let schema_at = after_method
                .iter()
                .position(|t| t == "schema")
                .map(|i| i + 1)
                .unwrap_or(after_method.len());
            (
                format!("the `{endpoint}` {kind}"),
                &after_method[schema_at..],
            )
        }
        Some("components") if tokens.len() > 2 => (format!("`{}`", tokens[2]), &tokens[3..]),
        _ => ("the spec".to_owned(), &tokens[..]),
    };
    let mut rest = String::new();
    let mut iter = inner.iter().peekable();
    while let Some(t) = iter.next() {
        match t.as_str() {
            "properties" => {
                if let Some(name) = iter.next() {
                    if !rest.is_empty() {
                        rest.push('.');
                    }
                    rest.push_str(name);
                }
            }
            "items" => rest.push_str("[]"),
            "additionalProperties" => rest.push_str("{}"),
            "oneOf" | "anyOf" | "allOf" => {
                if let Some(i) = iter.next() {
                    rest.push_str(&format!(" (variant {i})"));
                }
            }
            other => {
                if !rest.is_empty() {
                    rest.push('.');
                }
                rest.push_str(other);
            }
        }
    }
    (owner, rest.trim().to_owned())
}

fn string_enum(
    name: &Ident,
    doc: &TokenStream,
    e: &StringEnum,
    needs_default: bool,
) -> TokenStream {
    let default_index = if needs_default {
        Some(e.default.unwrap_or(0))
    } else {
        None
    };
    let variants: Vec<TokenStream> = e
        .variants
        .iter()
        .enumerate()
        .map(|(i, (v, value))| {
            let v = ident(v);
            let d = format!(" `{value}`");
            let default = (default_index == Some(i)).then(|| quote! { #[default] });
            quote! { #[doc = #d] #default #v, }
        })
        .collect();
    let arms: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|(v, value)| {
            let v = ident(v);
            quote! { #v => #value, }
        })
        .collect();
    let other = ident(&e.other);
    let derive_default = needs_default.then(|| quote! { Default, });
    quote! {
        #doc
        #[derive(Debug, Clone, #derive_default PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the bindings does not know (sent by a newer server or a fork).
            #other(String),
        }
        misskey_core::string_enum!(#name, #other { #(#arms)* });
    }
}

/// The permission enum, for `misskey-core`.
pub fn permission_enum(permissions: &[String]) -> TokenStream {
    let mut names = crate::names::NameSet::default();
    let variants: Vec<(String, String)> = permissions
        .iter()
        .map(|p| (names.take(&[pascal(p)]), p.clone()))
        .collect();
    let other = names.take(&["Other".into(), "UnknownPermission".into()]);
    let e = StringEnum {
        variants,
        other,
        default: None,
    };
    let doc = outer_doc(
        "A permission an access token can carry, such as `write:notes`.\n\n\
         Generated from the instance's published permission list (`scopes_supported`) and every \
         permission the spec's endpoints name. Strings this version does not know (forks add \
         their own) are kept in the catch-all variant instead of being dropped.",
    );
    let body = string_enum(&ident("Permission"), &doc, &e, false);
    let module_doc = inner_doc("The permission list (generated).");
    // Inside misskey-core the macro is reached through `crate`.
    let body: TokenStream = body
        .to_string()
        .replace("misskey_core :: string_enum", "crate :: string_enum")
        .parse()
        .expect("valid tokens");
    quote! { #module_doc #body }
}

/// One file per component schema under `models/`, plus `models/mod.rs`.
pub fn model_files(api: &Api, features: &Features) -> Result<Vec<(String, String)>, Error> {
    // Group types by the component they sit under.
    let mut by_component: BTreeMap<String, Vec<&TypeDef>> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    for def in &api.models {
        let component = def
            .source
            .strip_prefix("/components/schemas/")
            .map(|rest| rest.split('/').next().unwrap_or(rest).to_owned())
            .unwrap_or_else(|| def.name.clone());
        if !by_component.contains_key(&component) {
            order.push(component.clone());
        }
        by_component.entry(component).or_default().push(def);
    }
    let mut files = Vec::new();
    let mut mod_items = Vec::new();
    let mut file_names = crate::names::NameSet::default();
    for component in order {
        let defs = &by_component[&component];
        let file = file_names.take(&[snake_ident(&pascal(&component))
            .trim_start_matches("r#")
            .to_owned()]);
        let local: BTreeSet<String> = defs.iter().map(|d| d.name.clone()).collect();
        let mut printer = TypePrinter {
            here: Scope::Models,
            local: &local,
            imports: Imports::default(),
            request_only: &features.request_only,
        };
        let items: Vec<TokenStream> = defs.iter().map(|d| printer.def(d)).collect();
        let imports = printer.imports.tokens();
        let is_component = defs
            .iter()
            .any(|d| d.source.starts_with("/components/schemas/"));
        let doc = if is_component {
            inner_doc(&format!(
                "`{component}` (`#/components/schemas/{component}`)."
            ))
        } else {
            inner_doc(&format!(
                "`{component}`: a shape the spec repeats inline in several places, defined once."
            ))
        };
        files.push((
            format!("models/{file}.rs"),
            render_file(quote! { #doc #imports #(#items)* })?,
        ));

        let mut conds: BTreeSet<String> = BTreeSet::new();
        let mut always = false;
        for d in defs {
            match features.model.get(&d.name) {
                Some(set) => conds.extend(set.iter().cloned()),
                None => always = true,
            }
        }
        let cfg = if always {
            TokenStream::new()
        } else {
            features.cfg_for(&conds)
        };
        let m = format_ident!("{}", file);
        mod_items.push(quote! { #cfg mod #m; #cfg pub use #m::*; });
    }
    let doc = inner_doc(
        "Types shared across endpoints: the spec's `components/schemas` and the types nested in them.\n\n\
         Each model is compiled when a feature whose endpoints use it is enabled.",
    );
    files.push((
        "models/mod.rs".into(),
        render_file(quote! { #doc #(#mod_items)* })?,
    ));
    Ok(files)
}
