//! The test registry: one entry per endpoint and per component schema, so
//! the workspace tests can check every generated type against its schema
//! without listing them by hand.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::inner_doc;
use super::types::ident;
use crate::ir::{Api, Response, Role};

/// Where the registry is written, relative to the workspace root.
pub const REGISTRY_FILE: &str = "tests/src/registry.rs";

pub fn registry(api: &Api) -> TokenStream {
    let doc = inner_doc(
        "Every endpoint and component schema of the generated crate, with the JSON pointer of its \
         schema in the spec and functions that decode JSON into the generated type and encode it back.",
    );
    let endpoints: Vec<TokenStream> = api
        .endpoints
        .iter()
        .map(|e| {
            let segments: Vec<proc_macro2::Ident> =
                e.module_path.iter().map(|s| ident(s)).collect();
            let path = quote! { misskey_api::endpoints::#(#segments)::* };
            let name = &e.name;
            let internal = e.internal;
            let request_schema = option_str(e.request_source.as_deref());
            let (response_schema, shape) = match &e.response {
                Response::Empty => (quote! { None }, quote! { ResponseShape::Empty }),
                Response::Json { source, .. } => {
                    (option_str(Some(source)), quote! { ResponseShape::Json })
                }
                Response::JsonOrEmpty { source, .. } => (
                    option_str(Some(source)),
                    quote! { ResponseShape::JsonOrEmpty },
                ),
            };
            let file_fields = &e.file_fields;
            let default_request = if api.types[e.request].derive_default {
                quote! { Some(to_json::<#path::Request>) }
            } else {
                quote! { None }
            };
            quote! {
                EndpointCase {
                    name: #name,
                    internal: #internal,
                    request_schema: #request_schema,
                    response_schema: #response_schema,
                    response_shape: #shape,
                    file_fields: &[#(#file_fields),*],
                    request_roundtrip: roundtrip::<#path::Request>,
                    response_roundtrip: roundtrip::<#path::Response>,
                    default_request: #default_request,
                }
            }
        })
        .collect();
    let models: Vec<TokenStream> = api
        .types
        .iter()
        .filter(|(_, m)| m.role == Role::Component)
        .map(|(_, m)| {
            let name = &m.name;
            let schema = &m.source;
            let ty = ident(&m.name);
            quote! {
                ModelCase {
                    name: #name,
                    schema: #schema,
                    roundtrip: roundtrip::<misskey_api::models::#ty>,
                }
            }
        })
        .collect();
    quote! {
        #doc
        use misskey_core::ResponseShape;
        use crate::{roundtrip, to_json, EndpointCase, ModelCase};

        /// Every endpoint, sorted by name.
        pub static ENDPOINTS: &[EndpointCase] = &[#(#endpoints),*];

        /// Every component schema.
        pub static MODELS: &[ModelCase] = &[#(#models),*];
    }
}

fn option_str(s: Option<&str>) -> TokenStream {
    match s {
        Some(s) => quote! { Some(#s) },
        None => quote! { None },
    }
}
