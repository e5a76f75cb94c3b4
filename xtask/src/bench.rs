//! `cargo xtask bench`: how the generated bindings compare with the
//! alternatives, side by side on the same machine.
//!
//! Measured in one run, each compile `--runs` times with the crates
//! interleaved (so a burst of load from elsewhere hits all of them), and the
//! median kept:
//!
//! * **compile**: a clean dev build of the API crate itself, its dependencies
//!   already built: this repository's `misskey-api` with every endpoint
//!   (`full,internal`), the same spec put through progenitor, and the
//!   hand-written `misskey-api` 0.3.0-rc.1 from crates.io (feature `12-75-0`).
//!   Both the `cargo build` wall time and the CPU time of the `rustc`
//!   compiling the crate are kept (the latter suffers less from other load);
//! * **small bot**: `misskey-api` with only the `notes` group;
//! * **regen**: generating the bindings from the spec (what `cargo xtask regen`
//!   reports as `generated in N ms`) against progenitor generating and
//!   formatting its client from the same spec;
//! * **decode**: the criterion benchmarks of `benches/` (a 100-item page
//!   decoded into the generated types versus `serde_json::Value`), run
//!   `--runs` times; the typed/`Value` ratio of each run is kept, then the median;
//! * **memory**: the peak RSS of the `rustc` process compiling each API crate.
//!
//! Scratch crates go to `target/bench-work/`, their builds to
//! `target/bench-*`, so the main target directory is left alone. Builds run
//! with `CARGO_INCREMENTAL=0`, as a crate from crates.io is built.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use serde_json::Value;

use crate::lock;
use crate::regen::{copy_dir, section};
use crate::{workspace_root, Args};

/// The published hand-written crate the generated one is compared with.
const MISSKEY_RS: &str = "0.3.0-rc.1";
/// Its newest server-version feature.
const MISSKEY_RS_FEATURE: &str = "12-75-0";
/// The progenitor release the baseline helper is built with.
const PROGENITOR: &str = "0.15.1";

/// The pages the criterion benchmark decodes (group names in `benches/benches/decode.rs`).
const DECODE_PAGES: &[(&str, &str)] = &[
    ("timeline", "100 notes (`notes/timeline`)"),
    ("followers", "100 followers (`users/followers`)"),
    ("users", "100 users (`users/show` with `userIds`)"),
    ("notifications", "100 notifications (`i/notifications`)"),
];

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(
        args,
        &["--runs", "--compare-to"],
        &[
            "--skip-progenitor",
            "--skip-misskey-rs",
            "--skip-decode",
            "--skip-compile",
        ],
    )?;
    let runs: usize = match args.get("--runs") {
        Some(n) => n
            .parse()
            .map_err(|_| format!("`--runs` needs a number, not `{n}`"))?,
        None => 3,
    };
    let runs = runs.max(1);
    let root = workspace_root();
    let work = root.join("target/bench-work");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let mut report = Report {
        runs,
        ..Report::default()
    };

    // Regeneration: ours in process, progenitor through its helper binary.
    // Ours regenerates the whole locked set (what `cargo xtask regen` does);
    // progenitor gets the newest upstream spec of the set.
    let set = lock::read_set(&root)?;
    let (spec, _scopes, _) = lock::read_inputs(&root)?;
    step("timing the generator");
    report.regen_ours = Some(time_generate(&set, runs)?);
    let progenitor = if args.flag("--skip-progenitor") {
        None
    } else {
        step("building the progenitor baseline helper");
        let prepared = prepare_progenitor(&root, &work, &spec, runs)?;
        report.regen_progenitor = Some(prepared.generate_ms);
        report.adjustments = prepared.adjustments.clone();
        Some(prepared)
    };

    if !args.flag("--skip-compile") {
        let rss = RssProbe::new(&work)?;
        let mut crates = vec![
            Measured::new(
                "ours",
                "misskey-api",
                &["--features", "full,internal"],
                ours_workspace(&root, &root, &work.join("ours"))?,
                root.join("target/bench-ours"),
            ),
            Measured::new(
                "ours-notes",
                "misskey-api",
                &["--no-default-features", "--features", "notes"],
                work.join("ours"),
                root.join("target/bench-ours"),
            ),
        ];
        // Other checkouts of this repository (earlier commits), comma-separated.
        let compare: Vec<&str> = args
            .get("--compare-to")
            .map(|list| list.split(',').filter(|d| !d.is_empty()).collect())
            .unwrap_or_default();
        for (i, dir) in compare.iter().enumerate() {
            let other = PathBuf::from(dir);
            let other = if other.is_absolute() {
                other
            } else {
                std::env::current_dir()
                    .map_err(|e| e.to_string())?
                    .join(other)
            };
            let label = format!("compare-{}", i + 1);
            crates.push(Measured::new(
                &label,
                "misskey-api",
                &["--features", "full,internal"],
                ours_workspace(&root, &other, &work.join(&label))?,
                root.join(format!("target/bench-{label}")),
            ));
            report.compare_to.push(dir.to_string());
        }
        if let Some(p) = &progenitor {
            crates.push(Measured::new(
                "progenitor",
                "progenitor-misskey",
                &[],
                p.crate_dir.clone(),
                root.join("target/bench-progenitor"),
            ));
        }
        if !args.flag("--skip-misskey-rs") {
            crates.push(Measured::new(
                "misskey-rs",
                "misskey-api",
                &[],
                misskey_rs_crate(&work)?,
                root.join("target/bench-misskey-rs"),
            ));
        }
        for c in &crates {
            step(&format!("building the dependencies of {}", c.label));
            c.build(&rss, false)?;
        }
        for run in 1..=runs {
            for c in &mut crates {
                step(&format!("compile run {run}/{runs}: {}", c.label));
                c.clean()?;
                let (secs, probe) = c.build(&rss, true)?;
                c.secs.push(secs);
                if let Some((kb, cpu)) = probe {
                    c.rss_kb.push(kb);
                    c.cpu.push(cpu);
                }
            }
        }
        for c in crates {
            let cpu = (!c.cpu.is_empty()).then(|| median(&c.cpu));
            report.compile.insert(
                c.label,
                Compile {
                    wall: median(&c.secs),
                    cpu,
                    rss_kb: c.rss_kb.iter().copied().max(),
                },
            );
        }
    }

    if !args.flag("--skip-decode") {
        step("running the criterion decoding benchmarks (a few minutes)");
        report.decode = decode_benchmarks(&root, &work, runs)?;
    }

    report.machine = machine();
    println!("{}", report.markdown());
    Ok(())
}

