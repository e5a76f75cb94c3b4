//! `cargo xtask regen`: generate the bindings from the locked spec.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use misskey_codegen::merge::{Options, Version};
use misskey_codegen::{generate, generate_set, Input, Output};

use crate::lock;
use crate::{workspace_root, Args};

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(
        args,
        &[
            "--spec",
            "--scopes",
            "--out",
            "--add-spec",
            "--add-scopes",
            "--fork",
        ],
        &["--check", "--fork-endpoints"],
    )?;
    let root = workspace_root();
    if args.get("--out").is_none()
        && (args.get("--spec").is_some()
            || args.get("--add-spec").is_some()
            || args.flag("--fork-endpoints"))
    {
        return Err(
            "`--spec`, `--add-spec` and `--fork-endpoints` write a scratch workspace: give `--out DIR` too (the committed bindings come from api-spec/lock.json)"
                .into(),
        );
    }

    let started = Instant::now();
    let (output, note) = if let Some(spec_path) = args.get("--spec") {
        // One spec on its own (a custom instance, an older server).
        let spec = read(spec_path)?;
        refuse_false_required(&spec, spec_path)?;
        let scopes = args.get("--scopes").map(read).transpose()?;
        let output = generate(Input {
            spec: &spec,
            scopes: scopes.as_deref(),
        })
        .map_err(|e| format!("{spec_path}: {e}"))?;
        (output, String::new())
    } else {
        let mut set = lock::read_set(&root)?;
        if let Some(extra) = args.get("--add-spec") {
            let spec = read(extra)?;
            refuse_false_required(&spec, extra)?;
            let scopes = args.get("--add-scopes").map(read).transpose()?;
            let fork = args.get("--fork").map(str::to_owned);
            // A spec of the same version (and fork) replaces the locked one.
            let version = serde_json::from_str::<serde_json::Value>(&spec)
                .ok()
                .and_then(|d| d.pointer("/info/version")?.as_str().map(str::to_owned))
                .unwrap_or_default();
            set.retain(|i| !(i.locked.version == version && i.locked.fork == fork));
            set.push(lock::Input {
                spec,
                scopes,
                locked: lock::LockedVersion {
                    version,
                    fork,
                    spec: lock::LockedFile {
                        file: extra.to_owned(),
                        source: extra.to_owned(),
                        sha256: String::new(),
                    },
                    scopes: None,
                    operations: 0,
                },
            });
        }
        let versions: Vec<Version<'_>> = set
            .iter()
            .map(|i| Version {
                spec: &i.spec,
                scopes: i.scopes.as_deref(),
                fork: i.locked.fork.as_deref(),
            })
            .collect();
        let options = Options {
            fork_endpoints: args.flag("--fork-endpoints"),
        };
        let merged = generate_set(&versions, options).map_err(|e| {
            let labels: Vec<String> = set.iter().map(|i| i.locked.label()).collect();
            format!("the set {}: {e}", labels.join(", "))
        })?;
        let note = if merged.fork_only_endpoints.is_empty() {
            String::new()
        } else {
            format!(
                "; {} endpoints only forks have are left out (`--fork-endpoints --out DIR` keeps them)",
                merged.fork_only_endpoints.len()
            )
        };
        (merged.output, note)
    };
    let elapsed = started.elapsed();

    if let Some(out) = args.get("--out") {
        write_scratch(&root, Path::new(out), &output)?;
        print_summary(&output, elapsed, &format!("into {out}{note}"));
        return Ok(());
    }
    if args.flag("--check") {
        let stale = stale_files(&root, &output)?;
        if stale.is_empty() {
            print_summary(&output, elapsed, &format!("up to date{note}"));
            return Ok(());
        }
        return Err(format!(
            "the committed bindings are stale; run `cargo xtask regen` and commit the result. Differing files:\n  {}",
            stale.join("\n  ")
        ));
    }
    let changed = write_all(&root, &output)?;
    print_summary(&output, elapsed, &format!("{changed} files changed{note}"));
    Ok(())
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

