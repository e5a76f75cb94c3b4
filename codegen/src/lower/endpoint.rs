//! Operations to endpoints: the request body, the status codes and what they
//! say (`200`/`204`, `429`, the documented errors).

use std::collections::HashSet;

use openapiv3::{
    Operation, ReferenceOr, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};

use super::description::parse_requirements;
use super::{groups, Ctx, Lowerer, Node};
use crate::error::{push_pointer, Error};
use crate::ir::{Endpoint, ErrorDoc, Home, Response, Role, Ty, TypeDef, TypeKind};
use crate::names::{module_ident, pascal, NameSet};

impl<'a> Lowerer<'a> {
    /// Lowers every path, sorted by name; a path's `post` wins over its `get`.
    pub(super) fn lower_endpoints(&mut self) -> Result<Vec<Endpoint>, Error> {
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
            self.endpoint_names.reserve("ErrorCode");
            let allow_get = item.get.is_some() && item.post.is_some();
            let endpoint = self.lower_endpoint(index, name, module_path, op, &ptr, allow_get)?;
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
        let description = op.description.clone().unwrap_or_default();
        let requirements = parse_requirements(&description);
        let requires_credential = requirements.credential.unwrap_or(false)
            || op
                .security
                .as_ref()
                .is_some_and(|s| s.iter().any(|r| !r.is_empty()));

        let request = self.types.push(TypeDef {
            doc: Some(format!("The request body of `{name}`.")),
            ..TypeDef::new(
                "Request".into(),
                Home::Endpoint(index),
                Role::Request,
                ptr.to_owned(),
                TypeKind::Struct(Vec::new()),
            )
        });
        let body = self.request_body(index, op, ptr)?;
        if let Some(source) = &body.source {
            self.types[request].source = source.clone();
        }
        self.types[request].kind = TypeKind::Struct(body.fields);

        let answers = self.answers(index, op, ptr)?;
        Ok(Endpoint {
            name,
            module_path,
            group: op
                .tags
                .first()
                .map(|t| groups::group_name(t))
                .unwrap_or_default(),
            doc: requirements.doc,
            requires_credential,
            permission: requirements.permission,
            internal: requirements.internal,
            multipart: body.multipart,
            file_fields: body.file_fields,
            rate_limited: answers.rate_limited,
            allow_get,
            errors: answers.errors,
            request,
            request_source: body.source,
            response: answers.response,
            types: std::mem::take(&mut self.endpoint_types),
            pagination: None,
            // Set by the merge of several versions (`crate::merge`).
            since: version_bound(op, "x-misskey-since"),
            until: version_bound(op, "x-misskey-until"),
        })
    }

    /// The request body's fields (without multipart file parts).
    fn request_body(
        &mut self,
        index: usize,
        op: &'a Operation,
        ptr: &str,
    ) -> Result<RequestBody, Error> {
        let mut out = RequestBody {
            fields: Vec::new(),
            source: None,
            multipart: false,
            file_fields: Vec::new(),
        };
        let Some(body) = &op.request_body else {
            return Ok(out);
        };
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
        out.multipart = media_type == "multipart/form-data";
        let Some(schema) = &media.schema else {
            return Ok(out);
        };
        let schema_ptr = push_pointer(
            &push_pointer(&push_pointer(&body_ptr, "content"), media_type),
            "schema",
        );
        let mut gathered = self
            .gather_node(Node::of(schema), &schema_ptr, None)
            .map_err(|e| {
                if e.pointer == schema_ptr {
                    Error::at(
                        &schema_ptr,
                        "a request body must be an object (its properties become the request's fields)",
                    )
                } else {
                    e
                }
            })?;
        let file_fields = &mut out.file_fields;
        gathered.props.retain(|prop| {
            let binary = is_binary(prop.node);
            if binary {
                file_fields.push(prop.json_name.clone());
            }
            !binary
        });
        out.fields = self.fields("Request", &Ctx::endpoint(index, "Request"), gathered)?;
        out.source = Some(schema_ptr);
        Ok(out)
    }

