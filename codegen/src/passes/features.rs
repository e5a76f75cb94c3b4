//! Cargo features: one per endpoint group, so small programs compile only
//! the endpoints (and the models those endpoints use) that they call. Also
//! which structs only requests reach (their `Deserialize` is compiled with
//! `deserialize-requests` only), and how the models are split into files.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{reachable, Edges};
use crate::ir::{Api, Features, Home, ModelFile, Role, TypeId, TypeKind};
use crate::names::{pascal, snake_ident, NameSet};

/// The feature that turns on internal endpoints.
pub const INTERNAL: &str = "internal";
/// The feature that turns on every public group.
pub const FULL: &str = "full";
/// The feature that also implements `Deserialize` for request types.
pub const DESERIALIZE_REQUESTS: &str = "deserialize-requests";

/// Decides the features, the request-only structs and the model files.
pub fn assign(api: &mut Api) {
    api.features = endpoint_features(api);
    mark_request_only(api);
    let model_features = model_features(api);
    api.model_files = model_files(api, &model_features);
}

fn endpoint_features(api: &Api) -> Features {
    let mut groups: BTreeMap<String, usize> = BTreeMap::new();
    let mut endpoint = Vec::new();
    for e in &api.endpoints {
        if e.internal {
            endpoint.push(INTERNAL.to_owned());
        } else {
            *groups.entry(e.group.clone()).or_insert(0) += 1;
            endpoint.push(e.group.clone());
        }
    }
    Features {
        groups: groups.into_iter().collect(),
        endpoint,
    }
}

/// The features any of which needs each model (models no endpoint uses are
/// compiled with `full`, like the public groups).
fn model_features(api: &Api) -> HashMap<TypeId, BTreeSet<String>> {
    let mut needs: HashMap<TypeId, BTreeSet<String>> = HashMap::new();
    for (i, e) in api.endpoints.iter().enumerate() {
        let mut roots: Vec<TypeId> = vec![e.request];
        roots.extend(e.types.iter().copied());
        if let Some(ty) = e.response.ty() {
            ty.named(&mut roots);
        }
        for id in reachable(&api.types, roots, Edges::All) {
            if api.types[id].home.is_models() {
                needs
                    .entry(id)
                    .or_default()
                    .insert(api.features.endpoint[i].clone());
            }
        }
    }
    let unused: Vec<TypeId> = api
        .types
        .iter()
        .filter(|(id, d)| d.home.is_models() && d.printed() && !needs.contains_key(id))
        .map(|(id, _)| id)
        .collect();
    for id in reachable(&api.types, unused, Edges::All) {
        needs.entry(id).or_default().insert(FULL.to_owned());
    }
    needs
}

/// Structs no response, no component schema and no union reaches: their
/// `Deserialize` is only needed to read requests.
fn mark_request_only(api: &mut Api) {
    let mut roots = super::sides::response_roots(api);
    // Unions decode every branch whatever side they are on.
    roots.extend(
        api.types
            .iter()
            .filter(|(_, d)| d.printed() && matches!(d.kind, TypeKind::Union(_)))
            .map(|(id, _)| id),
    );
    let reached = reachable(&api.types, roots, Edges::All);
    for (id, def) in api.types.iter_mut() {
        def.deserialize_gated = matches!(def.kind, TypeKind::Struct(_)) && !reached.contains(&id);
    }
}

/// One file per component (and per shared shape), in the order they first
/// appear: components, then shared shapes.
fn model_files(api: &Api, needs: &HashMap<TypeId, BTreeSet<String>>) -> Vec<ModelFile> {
    let mut files: Vec<ModelFile> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (id, def) in api.types.iter().filter(|(_, d)| d.printed()) {
        let Home::Models { component } = &def.home else {
            continue;
        };
        let slot = *index.entry(component.as_str()).or_insert_with(|| {
            files.push(ModelFile {
                module: String::new(),
                component: component.clone(),
                is_component: false,
                types: Vec::new(),
                cfg: None,
            });
            files.len() - 1
        });
        let file = &mut files[slot];
        file.is_component |= def.role == Role::Component;
        file.types.push(id);
    }
    // Components first, in spec order; then shapes shared across files.
    files.sort_by_key(|f| !f.is_component);
    let mut modules = NameSet::default();
    for file in &mut files {
        file.module = modules.take(&[snake_ident(&pascal(&file.component))
            .trim_start_matches("r#")
            .to_owned()]);
        let mut conds: BTreeSet<String> = BTreeSet::new();
        let mut always = false;
        for id in &file.types {
            match needs.get(id) {
                Some(set) => conds.extend(set.iter().cloned()),
                None => always = true,
            }
        }
        file.cfg = (!always && !covers_all(&api.features, &conds)).then_some(conds);
    }
    files
}

/// Whether a set of features is on whenever any endpoint is compiled: every
/// group and `internal` are in it. `full` in the set does not count for the
/// groups, since a build with one group on leaves `full` off.
fn covers_all(features: &Features, set: &BTreeSet<String>) -> bool {
    features.groups.iter().all(|(g, _)| set.contains(g)) && set.contains(INTERNAL)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_model_every_feature_needs_is_always_compiled() {
        let features = Features {
            groups: vec![("notes".into(), 3), ("users".into(), 2)],
            endpoint: Vec::new(),
        };
        let set = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
        assert!(covers_all(&features, &set(&["notes", "users", "internal"])));
        assert!(!covers_all(&features, &set(&["notes", "internal"])));
        // A model an unused component reaches carries `full`; a notes-only
        // build must still leave it out.
        assert!(!covers_all(&features, &set(&["full", "notes", "internal"])));
        assert!(!covers_all(&features, &set(&["full", "internal"])));
        assert!(!covers_all(&features, &set(&["full"])));
    }
}