fn step(what: &str) {
    eprintln!("bench: {what}");
}

/// Median milliseconds of the whole generator on the locked set (what `regen` prints).
fn time_generate(set: &[lock::Input], runs: usize) -> Result<f64, String> {
    let versions: Vec<misskey_codegen::merge::Version<'_>> = set
        .iter()
        .map(|i| misskey_codegen::merge::Version {
            spec: &i.spec,
            scopes: i.scopes.as_deref(),
            fork: i.locked.fork.as_deref(),
        })
        .collect();
    let mut ms = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        misskey_codegen::generate_set(&versions, Default::default()).map_err(|e| e.to_string())?;
        ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(median(&ms))
}

/// The progenitor side, ready to build.
struct Progenitor {
    crate_dir: PathBuf,
    generate_ms: f64,
    adjustments: Vec<String>,
}

fn prepare_progenitor(
    root: &Path,
    work: &Path,
    spec: &str,
    runs: usize,
) -> Result<Progenitor, String> {
    let dir = work.join("progenitor");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let (mut doc, _) = misskey_codegen::load::normalize_text(spec).map_err(|e| e.to_string())?;
    let adjustments = adjust_for_progenitor(&mut doc);
    let spec_path = dir.join("spec.json");
    let text = serde_json::to_string(&doc).map_err(|e| e.to_string())?;
    std::fs::write(&spec_path, text).map_err(|e| format!("{}: {e}", spec_path.display()))?;

    let cargo = cargo_bin();
    let status = Command::new(&cargo)
        .current_dir(root)
        .args([
            "build",
            "--quiet",
            "--release",
            "--manifest-path",
            "xtask/progenitor-baseline/Cargo.toml",
            "--target-dir",
            "target",
        ])
        .status()
        .map_err(|e| format!("{cargo}: {e}"))?;
    if !status.success() {
        return Err("building progenitor-baseline failed".into());
    }
    let helper = root.join("target/release/progenitor-baseline");
    let out = Command::new(&helper)
        .arg(&spec_path)
        .arg(dir.join("src/lib.rs"))
        .args(["--runs", &runs.to_string()])
        .output()
        .map_err(|e| format!("{}: {e}", helper.display()))?;
    if !out.status.success() {
        return Err(format!(
            "progenitor failed on the adjusted spec:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let ms: Vec<f64> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            l.strip_prefix("generated in ")?
                .strip_suffix(" ms")?
                .parse()
                .ok()
        })
        .collect();
    if ms.is_empty() {
        return Err("progenitor-baseline printed no timing".into());
    }
    let manifest = format!(
        "# Scratch crate written by `cargo xtask bench`: the Misskey spec through progenitor {PROGENITOR}.\n\
         [package]\nname = \"progenitor-misskey\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n\
         # What progenitor's generated code uses.\n\
         [dependencies]\n\
         progenitor-client = \"{PROGENITOR}\"\n\
         reqwest = {{ version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\"] }}\n\
         uuid = {{ version = \"1\", features = [\"serde\"] }}\n\
         regress = \"0.12\"\n\
         futures = \"0.3\"\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    Ok(Progenitor {
        crate_dir: dir,
        generate_ms: median(&ms),
        adjustments,
    })
}