    /// What the status codes say: the success body, `429`, documented errors.
    fn answers(&mut self, index: usize, op: &'a Operation, ptr: &str) -> Result<Answers, Error> {
        let responses_ptr = push_pointer(ptr, "responses");
        let mut ok_schema = None;
        let mut has_200 = false;
        let mut has_204 = false;
        let mut rate_limited = false;
        let mut errors = Errors::default();
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
                    let media = match response.content.get_key_value("application/json") {
                        Some(found) => Some(found),
                        None => response.content.first(),
                    };
                    if let Some((media_key, media)) = media {
                        if let Some(schema) = &media.schema {
                            let content_ptr = push_pointer(&response_ptr, "content");
                            let schema_ptr =
                                push_pointer(&push_pointer(&content_ptr, media_key), "schema");
                            ok_schema = Some((schema, schema_ptr));
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
                        let value = match example {
                            ReferenceOr::Item(ex) => ex.value.as_ref(),
                            ReferenceOr::Reference { .. } => None,
                        };
                        let field = |name: &str| {
                            value
                                .and_then(|v| v.pointer(&format!("/error/{name}")))
                                .and_then(|c| c.as_str())
                        };
                        errors.add(field("code").unwrap_or(key), field("id"), field("message"));
                    }
                }
            }
        }
        let response = if !has_200 {
            Response::Empty
        } else {
            let (ty, nullable, source) = match ok_schema {
                Some((schema, schema_ptr)) => {
                    // With a 204, `Response` itself is `Option<ResponseBody>`.
                    let name = if has_204 { "ResponseBody" } else { "Response" };
                    let lowered = self.lower_node(
                        Node::of(schema),
                        &schema_ptr,
                        &Ctx::endpoint(index, name),
                        false,
                    )?;
                    if lowered.nullable && !has_204 {
                        // `Response` is then `Option<ResponseBody>` too.
                        if let Ty::Named(id) = &lowered.ty {
                            let def = &mut self.types[*id];
                            if def.home == Home::Endpoint(index) && def.name == "Response" {
                                def.name = "ResponseBody".into();
                            }
                        }
                    }
                    (lowered.ty, lowered.nullable, schema_ptr)
                }
                None => (Ty::Json, false, responses_ptr),
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
        };
        Ok(Answers {
            response,
            rate_limited,
            errors: errors.list,
        })
    }
}

/// What a request body lowers to.
struct RequestBody {
    fields: Vec<crate::ir::Field>,
    source: Option<String>,
    multipart: bool,
    file_fields: Vec<String>,
}

/// What an operation's responses say.
struct Answers {
    response: Response,
    rate_limited: bool,
    errors: Vec<ErrorDoc>,
}

/// The codes Misskey's API handler itself can answer on any endpoint: they
/// are `misskey_core::CommonErrorCode`'s variants, so an endpoint's own
/// `ErrorCode` holds them as `Common(..)` rather than as its own variants.
pub const COMMON_ERROR_CODES: &[&str] = &[
    "INVALID_PARAM",
    "CREDENTIAL_REQUIRED",
    "AUTHENTICATION_FAILED",
    "PERMISSION_DENIED",
    "ROLE_PERMISSION_DENIED",
    "ACCESS_DENIED",
    "YOUR_ACCOUNT_SUSPENDED",
    "RATE_LIMIT_EXCEEDED",
    "INTERNAL_ERROR",
    "UNKNOWN_API_ENDPOINT",
    "I_AM_AI",
];

/// The documented errors of one operation, each code once, with the
/// variant name of the endpoint's own codes.
#[derive(Default)]
struct Errors {
    list: Vec<ErrorDoc>,
    variants: NameSet,
}

impl Errors {
    fn add(&mut self, code: &str, id: Option<&str>, message: Option<&str>) {
        if self.list.iter().any(|e| e.code == code) {
            return;
        }
        if self.list.is_empty() {
            self.variants.reserve("Common");
        }
        let variant = (!COMMON_ERROR_CODES.contains(&code))
            .then(|| self.variants.take(&[pascal(&code.to_lowercase())]));
        self.list.push(ErrorDoc {
            code: code.to_owned(),
            id: id.map(str::to_owned),
            message: message.map(str::to_owned),
            variant,
        });
    }
}

/// A `format: binary` string: a file part of a multipart body.
fn is_binary(node: Node<'_>) -> bool {
    matches!(node, Node::Item(s) if matches!(&s.schema_kind,
        SchemaKind::Type(Type::String(st)) if matches!(&st.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary))))
}

/// A version named by the merge stage on an operation.
fn version_bound(op: &Operation, key: &str) -> Option<String> {
    op.extensions
        .get(key)
        .and_then(|v| v.as_str())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_codes_get_variants_and_common_ones_do_not() {
        let mut errors = Errors::default();
        errors.add("NO_SUCH_NOTE", Some("24fcbfc6"), Some("No such note."));
        errors.add("INVALID_PARAM", Some("3d81ceae"), None);
        errors.add("NO_SUCH_NOTE", Some("again"), None);
        errors.add("COMMON", None, None);
        let got: Vec<(&str, Option<&str>)> = errors
            .list
            .iter()
            .map(|e| (e.code.as_str(), e.variant.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("NO_SUCH_NOTE", Some("NoSuchNote")),
                ("INVALID_PARAM", None),
                ("COMMON", Some("Common2")),
            ]
        );
        assert_eq!(errors.list[0].id.as_deref(), Some("24fcbfc6"));
    }
}
