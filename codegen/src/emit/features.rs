//! Cargo features: one per endpoint group, so small programs compile only
//! the endpoints (and the models those endpoints use) that they call.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Response, Scope, Ty, TypeDef, TypeKind, TypeRef};

/// The feature that turns on internal endpoints.
pub const INTERNAL: &str = "internal";
/// The feature that turns on every public group.
pub const FULL: &str = "full";
/// The feature that also implements `Deserialize` for request types.
pub const DESERIALIZE_REQUESTS: &str = "deserialize-requests";

/// Which feature enables what.
pub struct Features {
    /// Public groups with their endpoint counts.
    pub groups: BTreeMap<String, usize>,
    /// Feature needed by each endpoint, by index.
    pub endpoint: Vec<String>,
    /// Features any of which enables a model; missing means "always compiled".
    pub model: HashMap<String, BTreeSet<String>>,
    /// Structs only requests use (not reachable from a response or a
    /// component schema): their `Deserialize` is behind
    /// `DESERIALIZE_REQUESTS`, like the `Request` structs'.
    pub request_only: HashSet<TypeRef>,
}

impl Features {
    /// Works out the feature of every endpoint and model.
    pub fn compute(api: &Api) -> Self {
        let mut groups = BTreeMap::new();
        let mut endpoint = Vec::new();
        for e in &api.endpoints {
            if e.internal {
                endpoint.push(INTERNAL.to_owned());
            } else {
                *groups.entry(e.group.clone()).or_insert(0) += 1;
                endpoint.push(e.group.clone());
            }
        }
        let models_by_name: HashMap<&str, &TypeDef> =
            api.models.iter().map(|t| (t.name.as_str(), t)).collect();
        let mut model: HashMap<String, BTreeSet<String>> = HashMap::new();
        for (i, e) in api.endpoints.iter().enumerate() {
            let mut stack: Vec<String> = Vec::new();
            let push_ty = |ty: &Ty, stack: &mut Vec<String>| collect_models(ty, stack);
            for f in &e.request {
                push_ty(&f.ty, &mut stack);
            }
            if let Response::Json { ty, .. } | Response::JsonOrEmpty { ty, .. } = &e.response {
                push_ty(ty, &mut stack);
            }
            for t in &e.types {
                for ty in kind_types(&t.kind) {
                    push_ty(ty, &mut stack);
                }
            }
            let mut seen = BTreeSet::new();
            while let Some(name) = stack.pop() {
                if !seen.insert(name.clone()) {
                    continue;
                }
                model
                    .entry(name.clone())
                    .or_default()
                    .insert(endpoint[i].clone());
                if let Some(def) = models_by_name.get(name.as_str()) {
                    for ty in kind_types(&def.kind) {
                        collect_models(ty, &mut stack);
                    }
                }
            }
        }
        // A shape shared away (see `shared.rs`) leaves an alias where it was
        // nested; nothing refers to the alias, which is compiled with the
        // component it sits in.
        for t in &api.models {
            if !matches!(t.kind, TypeKind::Alias(_)) || model.contains_key(&t.name) {
                continue;
            }
            let component = t
                .source
                .strip_prefix("/components/schemas/")
                .and_then(|rest| rest.split_once('/'))
                .map(|(root, _)| root);
            if let Some(set) = component.and_then(|c| model.get(c)).cloned() {
                model.insert(t.name.clone(), set);
            }
        }
        // Models no endpoint uses are still part of the API; compile them with
        // `full`, together with everything they refer to.
        let unused: Vec<&str> = api
            .models
            .iter()
            .map(|t| t.name.as_str())
            .filter(|n| !model.contains_key(*n))
            .collect();
        for root in unused {
            let mut stack = vec![root.to_owned()];
            let mut seen = BTreeSet::new();
            while let Some(name) = stack.pop() {
                if !seen.insert(name.clone()) {
                    continue;
                }
                model
                    .entry(name.clone())
                    .or_default()
                    .insert(FULL.to_owned());
                if let Some(def) = models_by_name.get(name.as_str()) {
                    for ty in kind_types(&def.kind) {
                        collect_models(ty, &mut stack);
                    }
                }
            }
        }
        let request_only = request_only(api);
        Features {
            groups,
            endpoint,
            model,
            request_only,
        }
    }