/// Makes the normalised 3.0 document acceptable to progenitor, changing as
/// little as possible; returns what was changed, for the report.
pub fn adjust_for_progenitor(doc: &mut Value) -> Vec<String> {
    let mut log = Vec::new();
    // The normaliser keeps the version the server declared; the document is 3.0-shaped.
    doc["openapi"] = Value::from("3.0.3");
    log.push("`openapi` set to `3.0.3` (the normalised document is 3.0-shaped but keeps the declared 3.1.0; progenitor checks for 3.0.x)".to_owned());

    let mut gets = 0;
    let mut multipart = Vec::new();
    let mut both = Vec::new();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            // Endpoints that also answer GET repeat the POST operation with the same operationId.
            if item.contains_key("post") && item.remove("get").is_some() {
                gets += 1;
            }
            for op in item.values_mut() {
                if let Some(Value::Object(content)) = op.pointer_mut("/requestBody/content") {
                    if let Some(mut form) = content.remove("multipart/form-data") {
                        drop_binary_fields(&mut form["schema"]);
                        content.insert("application/json".into(), form);
                        multipart.push(path.clone());
                    }
                }
                if let Some(Value::Object(responses)) = op.get_mut("responses") {
                    if responses.contains_key("200") && responses.remove("204").is_some() {
                        both.push(path.clone());
                    }
                }
            }
        }
    }
    if gets > 0 {
        log.push(format!(
            "the {gets} `get` operations removed: they repeat the `post` of the same path with the same operationId, which progenitor rejects (this crate has one module per path, so the count of endpoints is the same)"
        ));
    }
    if !multipart.is_empty() {
        log.push(format!(
            "`multipart/form-data` bodies ({}) sent as `application/json` without the binary file field (progenitor rejects the content type)",
            multipart.join(", ")
        ));
    }
    if !both.is_empty() {
        log.push(format!(
            "the `204` of the {} operations that answer `200` or `204` removed ({}; progenitor allows one success type)",
            both.len(),
            both.join(", ")
        ));
    }
    let enums = drop_colliding_enums(doc);
    if enums > 0 {
        log.push(format!(
            "`enum` removed from the {enums} string schemas whose values differ only in punctuation (`+createdAt`/`-createdAt` sort orders): progenitor's type generator panics naming them; they become plain strings"
        ));
    }
    log
}

fn drop_binary_fields(schema: &mut Value) {
    let mut dropped = Vec::new();
    if let Some(Value::Object(props)) = schema.get_mut("properties") {
        props.retain(|name, p| {
            let binary = p.get("format").and_then(Value::as_str) == Some("binary");
            if binary {
                dropped.push(name.clone());
            }
            !binary
        });
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|r| !dropped.iter().any(|d| r.as_str() == Some(d)));
    }
}

/// Removes `enum` from string schemas whose values collapse to the same
/// identifier once punctuation and case are ignored.
fn drop_colliding_enums(value: &mut Value) -> usize {
    let mut count = 0;
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(values)) = map.get("enum") {
                let keys: Vec<Option<String>> = values
                    .iter()
                    .map(|v| {
                        v.as_str().map(|s| {
                            s.chars()
                                .filter(char::is_ascii_alphanumeric)
                                .collect::<String>()
                                .to_lowercase()
                        })
                    })
                    .collect();
                if keys.iter().all(Option::is_some) {
                    let mut seen = std::collections::BTreeSet::new();
                    let collide = keys
                        .iter()
                        .flatten()
                        .any(|k| k.is_empty() || !seen.insert(k.clone()));
                    if collide {
                        map.remove("enum");
                        count += 1;
                    }
                }
            }
            for v in map.values_mut() {
                count += drop_colliding_enums(v);
            }
        }
        Value::Array(items) => {
            for v in items {
                count += drop_colliding_enums(v);
            }
        }
        _ => {}
    }
    count
}