/// A spec with Misskey's false `required` lists would give bindings that
/// fail on real answers; `pull` explains how to get a good one.
fn refuse_false_required(spec: &str, path: &str) -> Result<(), String> {
    match misskey_codegen::load::false_required(spec) {
        None => Ok(()),
        Some(found) => Err(format!(
            "{path}: this document lists optional properties as required ({}, ...), the broken /api.json Misskey before 2025.1.0 serves after its first request; `cargo xtask pull --file {path}` explains how to get a good one",
            found.examples.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        )),
    }
}

fn print_summary(output: &Output, elapsed: std::time::Duration, what: &str) {
    let s = &output.summary;
    println!(
        "Misskey {}: {} endpoints ({} internal), {} models, {} enums, {} untyped JSON fallbacks, {} permissions; generated in {} ms, {what}",
        output.spec_version,
        s.endpoints,
        s.internal_endpoints,
        s.models,
        s.enums,
        s.untyped,
        s.permissions,
        elapsed.as_millis()
    );
}

/// Generated directories: every file in them must come from the generator.
const GENERATED_DIRS: &[&str] = &["crates/misskey-api/src"];

fn existing_generated(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for dir in GENERATED_DIRS {
        collect(root, &root.join(dir), &mut out);
    }
    out
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

fn stale_files(root: &Path, output: &Output) -> Result<Vec<String>, String> {
    let mut stale = Vec::new();
    let generated: BTreeSet<&str> = output.files.iter().map(|f| f.path.as_str()).collect();
    for file in &output.files {
        match std::fs::read_to_string(root.join(&file.path)) {
            Ok(current) if current == file.contents => {}
            Ok(_) => stale.push(format!("{} (differs)", file.path)),
            Err(_) => stale.push(format!("{} (missing)", file.path)),
        }
    }
    for existing in existing_generated(root) {
        if !generated.contains(existing.as_str()) {
            stale.push(format!("{existing} (no longer generated)"));
        }
    }
    Ok(stale)
}

fn write_all(root: &Path, output: &Output) -> Result<usize, String> {
    let mut changed = 0;
    let generated: BTreeSet<&str> = output.files.iter().map(|f| f.path.as_str()).collect();
    for existing in existing_generated(root) {
        if !generated.contains(existing.as_str()) {
            std::fs::remove_file(root.join(&existing)).map_err(|e| format!("{existing}: {e}"))?;
            changed += 1;
        }
    }
    for file in &output.files {
        let path = root.join(&file.path);
        if std::fs::read_to_string(&path).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
        changed += 1;
    }
    Ok(changed)
}

/// A standalone workspace with the core crate and the generated API crate,
/// for checking that another spec (a fork, a newer server) compiles.
fn write_scratch(root: &Path, out: &Path, output: &Output) -> Result<(), String> {
    let out = if out.is_absolute() {
        out.to_path_buf()
    } else {
        std::env::current_dir()
            .map_err(|e| e.to_string())?
            .join(out)
    };
    if out.join("crates").exists() {
        std::fs::remove_dir_all(out.join("crates"))
            .map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let core_src = root.join("crates/misskey-core");
    copy_dir(&core_src, &out.join("crates/misskey-core"))?;
    // The scratch workspace holds the two crates; the test registry stays home.
    for file in output
        .files
        .iter()
        .filter(|f| f.path.starts_with("crates/"))
    {
        let path = out.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let package = section(&manifest, "[workspace.package]");
    let deps = section(&manifest, "[workspace.dependencies]");
    let workspace = format!(
        "# Scratch workspace written by `cargo xtask regen --out`.\n[workspace]\nresolver = \"2\"\nmembers = [\"crates/misskey-core\", \"crates/misskey-api\"]\n\n{package}\n{deps}"
    );
    std::fs::write(out.join("Cargo.toml"), workspace).map_err(|e| e.to_string())?;
    Ok(())
}

/// The lines of one `[table]` of a manifest, header included.
pub(crate) fn section(manifest: &str, header: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        if line.starts_with('[') {
            inside = line.trim() == header;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Copies a directory tree.
pub(crate) fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let path: PathBuf = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target)?;
        } else {
            std::fs::copy(&path, &target).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}
