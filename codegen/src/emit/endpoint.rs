//! Printing endpoint modules: one module per endpoint path segment, the
//! endpoint's `Request`/`Response` and their `Endpoint` implementation.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{inner_doc, outer_doc};
use super::features::cfg_any;
use super::types::{ident, TypePrinter};
use super::{render_file, render_pieces, Piece};
use crate::error::Error;
use crate::ir::{Api, Endpoint, ErrorDoc, Home, Response, Ty, TypeKind, Wrap};

/// A node of the module tree built from endpoint paths.
#[derive(Default)]
struct ModuleNode {
    children: BTreeMap<String, ModuleNode>,
    endpoint: Option<usize>,
}

impl ModuleNode {
    fn endpoints(&self, out: &mut Vec<usize>) {
        out.extend(self.endpoint);
        for c in self.children.values() {
            c.endpoints(out);
        }
    }
}

/// The name a private module holding an endpoint gets when the endpoint's
/// path is also the parent of other endpoints (`i` and `i/update`).
const LEAF_MODULE: &str = "endpoint";

/// All files under `endpoints/`.
pub fn endpoint_files(api: &Api) -> Result<Vec<(String, String)>, Error> {
    let mut root = ModuleNode::default();
    for (i, e) in api.endpoints.iter().enumerate() {
        let mut node = &mut root;
        for seg in &e.module_path {
            node = node.children.entry(seg.clone()).or_default();
        }
        node.endpoint = Some(i);
    }
    let mut files = Vec::new();
    let root_doc = "Every endpoint, as a module named after its path: `notes/create` is [`notes::create`].\n\n\
                    Each holds a `Request` (the JSON body, implementing [`Endpoint`](crate::Endpoint)) and a `Response`.";
    write_node(api, &root, &[], Some(root_doc), &mut files)?;
    Ok(files)
}

fn file_path(segments: &[String], has_children: bool) -> String {
    let clean: Vec<String> = segments
        .iter()
        .map(|s| s.trim_start_matches("r#").to_owned())
        .collect();
    if segments.is_empty() {
        "endpoints/mod.rs".into()
    } else if has_children {
        format!("endpoints/{}/mod.rs", clean.join("/"))
    } else {
        format!("endpoints/{}.rs", clean.join("/"))
    }
}

