//! `cargo xtask`: the maintainer commands of misskey-sdk.
//!
//! * `cargo xtask pull --instance https://host` (or `--file PATH [--scopes-file PATH]`)
//!   stores an instance's spec and permission list under `api-spec/` and
//!   records them in `api-spec/lock.json` as the whole set; with `--add`
//!   (and `--fork NAME` for a fork's spec) beside the locked versions.
//! * `cargo xtask regen [--check]` merges the locked set and generates the bindings.
//! * `cargo xtask regen --spec PATH [--scopes PATH] --out DIR` generates a
//!   standalone scratch workspace from one spec; `--add-spec PATH` (with
//!   `--add-scopes`, `--fork`) from the locked set plus another spec, and
//!   `--fork-endpoints` keeps the endpoints only forks have (CI's fork check).
//! * `cargo xtask diff OLD NEW` compares two specs (files or instance URLs):
//!   endpoints, fields, enum values and permissions that changed.
//! * `cargo xtask bench [--runs N] ...` compares compile time, generation time,
//!   decoding speed and compiler memory with progenitor and misskey-api 0.3
//!   (see `docs/benchmarks.md`).

mod bench;
mod diff;
mod lock;
mod pull;
mod regen;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage:
  cargo xtask pull --instance https://misskey.example [--timeout SECS] [--add] [--fork NAME]
  cargo xtask pull --file PATH [--scopes-file PATH] [--add] [--fork NAME]
      (without --add the spec replaces the locked set; with it, it joins the set)
  cargo xtask pull --remove VERSION            (such as 2025.11.0 or \"misskey.io 2025.4.1-mhq.13\")
  cargo xtask regen [--check]
  cargo xtask regen --spec PATH [--scopes PATH] --out DIR
  cargo xtask regen [--add-spec PATH [--add-scopes PATH] [--fork NAME]] [--fork-endpoints] --out DIR
  cargo xtask diff OLD NEW [--old-scopes PATH] [--new-scopes PATH] [--summary]
      (OLD and NEW: spec files or instance URLs such as https://misskey.example)
  cargo xtask bench [--runs N] [--skip-progenitor] [--skip-misskey-rs] [--skip-decode] [--skip-compile] [--compare-to CHECKOUT[,CHECKOUT...]]
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("pull") => pull::run(&args[1..]),
        Some("regen") => regen::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("diff") => diff::run(&args[1..]),
        Some("-h" | "--help" | "help") | None => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(format!("unknown command `{other}`\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (the parent of this crate).
///
/// `cargo run` tells the binary where its manifest is; the path baked in at
/// compile time is only the fallback, so a binary built in one checkout and
/// run from another (a shared target directory) still writes into the right one.
pub fn workspace_root() -> PathBuf {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    manifest_dir
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// Reads `--name VALUE` style options; flags without values are returned as `Some("")`.
pub struct Args {
    pairs: Vec<(String, String)>,
}

impl Args {
    pub fn parse(args: &[String], with_value: &[&str], flags: &[&str]) -> Result<Self, String> {
        let mut pairs = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if flags.contains(&a.as_str()) {
                pairs.push((a.clone(), String::new()));
            } else if with_value.contains(&a.as_str()) {
                let v = it
                    .next()
                    .ok_or_else(|| format!("`{a}` needs a value\n{USAGE}"))?;
                pairs.push((a.clone(), v.clone()));
            } else {
                return Err(format!("unexpected argument `{a}`\n{USAGE}"));
            }
        }
        Ok(Args { pairs })
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn flag(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}