    /// `#[cfg(...)]` enabled by any of `set`, or nothing if that is always.
    pub fn cfg_for(&self, set: &BTreeSet<String>) -> TokenStream {
        if self.covers_all(set) {
            TokenStream::new()
        } else {
            cfg_any(set)
        }
    }

    /// `#[cfg(...)]` for a set of endpoints (a module holding them).
    pub fn endpoints_cfg(&self, indices: &[usize]) -> TokenStream {
        let set: BTreeSet<String> = indices.iter().map(|&i| self.endpoint[i].clone()).collect();
        cfg_any(&set)
    }

    fn covers_all(&self, set: &BTreeSet<String>) -> bool {
        let groups = set.contains(FULL) || self.groups.keys().all(|g| set.contains(g));
        groups && set.contains(INTERNAL)
    }

    /// The generated `Cargo.toml` of the API crate.
    pub fn cargo_toml(&self, api: &Api) -> String {
        let mut out = String::new();
        out.push_str("# @generated by `cargo xtask regen`; edit the generator (codegen/src/emit/features.rs), not this file.\n");
        out.push_str("[package]\n");
        out.push_str("name = \"misskey-api\"\n");
        out.push_str(&format!(
            "description = \"Typed request and response types for every Misskey API endpoint (spec {}), generated from the server's OpenAPI document. No HTTP dependency.\"\n",
            api.version
        ));
        for key in [
            "version",
            "edition",
            "rust-version",
            "license",
            "repository",
        ] {
            out.push_str(&format!("{key}.workspace = true\n"));
        }
        out.push_str("readme = \"README.md\"\n");
        out.push_str("keywords = [\"misskey\", \"fediverse\", \"api\", \"openapi\"]\n");
        out.push_str("categories = [\"api-bindings\"]\n\n");
        // docs.rs documents every endpoint group and labels each item with the
        // feature that enables it (`doc(cfg)`, on nightly only, hence `docsrs`).
        out.push_str("[package.metadata.docs.rs]\nall-features = true\nrustdoc-args = [\"--cfg\", \"docsrs\"]\n\n");
        out.push_str("[dependencies]\nmisskey-core.workspace = true\nserde.workspace = true\nserde_json.workspace = true\n\n");
        out.push_str("[features]\n");
        out.push_str("default = [\"full\"]\n");
        let all: Vec<String> = self.groups.keys().map(|g| format!("\"{g}\"")).collect();
        out.push_str(&format!(
            "# Every public endpoint group.\nfull = [{}]\n",
            all.join(", ")
        ));
        out.push_str("# Endpoints marked internal: meant for Misskey's own web client, needed by admin tools and tests.\n");
        out.push_str(&format!("{INTERNAL} = []\n"));
        out.push_str("# Also implement `Deserialize` for the request types (proxies, servers, round-trip tests).\n");
        out.push_str("# Clients only serialize requests; leaving this off saves about a quarter of the compile time.\n");
        out.push_str(&format!("{DESERIALIZE_REQUESTS} = []\n"));
        for (g, n) in &self.groups {
            out.push_str(&format!(
                "# {n} endpoint{}.\n{g} = []\n",
                if *n == 1 { "" } else { "s" }
            ));
        }
        out
    }

    /// A Markdown table of the features for the crate docs.
    pub fn doc_table(&self) -> String {
        let mut out = String::from("| feature | endpoints |\n|---|---|\n");
        for (g, n) in &self.groups {
            out.push_str(&format!("| `{g}` | {n} |\n"));
        }
        let internal = self.endpoint.iter().filter(|f| *f == INTERNAL).count();
        out.push_str(&format!("| `{INTERNAL}` | {internal} |\n"));
        out
    }
}