/// A scratch workspace holding `misskey-core` and `misskey-api` as they are
/// in the checkout at `from` (this repository, or another commit of it).
fn ours_workspace(root: &Path, from: &Path, dir: &Path) -> Result<PathBuf, String> {
    if dir.join("crates").exists() {
        std::fs::remove_dir_all(dir.join("crates"))
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    for krate in ["misskey-core", "misskey-api"] {
        copy_dir(
            &from.join("crates").join(krate),
            &dir.join("crates").join(krate),
        )?;
    }
    let manifest = std::fs::read_to_string(from.join("Cargo.toml"))
        .map_err(|e| format!("{}: {e}", from.display()))?;
    let package = section(&manifest, "[workspace.package]");
    let deps = section(&manifest, "[workspace.dependencies]");
    let workspace = format!(
        "# Scratch workspace written by `cargo xtask bench` from {}.\n[workspace]\nresolver = \"2\"\nmembers = [\"crates/misskey-core\", \"crates/misskey-api\"]\n\n{package}\n{deps}",
        from.strip_prefix(root).map(|p| p.display().to_string()).unwrap_or_else(|_| from.display().to_string())
    );
    std::fs::write(dir.join("Cargo.toml"), workspace).map_err(|e| e.to_string())?;
    // The same dependency versions as the checkout.
    let lock = from.join("Cargo.lock");
    if lock.is_file() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| format!("{}: {e}", lock.display()))?;
    }
    Ok(dir.to_path_buf())
}

/// A scratch crate depending on the published hand-written bindings.
fn misskey_rs_crate(work: &Path) -> Result<PathBuf, String> {
    let dir = work.join("misskey-rs");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let manifest = format!(
        "# Scratch crate written by `cargo xtask bench`.\n\
         [package]\nname = \"bench-misskey-rs\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [workspace]\n\n\
         [dependencies]\n\
         misskey-api = {{ version = \"={MISSKEY_RS}\", features = [\"{MISSKEY_RS_FEATURE}\"] }}\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("src/lib.rs"),
        "//! Depends on misskey-api 0.3 so that `cargo xtask bench` can build it.\n",
    )
    .map_err(|e| e.to_string())?;
    Ok(dir)
}

/// Records the peak RSS of each rustc process through a `RUSTC_WRAPPER`.
struct RssProbe {
    wrapper: Option<PathBuf>,
    dir: PathBuf,
}

impl RssProbe {
    fn new(work: &Path) -> Result<Self, String> {
        let dir = work.join("rss");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if !Path::new("/usr/bin/time").is_file() {
            eprintln!("bench: /usr/bin/time is missing (apt-get install time); peak memory is not measured");
            return Ok(RssProbe { wrapper: None, dir });
        }
        let wrapper = work.join("rustc-rss.sh");
        let script = "#!/bin/sh\n\
            # Written by `cargo xtask bench`: runs rustc under /usr/bin/time to record its peak RSS (KiB)\n\
            # and CPU seconds (user, system).\n\
            name=rustc\nprev=\n\
            for arg in \"$@\"; do\n  if [ \"$prev\" = \"--crate-name\" ]; then name=$arg; fi\n  prev=$arg\ndone\n\
            exec /usr/bin/time -f \"%M %U %S\" -o \"$BENCH_RSS_DIR/$name.rss\" \"$@\"\n";
        std::fs::write(&wrapper, script).map_err(|e| format!("{}: {e}", wrapper.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755))
                .map_err(|e| e.to_string())?;
        }
        Ok(RssProbe {
            wrapper: Some(wrapper),
            dir,
        })
    }

    /// The peak RSS in KiB and the CPU seconds of the last compile of
    /// `crate_name`, if recorded.
    fn take(&self, crate_name: &str) -> Option<(u64, f64)> {
        let file = self.dir.join(format!("{crate_name}.rss"));
        let text = std::fs::read_to_string(&file).ok()?;
        let _ = std::fs::remove_file(&file);
        // The last line; a failed command adds a line before it.
        let line = text.lines().rev().find(|l| !l.trim().is_empty())?;
        let mut parts = line.split_whitespace();
        let kb = parts.next()?.parse().ok()?;
        let user: f64 = parts.next()?.parse().ok()?;
        let system: f64 = parts.next()?.parse().ok()?;
        Some((kb, user + system))
    }
}