fn write_node(
    api: &Api,
    node: &ModuleNode,
    segments: &[String],
    doc: Option<&str>,
    files: &mut Vec<(String, String)>,
) -> Result<(), Error> {
    if node.children.is_empty() {
        let index = node.endpoint.expect("a leaf module holds an endpoint");
        files.push((
            file_path(segments, false),
            render_pieces(endpoint_module(api, index, true))?,
        ));
        return Ok(());
    }
    let mut items = Vec::new();
    let prefix = segments
        .iter()
        .map(|s| s.trim_start_matches("r#"))
        .collect::<Vec<_>>()
        .join("/");
    let module_doc = match (doc, node.endpoint) {
        (Some(d), _) => d.to_owned(),
        (None, Some(i)) => {
            let e = &api.endpoints[i];
            format!(
                "{}\n\nAlso the parent of the endpoints under `{}/`.",
                endpoint_doc(e),
                e.name
            )
        }
        (None, None) => format!("Endpoints under `{prefix}/`."),
    };
    let module_doc = inner_doc(&module_doc);
    if let Some(i) = node.endpoint {
        if node.children.contains_key(LEAF_MODULE) {
            return Err(Error::at(
                "",
                format!("endpoint `{}` has a child named `{LEAF_MODULE}`, which the generator uses internally", api.endpoints[i].name),
            ));
        }
        let cfg = endpoints_cfg(api, &[i]);
        let leaf = ident(LEAF_MODULE);
        items.push(quote! { #cfg mod #leaf; #cfg pub use self::#leaf::*; });
        let mut leaf_segments = segments.to_vec();
        leaf_segments.push(LEAF_MODULE.into());
        files.push((
            file_path(&leaf_segments, false),
            render_pieces(endpoint_module(api, i, false))?,
        ));
    }
    for (name, child) in &node.children {
        let mut indices = Vec::new();
        child.endpoints(&mut indices);
        let cfg = endpoints_cfg(api, &indices);
        let m = ident(name);
        items.push(quote! { #cfg pub mod #m; });
        let mut child_segments = segments.to_vec();
        child_segments.push(name.clone());
        write_node(api, child, &child_segments, None, files)?;
    }
    files.push((
        file_path(segments, true),
        render_file(quote! { #module_doc #(#items)* })?,
    ));
    Ok(())
}

/// The module docs of an endpoint: its name, the spec's description and its requirements.
fn endpoint_doc(e: &Endpoint) -> String {
    let mut doc = format!("`{}`", e.name);
    if let Some(d) = &e.doc {
        doc.push_str(": ");
        doc.push_str(d);
    }
    doc.push_str("\n\n");
    let credential = if e.requires_credential { "Yes" } else { "No" };
    doc.push_str(&format!("**Credential required**: {credential}"));
    if let Some(p) = &e.permission {
        doc.push_str(&format!(" / **Permission**: `{p}`"));
    }
    if e.internal {
        doc.push_str("\n\n**Internal endpoint**: meant for Misskey's own web client; enabled by the `internal` feature.");
    }
    if e.multipart {
        doc.push_str("\n\nSent as `multipart/form-data`: the file itself is not part of [`Request`]; a client sends it as the ");
        let fields: Vec<String> = e.file_fields.iter().map(|f| format!("`{f}`")).collect();
        doc.push_str(&fields.join(", "));
        doc.push_str(" part.");
    }
    if !e.errors.is_empty() {
        let codes: Vec<String> = e.errors.iter().map(|c| format!("`{}`", c.code)).collect();
        doc.push_str(&format!(
            "\n\nDocumented errors ([`ErrorCode`]): {}.",
            codes.join(", ")
        ));
    }
    doc
}

fn endpoint_module(api: &Api, index: usize, with_module_doc: bool) -> Vec<Piece> {
    let e = &api.endpoints[index];
    let mut printer = TypePrinter::new(&api.types, Home::Endpoint(index));
    let mut items = Vec::new();
    printer.def(e.request, &mut items);

    // Response.
    let (response_alias, shape) = match &e.response {
        Response::Empty => {
            let d = outer_doc(&format!("`{}` answers `204 No Content`.", e.name));
            (
                quote! { #d pub type Response = (); },
                quote! { ResponseShape::Empty },
            )
        }
        Response::Json { ty, nullable, .. } => {
            let defined_here = matches!(ty, Ty::Named(id)
                if api.types[*id].home == Home::Endpoint(index) && api.types[*id].name == "Response");
            let alias = if defined_here {
                TokenStream::new()
            } else {
                let t = printer.ty(ty);
                let t = if *nullable {
                    quote! { Option<#t> }
                } else {
                    t
                };
                let d = outer_doc(&format!("What `{}` answers.", e.name));
                quote! { #d pub type Response = #t; }
            };
            (alias, quote! { ResponseShape::Json })
        }
        Response::JsonOrEmpty { ty, .. } => {
            let t = printer.ty(ty);
            let d = outer_doc(&format!(
                "What `{}` answers: `None` when the server answers `204 No Content`.",
                e.name
            ));
            (
                quote! { #d pub type Response = Option<#t>; },
                quote! { ResponseShape::JsonOrEmpty },
            )
        }
    };
    items.push(Piece::Items(response_alias));
    for id in &e.types {
        printer.def(*id, &mut items);
    }
    items.push(error_code(e));
    let endpoint_impl = endpoint_impl(api, e, shape);
    let pagination = pagination_impl(api, e, &mut printer);
    items.push(Piece::Items(quote! { #endpoint_impl #pagination }));

    printer.imports.endpoint_traits = true;
    let imports = printer.imports.tokens();
    let module_doc = if with_module_doc {
        inner_doc(&endpoint_doc(e))
    } else {
        TokenStream::new()
    };
    let mut pieces = vec![Piece::Items(quote! { #module_doc #imports })];
    pieces.extend(items);
    pieces
}

/// The `Endpoint` implementation: the endpoint's constants, all in one place.
fn endpoint_impl(api: &Api, e: &Endpoint, shape: TokenStream) -> TokenStream {
    let path = &e.name;
    let requires_credential = e.requires_credential;
    let permission = match e.permission.as_deref().and_then(|p| api.permission(p)) {
        Some(p) => {
            let variant = ident(&p.name);
            quote! { Some(Permission::#variant) }
        }
        None => quote! { None },
    };
    let multipart = e.multipart;
    let rate_limited = e.rate_limited;
    let allow_get = e.allow_get;
    let internal = e.internal;
    let codes: Vec<&str> = e.errors.iter().map(|c| c.code.as_str()).collect();
    // Printed only when known: the trait's default is `None`.
    let bound = |name: &str, v: &Option<String>| {
        v.as_ref().map(|v| {
            let name = ident(name);
            quote! { const #name: Option<&'static str> = Some(#v); }
        })
    };
    let since = bound("SINCE", &e.since);
    let until = bound("UNTIL", &e.until);
    let body = if e.multipart {
        let files = &e.file_fields;
        quote! {
            impl misskey_core::MultipartEndpoint for Request {
                const FILE_FIELDS: &'static [&'static str] = &[#(#files),*];
            }
        }
    } else {
        quote! { impl misskey_core::JsonEndpoint for Request {} }
    };
    quote! {
        impl Endpoint for Request {
            type Response = Response;
            const PATH: &'static str = #path;
            const REQUIRES_CREDENTIAL: bool = #requires_credential;
            const PERMISSION: Option<Permission> = #permission;
            const MULTIPART: bool = #multipart;
            const RATE_LIMITED: bool = #rate_limited;
            const ALLOW_GET: bool = #allow_get;
            const INTERNAL: bool = #internal;
            const RESPONSE_SHAPE: ResponseShape = #shape;
            const ERROR_CODES: &'static [&'static str] = &[#(#codes),*];
            #since
            #until
        }
        #body
    }
}

/// The endpoint's `ErrorCode`, defined by `misskey_core::error_code!`: its
/// own documented codes as variants, the codes any endpoint can answer (and
/// unknown ones) as `Common`. An endpoint without codes of its own names
/// `CommonErrorCode` itself.
fn error_code(e: &Endpoint) -> Piece {
    let own: Vec<&ErrorDoc> = e.errors.iter().filter(|x| x.variant.is_some()).collect();
    if own.is_empty() {
        let doc = outer_doc(&format!(
            "The errors `{}` can answer: the codes any endpoint can.",
            e.name
        ));
        return Piece::Items(quote! { #doc pub type ErrorCode = misskey_core::CommonErrorCode; });
    }
    let doc = outer_doc(&format!(
        "The errors `{}` documents, matchable without strings \
         (`misskey-client`'s `Error::code_as` reads an answer's code into this).",
        e.name
    ));
    let variants: Vec<TokenStream> = own
        .iter()
        .map(|x| {
            let name = ident(x.variant.as_deref().unwrap_or_default());
            let doc = outer_doc(&match &x.message {
                Some(m) => format!("`{}`: {m}", x.code),
                None => format!("`{}`", x.code),
            });
            let (code, id) = (&x.code, x.id.as_deref().unwrap_or_default());
            quote! { #doc #name = (#code, #id), }
        })
        .collect();
    Piece::Defined {
        macro_path: "misskey_core::error_code",
        settings: Vec::new(),
        item: quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Hash)]
            #[non_exhaustive]
            pub enum ErrorCode {
                #(#variants)*
                #[common]
                /// A code any endpoint can answer (`INVALID_PARAM`, `RATE_LIMIT_EXCEEDED`, ...), or one this version of the bindings does not know.
                Common(misskey_core::CommonErrorCode),
            }
        },
    }
}

/// `#[cfg(...)]` for a module holding these endpoints.
fn endpoints_cfg(api: &Api, indices: &[usize]) -> TokenStream {
    let set: BTreeSet<String> = indices
        .iter()
        .map(|&i| api.features.endpoint[i].clone())
        .collect();
    cfg_any(&set)
}

fn pagination_impl(api: &Api, e: &Endpoint, printer: &mut TypePrinter<'_>) -> TokenStream {
    let Some(p) = &e.pagination else {
        return TokenStream::new();
    };
    let TypeKind::Struct(fields) = &api.types[e.request].kind else {
        return TokenStream::new();
    };
    let item = printer.ty(&p.item);
    printer.imports.id = true;
    let field = |json: &str| {
        fields
            .iter()
            .find(|f| f.json_name == json)
            .map(|f| (ident(&f.rust_name), f.repr.wrap == Wrap::Nullable))
    };
    let set = |json: &str| match field(json) {
        Some((name, true)) => {
            quote! { self.#name = match id { Some(id) => Nullable::Value(id), None => Nullable::Absent }; }
        }
        Some((name, false)) => quote! { self.#name = id; },
        None => quote! { let _ = id; },
    };
    let get = |json: &str| match field(json) {
        Some((name, true)) => quote! { self.#name.as_value() },
        Some((name, false)) => quote! { self.#name.as_ref() },
        None => quote! { None },
    };
    if field("sinceId").is_some_and(|f| f.1) || field("untilId").is_some_and(|f| f.1) {
        printer.imports.nullable = true;
    }
    let (set_since, set_until, get_since, get_until) = (
        set("sinceId"),
        set("untilId"),
        get("sinceId"),
        get("untilId"),
    );
    let (since, until) = (p.since_id, p.until_id);
    quote! {
        impl misskey_core::Paginate for Request {
            type Item = #item;
            const SINCE_ID: bool = #since;
            const UNTIL_ID: bool = #until;
            fn since_id(&self) -> Option<&Id> { #get_since }
            fn until_id(&self) -> Option<&Id> { #get_until }
            fn set_since_id(&mut self, id: Option<Id>) { #set_since }
            fn set_until_id(&mut self, id: Option<Id>) { #set_until }
        }
    }
}
