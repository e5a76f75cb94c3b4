//! `cargo xtask diff OLD NEW`: what changed between two specs (files or
//! instances), as a Markdown report for reviewing an upgrade.

use std::path::Path;
use std::time::Duration;

use misskey_codegen::diff::{diff, Side};

use crate::pull::{fetch, normalize_origin};
use crate::USAGE;

pub fn run(args: &[String]) -> Result<(), String> {
    let mut positional = Vec::new();
    let mut old_scopes = None;
    let mut new_scopes = None;
    let mut summary_only = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--old-scopes" | "--new-scopes" => {
                let v = it
                    .next()
                    .ok_or_else(|| format!("`{a}` needs a value\n{USAGE}"))?;
                let text = read(v)?;
                if a == "--old-scopes" {
                    old_scopes = Some(text);
                } else {
                    new_scopes = Some(text);
                }
            }
            "--summary" => summary_only = true,
            other if other.starts_with("--") => {
                return Err(format!("unexpected argument `{other}`\n{USAGE}"))
            }
            _ => positional.push(a.clone()),
        }
    }
    let [old, new] = positional.as_slice() else {
        return Err(format!(
            "give two specs to compare: `cargo xtask diff OLD NEW`, each a spec file or an instance URL (https://host)\n{USAGE}"
        ));
    };
    let (old_spec, fetched_old_scopes) = side(old)?;
    let (new_spec, fetched_new_scopes) = side(new)?;
    let old_scopes = old_scopes.or(fetched_old_scopes);
    let new_scopes = new_scopes.or(fetched_new_scopes);
    let report = diff(
        Side {
            spec: &old_spec,
            scopes: old_scopes.as_deref(),
        },
        Side {
            spec: &new_spec,
            scopes: new_scopes.as_deref(),
        },
    )
    .map_err(|e| e.to_string())?;
    if summary_only {
        print!("{}", report.render_summary());
    } else {
        print!("{}", report.render());
    }
    Ok(())
}

/// A spec and, for an instance, its published permission list.
fn side(arg: &str) -> Result<(String, Option<String>), String> {
    if arg.starts_with("https://") || arg.starts_with("http://") {
        let origin = normalize_origin(arg)?;
        let timeout = Duration::from_secs(30);
        let spec = fetch(&format!("{origin}/api.json"), timeout)?;
        // Servers before 2023.9 publish no permission list; the endpoints' permissions are compared then.
        let scopes = fetch(
            &format!("{origin}/.well-known/oauth-authorization-server"),
            timeout,
        )
        .ok();
        return Ok((spec, scopes));
    }
    Ok((read(arg)?, None))
}

fn read(path: &str) -> Result<String, String> {
    if !Path::new(path).is_file() {
        return Err(format!(
            "`{path}` is not a file; give a spec file (an instance's /api.json) or an instance URL such as https://misskey.example"
        ));
    }
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::run;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn two_specs_are_needed() {
        let e = run(&args(&["only-one.json"])).unwrap_err();
        assert!(e.contains("give two specs"), "{e}");
    }

    #[test]
    fn a_missing_file_is_named_with_what_to_give() {
        let e = run(&args(&["nope-old.json", "nope-new.json"])).unwrap_err();
        assert!(
            e.contains("`nope-old.json` is not a file") && e.contains("instance URL"),
            "{e}"
        );
    }

    #[test]
    fn unknown_options_are_refused() {
        let e = run(&args(&["a", "b", "--colour"])).unwrap_err();
        assert!(e.contains("unexpected argument `--colour`"), "{e}");
    }
}