/// One crate whose compile is measured.
struct Measured {
    label: String,
    package: String,
    features: Vec<String>,
    dir: PathBuf,
    target: PathBuf,
    secs: Vec<f64>,
    cpu: Vec<f64>,
    rss_kb: Vec<u64>,
}

impl Measured {
    fn new(label: &str, package: &str, features: &[&str], dir: PathBuf, target: PathBuf) -> Self {
        Measured {
            label: label.to_owned(),
            package: package.to_owned(),
            features: features.iter().map(|s| s.to_string()).collect(),
            dir,
            target,
            secs: Vec::new(),
            cpu: Vec::new(),
            rss_kb: Vec::new(),
        }
    }

    fn command(&self, rss: &RssProbe) -> Command {
        let mut cmd = Command::new(cargo_bin());
        cmd.current_dir(&self.dir)
            .env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_INCREMENTAL", "0")
            .env("BENCH_RSS_DIR", &rss.dir)
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS");
        match &rss.wrapper {
            Some(w) => cmd.env("RUSTC_WRAPPER", w),
            None => cmd.env_remove("RUSTC_WRAPPER"),
        };
        cmd
    }

    /// Removes the measured crate's own artifacts, keeping its dependencies.
    fn clean(&self) -> Result<(), String> {
        let out = self
            .command(&RssProbe {
                wrapper: None,
                dir: PathBuf::new(),
            })
            .args(["clean", "--quiet", "-p", &self.package])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "cargo clean -p {} in {}: {}",
                self.package,
                self.dir.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    }

    /// `cargo build -p PACKAGE`; with `timed`, returns the wall time, and
    /// the peak RSS and CPU time of the rustc compiling the package itself.
    fn build(&self, rss: &RssProbe, timed: bool) -> Result<(f64, Option<(u64, f64)>), String> {
        let crate_name = self.package.replace('-', "_");
        let _ = rss.take(&crate_name);
        let mut cmd = self.command(rss);
        cmd.args(["build", "-p", &self.package])
            .args(&self.features);
        let started = Instant::now();
        let out = cmd.output().map_err(|e| e.to_string())?;
        let secs = started.elapsed().as_secs_f64();
        if !out.status.success() {
            return Err(format!(
                "building {} ({}) failed:\n{}",
                self.label,
                self.dir.display(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let peak = if timed { rss.take(&crate_name) } else { None };
        Ok((secs, peak))
    }
}

/// One page's decoding times (nanoseconds): medians over the runs.
#[derive(Clone, Copy)]
struct Decode {
    typed: f64,
    value: f64,
    /// The median of each run's typed/value ratio (the two are measured
    /// back to back, so the ratio is steadier than the times).
    ratio: f64,
    bytes: u64,
}

/// Runs the criterion benchmarks `runs` times and reads back the medians.
fn decode_benchmarks(
    root: &Path,
    work: &Path,
    runs: usize,
) -> Result<BTreeMap<String, Decode>, String> {
    let home = work.join("criterion");
    let mut samples: BTreeMap<String, Vec<(f64, f64, u64)>> = BTreeMap::new();
    for run in 1..=runs {
        step(&format!("decoding benchmarks, run {run}/{runs}"));
        let out = Command::new(cargo_bin())
            .current_dir(root)
            .env("CARGO_TARGET_DIR", root.join("target/bench-decode"))
            .env("CRITERION_HOME", &home)
            .args(["bench", "-p", "misskey-benches", "--bench", "decode", "--"])
            .args(["--noplot", "--warm-up-time", "1", "--measurement-time", "3"])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "cargo bench -p misskey-benches failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        for (page, _) in DECODE_PAGES {
            let read = |which: &str| -> Result<(f64, u64), String> {
                let dir = home.join(page).join(which).join("new");
                let estimates: Value = read_json(&dir.join("estimates.json"))?;
                let benchmark: Value = read_json(&dir.join("benchmark.json"))?;
                let ns = estimates["median"]["point_estimate"]
                    .as_f64()
                    .ok_or("estimates.json without a median")?;
                let bytes = benchmark["throughput"]["Bytes"].as_u64().unwrap_or(0);
                Ok((ns, bytes))
            };
            let (typed, bytes) = read("typed")?;
            let (value, _) = read("value")?;
            samples
                .entry(page.to_string())
                .or_default()
                .push((typed, value, bytes));
        }
    }
    Ok(samples
        .into_iter()
        .map(|(page, runs)| {
            let pick =
                |f: fn(&(f64, f64, u64)) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
            let decode = Decode {
                typed: pick(|r| r.0),
                value: pick(|r| r.1),
                ratio: pick(|r| r.0 / r.1),
                bytes: runs[0].2,
            };
            (page, decode)
        })
        .collect())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn cargo_bin() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let ram = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map(|kb| format!("{:.0} GiB RAM", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "RAM unknown".into());
    let rustc = command_line("rustc", &["-V"]);
    let date = command_line("date", &["-u", "+%Y-%m-%d"]);
    format!("{cpus} CPUs, {ram}, {rustc}, {date}")
}

fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| format!("{program} unknown"))
}

/// One crate's compile: medians over the runs.
#[derive(Clone, Copy)]
struct Compile {
    /// `cargo build` wall time.
    wall: f64,
    /// CPU time (user + system) of the rustc compiling the crate itself.
    cpu: Option<f64>,
    /// Peak RSS of that rustc, KiB (the highest of the runs).
    rss_kb: Option<u64>,
}

/// Everything measured, printed as Markdown.
#[derive(Default)]
struct Report {
    runs: usize,
    machine: String,
    compile: BTreeMap<String, Compile>,
    regen_ours: Option<f64>,
    regen_progenitor: Option<f64>,
    decode: BTreeMap<String, Decode>,
    adjustments: Vec<String>,
    /// The checkouts compared with, in order (`compare-1`, ...).
    compare_to: Vec<String>,
}

/// `a / b` with two decimals, or `n/a`.
fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "n/a".into(),
    }
}