fn cfg_any(set: &BTreeSet<String>) -> TokenStream {
    let names: Vec<&String> = set.iter().collect();
    match names.as_slice() {
        [] => TokenStream::new(),
        [one] => quote! { #[cfg(feature = #one)] },
        many => quote! { #[cfg(any(#(feature = #many),*))] },
    }
}

fn kind_types(kind: &TypeKind) -> Vec<&Ty> {
    match kind {
        TypeKind::Struct(fields) => fields.iter().map(|f| &f.ty).collect(),
        TypeKind::Union(u) => u.variants.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(t) => vec![t],
        TypeKind::StringEnum(_) => Vec::new(),
    }
}

fn collect_models(ty: &Ty, out: &mut Vec<String>) {
    match ty {
        Ty::Named(r) if r.scope == Scope::Models => out.push(r.name.clone()),
        Ty::Array(t) | Ty::Map(t) | Ty::Optional(t) => collect_models(t, out),
        Ty::Tuple(ts) => ts.iter().for_each(|t| collect_models(t, out)),
        _ => {}
    }
}

/// Struct types no response, no component schema and no union reaches.
fn request_only(api: &Api) -> HashSet<TypeRef> {
    let def = |r: &TypeRef| -> Option<&TypeDef> {
        match &r.scope {
            Scope::Models => api.models.iter().find(|t| t.name == r.name),
            Scope::Endpoint(e) => api.endpoints[*e].types.iter().find(|t| t.name == r.name),
        }
    };
    let mut stack: Vec<TypeRef> = Vec::new();
    for m in &api.models {
        let root = m
            .source
            .strip_prefix("/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'));
        if root {
            stack.push(TypeRef {
                scope: Scope::Models,
                name: m.name.clone(),
            });
        }
    }
    for (i, e) in api.endpoints.iter().enumerate() {
        if let Response::Json { ty, .. } | Response::JsonOrEmpty { ty, .. } = &e.response {
            collect_refs(ty, &mut stack);
        }
        // A module's own `Response` is reached through the endpoint impl.
        if e.types.iter().any(|t| t.name == "Response") {
            stack.push(TypeRef {
                scope: Scope::Endpoint(i),
                name: "Response".into(),
            });
        }
    }
    // Unions decode every branch whatever side they are on.
    let union_payloads = |scope: Scope, defs: &[TypeDef], stack: &mut Vec<TypeRef>| {
        for d in defs {
            if matches!(d.kind, TypeKind::Union(_)) {
                stack.push(TypeRef {
                    scope: scope.clone(),
                    name: d.name.clone(),
                });
            }
        }
    };
    union_payloads(Scope::Models, &api.models, &mut stack);
    for (i, e) in api.endpoints.iter().enumerate() {
        union_payloads(Scope::Endpoint(i), &e.types, &mut stack);
    }
    let mut reached: HashSet<TypeRef> = HashSet::new();
    while let Some(r) = stack.pop() {
        if !reached.insert(r.clone()) {
            continue;
        }
        if let Some(d) = def(&r) {
            for ty in kind_types(&d.kind) {
                collect_refs(ty, &mut stack);
            }
        }
    }
    let mut out = HashSet::new();
    let mut structs = |scope: Scope, defs: &[TypeDef]| {
        for d in defs {
            let r = TypeRef {
                scope: scope.clone(),
                name: d.name.clone(),
            };
            if matches!(d.kind, TypeKind::Struct(_)) && !reached.contains(&r) {
                out.insert(r);
            }
        }
    };
    structs(Scope::Models, &api.models);
    for (i, e) in api.endpoints.iter().enumerate() {
        structs(Scope::Endpoint(i), &e.types);
    }
    out
}

/// Every named type `ty` mentions, in any scope.
fn collect_refs(ty: &Ty, out: &mut Vec<TypeRef>) {
    match ty {
        Ty::Named(r) => out.push(r.clone()),
        Ty::Array(t) | Ty::Map(t) | Ty::Optional(t) => collect_refs(t, out),
        Ty::Tuple(ts) => ts.iter().for_each(|t| collect_refs(t, out)),
        _ => {}
    }
}
