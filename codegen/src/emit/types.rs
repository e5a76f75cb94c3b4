//! Printing type definitions: structs, string enums, unions, aliases.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{inner_doc, outer_doc};
use super::features::cfg_any;
use super::render_file;
use crate::error::Error;
use crate::ir::{
    Api, Field, Home, StringEnum, Ty, TypeDef, TypeId, TypeKind, Types, Union, VariantShape, Wrap,
};
use crate::passes::features::DESERIALIZE_REQUESTS;

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

/// Prints type expressions and definitions as seen from one file.
pub struct TypePrinter<'a> {
    pub types: &'a Types,
    /// The file being printed (an endpoint module or a model file).
    pub here: Home,
    pub imports: Imports,
}

impl<'a> TypePrinter<'a> {
    pub fn new(types: &'a Types, here: Home) -> Self {
        TypePrinter {
            types,
            here,
            imports: Imports::default(),
        }
    }

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
            Ty::Named(id) => {
                let def = &self.types[*id];
                let name = ident(&def.name);
                match (&def.home, &self.here) {
                    (Home::Models { .. }, Home::Endpoint(_)) => {
                        self.imports.models_module = true;
                        quote! { models::#name }
                    }
                    (Home::Models { .. }, Home::Models { .. }) => {
                        if def.home != self.here {
                            self.imports.sibling_models.insert(def.name.clone());
                        }
                        quote! { #name }
                    }
                    _ => quote! { #name },
                }
            }
        }
    }

    /// A whole type definition.
    pub fn def(&mut self, id: TypeId) -> TokenStream {
        let def: &TypeDef = &self.types[id];
        let name = ident(&def.name);
        let doc = outer_doc(def.doc.as_deref().unwrap_or_default());
        match &def.kind {
            TypeKind::Struct(fields) => {
                let (body, serde_impl) = self.struct_body(&name, fields, def.deserialize_gated);
                let derive_default = def.derive_default.then(|| quote! { Default, });
                let has_id = if def.has_id {
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
            TypeKind::StringEnum(e) => string_enum(&name, &doc, e, def.derive_default),
            TypeKind::Union(u) => self.union(&name, &doc, u, def.has_id),
            TypeKind::Alias(t) => {
                let t = self.ty(t);
                quote! { #doc pub type #name = #t; }
            }
        }
    }

    /// `{ fields }` of a struct, and its serde impls (an `object!` call:
    /// far less code to compile than the serde derives). With
    /// `deserialize_gated`, the `Deserialize` impl is only compiled with the
    /// `deserialize-requests` feature.
    fn struct_body(
        &mut self,
        name: &Ident,
        fields: &[Field],
        deserialize_gated: bool,
    ) -> (TokenStream, TokenStream) {
        let mut decls = Vec::new();
        let mut entries = Vec::new();
        for f in fields {
            let ty = self.field_ty(f);
            let field = ident(&f.rust_name);
            let doc = match &f.doc {
                Some(d) => outer_doc(d),
                None => TokenStream::new(),
            };
            decls.push(quote! { #doc pub #field: #ty, });
            let (json, mode) = (&f.json_name, ident(f.repr.mode.as_str()));
            entries.push(quote! { #field: #ty = #json #mode, });
        }
        let gate = if deserialize_gated {
            quote! { #[cfg(feature = #DESERIALIZE_REQUESTS)] }
        } else {
            TokenStream::new()
        };
        let serde_impl = quote! { misskey_core::object!(#gate #name { #(#entries)* }); };
        (quote! { { #(#decls)* } }, serde_impl)
    }

    /// A field's declared type: its value type, boxed and wrapped as decided.
    fn field_ty(&mut self, f: &Field) -> TokenStream {
        let mut ty = self.ty(&f.ty);
        if f.boxed {
            ty = quote! { Box<#ty> };
        }
        match f.repr.wrap {
            Wrap::Plain => ty,
            Wrap::Option => quote! { Option<#ty> },
            Wrap::Nullable => {
                self.imports.nullable = true;
                quote! { Nullable<#ty> }
            }
        }
    }

    fn union(&mut self, name: &Ident, doc: &TokenStream, u: &Union, has_id: bool) -> TokenStream {
        let mut variants = Vec::new();
        for v in &u.variants {
            let vname = ident(&v.name);
            let mut ty = self.ty(&v.ty);
            if v.boxed {
                ty = quote! { Box<#ty> };
            }
            let vdoc = match &u.tag {
                Some(tag) if !v.tag_values.is_empty() => {
                    let values: Vec<String> =
                        v.tag_values.iter().map(|t| format!("`{t}`")).collect();
                    outer_doc(&format!(
                        "When `{}` is {}.",
                        tag.property,
                        values.join(" or ")
                    ))
                }
                _ => TokenStream::new(),
            };
            variants.push((vname, ty, vdoc));
        }
        let decls: Vec<TokenStream> = variants
            .iter()
            .map(|(n, t, d)| quote! { #d #n(#t), })
            .collect();
        let id_arms: Vec<TokenStream> = variants
            .iter()
            .map(|(n, _, _)| quote! { Self::#n(v) => misskey_core::HasId::id(v), })
            .collect();
        let other_id_arm = match &u.tag {
            Some(tag) => {
                let other = ident(&tag.other);
                quote! { Self::#other(v) => v.get("id").and_then(|id| id.as_str()), }
            }
            None => TokenStream::new(),
        };
        let has_id = if has_id {
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
                let other = ident(&tag.other);
                let property = &tag.property;
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
                let other_doc = format!(
                    " A `{property}` this version of the bindings does not know, kept as JSON."
                );
                quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq)]
                    pub enum #name {
                        #(#decls)*
                        #[doc = #other_doc]
                        #other(serde_json::Value),
                    }
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
                            Ok(match misskey_core::private::raw_tag::<D>(&raw, #property)?.as_deref() {
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

fn string_enum(
    name: &Ident,
    doc: &TokenStream,
    e: &StringEnum,
    derive_default: bool,
) -> TokenStream {
    let default_index = if derive_default { e.default } else { None };
    let variants: Vec<TokenStream> = e
        .variants
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let name = ident(&v.name);
            let d = match &v.note {
                Some(note) => outer_doc(&format!("`{}`\n\n{note}", v.value)),
                None => {
                    let d = format!(" `{}`", v.value);
                    quote! { #[doc = #d] }
                }
            };
            let default = (default_index == Some(i)).then(|| quote! { #[default] });
            quote! { #d #default #name, }
        })
        .collect();
    let arms: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let (name, value) = (ident(&v.name), &v.value);
            quote! { #name => #value, }
        })
        .collect();
    let other = ident(&e.other);
    let derive_default = derive_default.then(|| quote! { Default, });
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
pub fn permission_enum(permissions: &StringEnum) -> TokenStream {
    let doc = outer_doc(
        "A permission an access token can carry, such as `write:notes`.\n\n\
         Generated from the instance's published permission list (`scopes_supported`) and every \
         permission the spec's endpoints name. Strings this version does not know (forks add \
         their own) are kept in the catch-all variant instead of being dropped.",
    );
    let body = string_enum(&ident("Permission"), &doc, permissions, false);
    let module_doc = inner_doc("The permission list (generated).");
    // Inside misskey-core the macro is reached through `crate`.
    let body: TokenStream = body
        .to_string()
        .replace("misskey_core :: string_enum", "crate :: string_enum")
        .parse()
        .expect("valid tokens");
    quote! { #module_doc #body }
}

/// One file per component schema (and shared shape) under `models/`, plus `models/mod.rs`.
pub fn model_files(api: &Api) -> Result<Vec<(String, String)>, Error> {
    let mut files = Vec::new();
    let mut mod_items = Vec::new();
    for file in &api.model_files {
        let component = &file.component;
        let mut printer = TypePrinter::new(
            &api.types,
            Home::Models {
                component: component.clone(),
            },
        );
        let items: Vec<TokenStream> = file.types.iter().map(|id| printer.def(*id)).collect();
        let imports = printer.imports.tokens();
        let doc = if file.is_component {
            inner_doc(&format!(
                "`{component}` (`#/components/schemas/{component}`)."
            ))
        } else {
            inner_doc(&format!(
                "`{component}`: a shape the spec repeats inline in several places, defined once."
            ))
        };
        files.push((
            format!("models/{}.rs", file.module),
            render_file(quote! { #doc #imports #(#items)* })?,
        ));
        let cfg = file.cfg.as_ref().map(cfg_any).unwrap_or_default();
        let m = format_ident!("{}", file.module);
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