impl Report {
    fn markdown(&self) -> String {
        let mut out = String::new();
        out.push_str(&format!(
            "Machine: {}. Compile figures are medians of {} interleaved runs; decoding ratios are medians of {} criterion runs.\n\n",
            self.machine, self.runs, self.runs
        ));
        out.push_str(&self.summary());
        if !self.compile.is_empty() {
            out.push_str(
                "\n### Compile (dev profile, dependencies prebuilt, `CARGO_INCREMENTAL=0`)\n\n",
            );
            out.push_str("| crate | build time / ours | rustc CPU / ours | peak rustc RSS / ours | build time | rustc CPU | peak RSS |\n");
            out.push_str("|---|---|---|---|---|---|---|\n");
            let ours = self.compile.get("ours").copied();
            let mut rows = vec![
                (
                    "ours".to_owned(),
                    "misskey-api (this repository), `full,internal`".to_owned(),
                ),
                (
                    "ours-notes".to_owned(),
                    "misskey-api (this repository), `notes` only".to_owned(),
                ),
            ];
            for (i, dir) in self.compare_to.iter().enumerate() {
                rows.push((
                    format!("compare-{}", i + 1),
                    format!("misskey-api at `{dir}`, `full,internal`"),
                ));
            }
            rows.push((
                "progenitor".to_owned(),
                format!("progenitor {PROGENITOR} client from the same spec"),
            ));
            rows.push((
                "misskey-rs".to_owned(),
                format!("misskey-api {MISSKEY_RS} (crates.io), `{MISSKEY_RS_FEATURE}`"),
            ));
            for (label, name) in &rows {
                let Some(c) = self.compile.get(label.as_str()).copied() else {
                    continue;
                };
                let rss = |c: Option<Compile>| c.and_then(|c| c.rss_kb).map(|k| k as f64);
                out.push_str(&format!(
                    "| {name} | {} | {} | {} | {:.1} s | {} | {} |\n",
                    ratio(Some(c.wall), ours.map(|o| o.wall)),
                    ratio(c.cpu, ours.and_then(|o| o.cpu)),
                    ratio(rss(Some(c)), rss(ours)),
                    c.wall,
                    c.cpu
                        .map(|s| format!("{s:.1} s"))
                        .unwrap_or_else(|| "n/a".into()),
                    c.rss_kb
                        .map(|r| format!("{:.0} MiB", r as f64 / 1024.0))
                        .unwrap_or_else(|| "n/a".into()),
                ));
            }
        }
        if let Some(ours) = self.regen_ours {
            out.push_str("\n### Generation from the spec (median)\n\n| generator | time / ours | time |\n|---|---|---|\n");
            out.push_str(&format!(
                "| misskey-codegen (`cargo xtask regen`) | 1.00 | {ours:.0} ms |\n"
            ));
            if let Some(p) = self.regen_progenitor {
                out.push_str(&format!(
                    "| progenitor {PROGENITOR} (parse, generate, prettyplease) | {:.2} | {p:.0} ms |\n",
                    p / ours
                ));
            }
        }
        if !self.decode.is_empty() {
            out.push_str("\n### Decoding a page (criterion, `serde_json::from_slice`)\n\n");
            out.push_str(
                "| page | typed / `Value` time | typed | `Value` | size |\n|---|---|---|---|---|\n",
            );
            for (page, name) in DECODE_PAGES {
                if let Some(d) = self.decode.get(*page) {
                    out.push_str(&format!(
                        "| {name} | {:.2} | {:.0} µs | {:.0} µs | {} KiB |\n",
                        d.ratio,
                        d.typed / 1000.0,
                        d.value / 1000.0,
                        d.bytes / 1024
                    ));
                }
            }
        }
        if !self.adjustments.is_empty() {
            out.push_str("\n### Adjustments made to the spec for progenitor\n\n");
            for a in &self.adjustments {
                out.push_str(&format!("* {a}\n"));
            }
        }
        out
    }

