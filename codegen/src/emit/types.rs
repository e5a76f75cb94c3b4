//! Printing type definitions: structs, string enums, unions, aliases.

use std::collections::BTreeSet;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use super::docs::{inner_doc, outer_doc};
use super::features::cfg_any;
use super::{render_pieces, Piece};
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
    /// `Permission` as a field's type.
    pub permission: bool,
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
        if self.endpoint_traits || self.permission {
            core.push(ident("Permission"));
        }
        if self.endpoint_traits {
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
            Ty::Permission => {
                self.imports.permission = true;
                quote! { Permission }
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

    /// A whole type definition, with its impls.
    pub fn def(&mut self, id: TypeId, out: &mut Vec<Piece>) {
        let def: &TypeDef = &self.types[id];
        let name = ident(&def.name);
        let doc = outer_doc(def.doc.as_deref().unwrap_or_default());
        let non_exhaustive = def.non_exhaustive.then(|| quote! { #[non_exhaustive] });
        match &def.kind {
            TypeKind::Struct(fields) => {
                let derive_default = def.derive_default.then(|| quote! { Default, });
                let fields: Vec<TokenStream> = fields.iter().map(|f| self.field(f)).collect();
                let settings = if def.deserialize_gated {
                    vec![format!(
                        "#![deserialize(cfg(feature = \"{DESERIALIZE_REQUESTS}\"))]"
                    )]
                } else {
                    Vec::new()
                };
                out.push(Piece::Defined {
                    macro_path: "misskey_core::object",
                    settings,
                    item: quote! {
                        #doc
                        #[derive(Debug, Clone, #derive_default PartialEq)]
                        #non_exhaustive
                        pub struct #name { #(#fields)* }
                    },
                });
                if def.has_id {
                    out.push(Piece::Items(quote! {
                        impl misskey_core::HasId for #name {
                            fn id(&self) -> Option<&str> {
                                Some(self.id.as_str())
                            }
                        }
                    }));
                }
            }
            TypeKind::StringEnum(e) => {
                let default = def.derive_default.then_some(e.default).flatten();
                out.push(string_enum(
                    "misskey_core",
                    &name,
                    &doc,
                    e,
                    default,
                    def.non_exhaustive,
                ));
            }
            TypeKind::Union(u) => {
                let items = self.union(&name, &doc, u, def.has_id, def.non_exhaustive);
                out.push(Piece::Items(items));
            }
            TypeKind::Alias(t) => {
                let t = self.ty(t);
                out.push(Piece::Items(quote! { #doc pub type #name = #t; }));
            }
        }
    }

    /// A field inside `object!`: its docs, its JSON name and mode, its declaration.
    fn field(&mut self, f: &Field) -> TokenStream {
        let ty = self.field_ty(f);
        let name = ident(&f.rust_name);
        let doc = match &f.doc {
            Some(d) => outer_doc(d),
            None => TokenStream::new(),
        };
        let (json, mode) = (&f.json_name, ident(f.repr.mode.as_str()));
        let mode = if f.integral {
            quote! { integral::#mode }
        } else {
            quote! { #mode }
        };
        quote! { #doc #[json(#json, #mode)] pub #name: #ty, }
    }

    /// A field's declared type: its value type, boxed and wrapped as decided.
    fn field_ty(&mut self, f: &Field) -> TokenStream {
        let mut ty = self.ty(&f.ty);
        if f.boxed {
            ty = quote! { Box<#ty> };
        }
        self.wrap(ty, f.repr.wrap)
    }

    fn wrap(&mut self, ty: TokenStream, wrap: Wrap) -> TokenStream {
        match wrap {
            Wrap::Plain => ty,
            Wrap::Option => quote! { Option<#ty> },
            Wrap::Nullable => {
                self.imports.nullable = true;
                quote! { Nullable<#ty> }
            }
        }
    }

    fn union(
        &mut self,
        name: &Ident,
        doc: &TokenStream,
        u: &Union,
        has_id: bool,
        non_exhaustive: bool,
    ) -> TokenStream {
        let non_exhaustive = non_exhaustive.then(|| quote! { #[non_exhaustive] });
        let mut decls = Vec::new();
        for v in &u.variants {
            let vname = ident(&v.name);
            let mut ty = self.ty(&v.ty);
            if v.boxed {
                ty = quote! { Box<#ty> };
            }
            let vdoc = match &u.tag {
                Some(tag) => {
                    let values: Vec<String> =
                        v.tag_values.iter().map(|t| format!("`{t}`")).collect();
                    outer_doc(&format!(
                        "When `{}` is {}.",
                        tag.property,
                        values.join(" or ")
                    ))
                }
                None => TokenStream::new(),
            };
            decls.push(quote! { #vdoc #vname(#ty), });
        }
        let names: Vec<Ident> = u.variants.iter().map(|v| ident(&v.name)).collect();
        let other = u.tag.as_ref().map(|t| ident(&t.other));
        let methods = self.union_methods(name, u);
        let has_id = if has_id {
            let other_arm = other
                .as_ref()
                .map(|o| quote! { Self::#o(v) => v.get("id").and_then(|id| id.as_str()), });
            quote! {
                impl misskey_core::HasId for #name {
                    fn id(&self) -> Option<&str> {
                        match self {
                            #(Self::#names(v) => misskey_core::HasId::id(v),)*
                            #other_arm
                        }
                    }
                }
            }
        } else {
            TokenStream::new()
        };
        let Some(tag) = &u.tag else {
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
                    quote! { (#label, #shape, |v| misskey_core::private::parse(v).map(#wrap)), }
                })
                .collect();
            return quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Serialize)]
                #[serde(untagged)]
                #non_exhaustive
                pub enum #name { #(#decls)* }
                #methods
                #has_id
                impl<'de> Deserialize<'de> for #name {
                    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                        let raw = misskey_core::private::buffer(deserializer)?;
                        misskey_core::private::decode_union::<Self, D>(&raw, #union_name, &[#(#branches)*])
                    }
                }
            };
        };
        self.imports.manual_de = true;
        self.imports.manual_ser = true;
        let other = other.expect("a tagged union has a catch-all");
        let property = &tag.property;
        let union_name = name.to_string();
        let ser_arms: Vec<TokenStream> = u
            .variants
            .iter()
            .map(|v| {
                let n = ident(&v.name);
                let payload = if v.boxed {
                    quote! { &**v }
                } else {
                    quote! { v }
                };
                match (&v.tag_field, v.tag_values.as_slice()) {
                    (None, [value]) => quote! {
                        Self::#n(v) => misskey_core::private::serialize_tagged(serializer, #property, #value, #payload),
                    },
                    _ => quote! { Self::#n(v) => v.serialize(serializer), },
                }
            })
            .collect();
        let de_arms: Vec<TokenStream> = u
            .variants
            .iter()
            .map(|v| {
                let n = ident(&v.name);
                let values = &v.tag_values;
                let pattern = match values.as_slice() {
                    [one] => quote! { #one },
                    many => quote! { (#(#many)|*) },
                };
                let value =
                    quote! { misskey_core::private::branch::<_, D>(&raw, #union_name, tag)? };
                let value = if v.boxed {
                    quote! { Box::new(#value) }
                } else {
                    value
                };
                quote! { Some(tag @ #pattern) => Self::#n(#value), }
            })
            .collect();
        let other_doc =
            format!(" A `{property}` this version of the bindings does not know, kept as JSON.");
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq)]
            #non_exhaustive
            pub enum #name {
                #(#decls)*
                #[doc = #other_doc]
                #other(misskey_core::UnknownKind),
            }
            #methods
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
                        _ => Self::#other(misskey_core::private::unknown_kind::<D>(&raw, #property)?),
                    })
                }
            }
        }
    }

    /// `kind()` and the accessors of what every branch has.
    fn union_methods(&mut self, name: &Ident, u: &Union) -> TokenStream {
        let other = u.tag.as_ref().map(|t| ident(&t.other));
        let mut methods = Vec::new();
        if let (true, Some(tag), Some(other)) = (u.has_kind, &u.tag, &other) {
            let arms = u.variants.iter().map(|v| {
                let n = ident(&v.name);
                match (&v.tag_field, v.tag_values.as_slice()) {
                    (Some(field), _) => {
                        let field = ident(field);
                        quote! { Self::#n(v) => v.#field.as_str(), }
                    }
                    (None, [value]) => quote! { Self::#n(_) => #value, },
                    (None, _) => unreachable!("has_kind needs every tag to be readable"),
                }
            });
            let doc = format!(
                " The `{}` of this value: which kind it is (also for a kind this version of the bindings does not know).",
                tag.property
            );
            methods.push(quote! {
                #[doc = #doc]
                pub fn kind(&self) -> &str {
                    match self {
                        #(#arms)*
                        Self::#other(v) => v.kind().unwrap_or_default(),
                    }
                }
            });
        }
        for a in &u.accessors {
            let name = ident(&a.rust_name);
            let value = self.ty(&a.ty);
            let names = u.variants.iter().map(|v| ident(&v.name));
            let (ret, read) = match (a.wrap, &other) {
                (Wrap::Plain, None) => (quote! { &#value }, quote! { &v.#name }),
                (Wrap::Plain, Some(_)) => (quote! { Option<&#value> }, quote! { Some(&v.#name) }),
                _ => (quote! { Option<&#value> }, quote! { v.#name.as_ref() }),
            };
            let other_arm = other.as_ref().map(|o| quote! { Self::#o(_) => None, });
            let doc = match &other {
                Some(_) => format!(
                    " `{}`, which every kind has (`None` for a kind this version of the bindings does not know).",
                    a.json_name
                ),
                None => format!(" `{}`, which every branch has.", a.json_name),
            };
            methods.push(quote! {
                #[doc = #doc]
                pub fn #name(&self) -> #ret {
                    match self {
                        #(Self::#names(v) => #read,)*
                        #other_arm
                    }
                }
            });
        }
        if methods.is_empty() {
            return TokenStream::new();
        }
        quote! { impl #name { #(#methods)* } }
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

/// A string enum, defined by `string_enum!` of the crate at `core` (`misskey_core`,
/// or `crate` inside it).
fn string_enum(
    core: &str,
    name: &Ident,
    doc: &TokenStream,
    e: &StringEnum,
    default: Option<usize>,
    non_exhaustive: bool,
) -> Piece {
    let core_path: TokenStream = core.parse().expect("a path");
    let variants: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| {
            let (name, value) = (ident(&v.name), &v.value);
            // The macro writes the value as the first doc line; a version
            // note follows it as its own paragraph.
            let note = v.note.as_ref().map(|note| {
                let note = outer_doc(note);
                quote! { #[doc = ""] #note }
            });
            quote! { #note #name = #value, }
        })
        .collect();
    let other = ident(&e.other);
    let non_exhaustive = non_exhaustive.then(|| quote! { #[non_exhaustive] });
    let settings = default
        .map(|i| format!("#![default({})]", e.variants[i].name))
        .into_iter()
        .collect();
    Piece::Defined {
        macro_path: if core == "crate" {
            "crate::string_enum"
        } else {
            "misskey_core::string_enum"
        },
        settings,
        item: quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            #non_exhaustive
            pub enum #name {
                #(#variants)*
                #[unknown]
                /// A value this version of the bindings does not know (sent by a newer server or a fork).
                #other(#core_path::UnknownValue),
            }
        },
    }
}

/// The permission enum, for `misskey-core`.
pub fn permission_enum(permissions: &StringEnum) -> Vec<Piece> {
    let doc = outer_doc(
        "A permission an access token can carry, such as `write:notes`.\n\n\
         Generated from the instance's published permission list (`scopes_supported`) and every \
         permission the spec's endpoints name. Strings this version does not know (forks add \
         their own) are kept in the catch-all variant instead of being dropped.",
    );
    let module_doc = inner_doc("The permission list (generated).");
    vec![
        Piece::Items(module_doc),
        string_enum("crate", &ident("Permission"), &doc, permissions, None, true),
    ]
}

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
        let mut items = Vec::new();
        for id in &file.types {
            printer.def(*id, &mut items);
        }
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
        let mut pieces = vec![Piece::Items(quote! { #doc #imports })];
        pieces.extend(items);
        files.push((format!("models/{}.rs", file.module), render_pieces(pieces)?));
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
        super::render_file(quote! { #doc #(#mod_items)* })?,
    ));
    Ok(files)
}