    /// The five headline rows, as ratios.
    fn summary(&self) -> String {
        let mut out = String::from("| measure | result (ratios) |\n|---|---|\n");
        let c = |label: &str| self.compile.get(label).copied();
        let both = |ours: Compile, other: Compile| {
            format!(
                "{} (rustc CPU {})",
                ratio(Some(ours.wall), Some(other.wall)),
                ratio(ours.cpu, other.cpu)
            )
        };
        if let Some(ours) = c("ours") {
            let mut parts = Vec::new();
            if let Some(p) = c("progenitor") {
                parts.push(format!("{}× the progenitor crate's time", both(ours, p)));
            }
            if let Some(m) = c("misskey-rs") {
                parts.push(format!("{}× misskey-api {MISSKEY_RS}'s", both(ours, m)));
            }
            for (i, dir) in self.compare_to.iter().enumerate() {
                if let Some(b) = c(&format!("compare-{}", i + 1)) {
                    parts.push(format!("{}× `{dir}`'s", both(ours, b)));
                }
            }
            if !parts.is_empty() {
                out.push_str(&format!(
                    "| a. compile, every endpoint | {} |\n",
                    parts.join("; ")
                ));
            }
            if let Some(n) = c("ours-notes") {
                out.push_str(&format!(
                    "| b. compile, `notes` only (a small bot) | {} of the every-endpoint build |\n",
                    both(n, ours)
                ));
            }
        }
        if let (Some(o), Some(p)) = (self.regen_ours, self.regen_progenitor) {
            out.push_str(&format!(
                "| c. generation from the spec | {:.2}× progenitor's time |\n",
                o / p
            ));
        }
        if !self.decode.is_empty() {
            let parts: Vec<String> = DECODE_PAGES
                .iter()
                .filter_map(|(page, _)| {
                    self.decode
                        .get(*page)
                        .map(|d| format!("{page} {:.2}", d.ratio))
                })
                .collect();
            out.push_str(&format!(
                "| d. decoding, typed time / `Value` time | {} |\n",
                parts.join(", ")
            ));
        }
        if let Some(ours) = c("ours") {
            let mut mem = Vec::new();
            let mut others = vec![
                ("progenitor".to_owned(), "the progenitor crate's".to_owned()),
                ("misskey-rs".to_owned(), "misskey-api 0.3's".to_owned()),
            ];
            for (i, dir) in self.compare_to.iter().enumerate() {
                others.push((format!("compare-{}", i + 1), format!("`{dir}`'s")));
            }
            for (label, name) in &others {
                if let (Some(o), Some(r)) = (ours.rss_kb, c(label).and_then(|c| c.rss_kb)) {
                    mem.push(format!("{:.2}× {name}", o as f64 / r as f64));
                }
            }
            if !mem.is_empty() {
                out.push_str(&format!(
                    "| e. peak rustc memory, every endpoint | {} |\n",
                    mem.join("; ")
                ));
            }
        }
        out
    }
}
