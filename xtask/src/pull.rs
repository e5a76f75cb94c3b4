//! `cargo xtask pull`: fetch (or copy) a spec and its permission list, and
//! lock them: as the whole set (a single custom instance), or with `--add`
//! beside the locked versions; `--remove LABEL` drops one.

use std::path::Path;
use std::time::Duration;

use crate::lock::{self, Lock, LockedFile, LockedVersion};
use crate::{workspace_root, Args};

pub fn run(args: &[String]) -> Result<(), String> {
    run_in(&workspace_root(), args)
}

/// `pull` against the workspace at `root` (tests use a scratch directory).
pub fn run_in(root: &Path, args: &[String]) -> Result<(), String> {
    let args = Args::parse(
        args,
        &[
            "--instance",
            "--file",
            "--scopes-file",
            "--timeout",
            "--fork",
            "--remove",
        ],
        &["--add"],
    )?;
    std::fs::create_dir_all(root.join("api-spec")).map_err(|e| format!("api-spec/: {e}"))?;
    let previous = lock::read(root)?;
    if let Some(label) = args.get("--remove") {
        return remove(root, previous, label);
    }
    let (spec_text, spec_source, scopes) = match (args.get("--instance"), args.get("--file")) {
        (Some(instance), None) => {
            let timeout = match args.get("--timeout") {
                Some(t) => Duration::from_secs(
                    t.parse()
                        .map_err(|_| format!("--timeout: `{t}` is not a number of seconds"))?,
                ),
                None => Duration::from_secs(30),
            };
            let origin = normalize_origin(instance)?;
            let spec = fetch(&format!("{origin}/api.json"), timeout)?;
            let scopes_url = format!("{origin}/.well-known/oauth-authorization-server");
            let scopes = match fetch(&scopes_url, timeout) {
                Ok(text) => Some((text, scopes_url)),
                Err(e) => {
                    // Servers before 2023.9 have no OAuth metadata; the spec's own permissions still work.
                    eprintln!(
                        "warning: no permission list ({e}); using the permissions the spec names"
                    );
                    None
                }
            };
            (spec, origin, scopes)
        }
        (None, Some(file)) => {
            let text = read_text(Path::new(file))?;
            let scopes = match args.get("--scopes-file") {
                Some(s) => Some((read_text(Path::new(s))?, s.to_owned())),
                None => None,
            };
            (text, file.to_owned(), scopes)
        }
        _ => return Err("give exactly one of `--instance https://host` or `--file PATH` (or `--remove VERSION`)".into()),
    };
    let from_files = args.get("--file").is_some();
    let fork = args.get("--fork").map(str::to_owned);
    if fork.as_deref().is_some_and(|f| f.trim().is_empty()) {
        return Err("--fork needs the fork's name, such as `misskey.io`".into());
    }

    refuse_false_required(&spec_text, &spec_source, from_files)?;
    // Refuse to lock something the generator cannot use.
    let output = misskey_codegen::generate(misskey_codegen::Input {
        spec: &spec_text,
        scopes: scopes.as_ref().map(|(t, _)| t.as_str()),
    })
    .map_err(|e| format!("{spec_source}: {e}"))?;

    let stem = file_stem(&spec_source, &output.spec_version);
    let spec_file = if from_files {
        Path::new(&spec_source)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("spec.json")
            .to_owned()
    } else {
        format!("{stem}.json")
    };
    let scopes_name = scopes.as_ref().map(|(_, source)| {
        if args.get("--scopes-file").is_some() {
            Path::new(source)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("scopes.json")
                .to_owned()
        } else {
            format!("{stem}.scopes.json")
        }
    });
    let entry = LockedVersion {
        version: output.spec_version.clone(),
        fork,
        spec: LockedFile {
            file: spec_file.clone(),
            source: provenance(&spec_source, from_files),
            sha256: lock::sha256_hex(spec_text.as_bytes()),
        },
        scopes: match (&scopes, &scopes_name) {
            (Some((text, source)), Some(name)) => Some(LockedFile {
                file: name.clone(),
                source: provenance(source, from_files),
                sha256: lock::sha256_hex(text.as_bytes()),
            }),
            _ => None,
        },
        operations: output.operation_count,
    };
    let label = entry.label();

    // The new set: this spec alone, or (`--add`) beside the locked ones.
    let mut versions: Vec<LockedVersion> = match (&previous, args.flag("--add")) {
        (Some(lock), true) => lock
            .versions
            .iter()
            .filter(|v| v.label() != label)
            .cloned()
            .collect(),
        _ => Vec::new(),
    };
    for other in &versions {
        let clash =
            |f: &str| other.spec.file == f || other.scopes.as_ref().is_some_and(|s| s.file == f);
        if clash(&spec_file) || scopes_name.as_deref().is_some_and(clash) {
            return Err(format!(
                "{}: api-spec/ already holds a file of that name for {}; rename the file (for example to misskey-{}.json) and pull again",
                spec_source,
                other.label(),
                output.spec_version
            ));
        }
    }
    versions.push(entry);
    sort_versions(&mut versions);

    if versions.len() > 1 {
        // The whole set must still merge and generate.
        let mut texts = Vec::new();
        for v in &versions {
            if v.label() == label {
                texts.push((spec_text.clone(), scopes.as_ref().map(|(t, _)| t.clone())));
            } else {
                let spec = lock::read_locked(root, &v.spec)?;
                let scopes = match &v.scopes {
                    Some(s) => Some(lock::read_locked(root, s)?),
                    None => None,
                };
                texts.push((spec, scopes));
            }
        }
        let inputs: Vec<misskey_codegen::merge::Version<'_>> = versions
            .iter()
            .zip(&texts)
            .map(|(v, (spec, scopes))| misskey_codegen::merge::Version {
                spec,
                scopes: scopes.as_deref(),
                fork: v.fork.as_deref(),
            })
            .collect();
        misskey_codegen::generate_set(&inputs, Default::default())
            .map_err(|e| format!("{spec_source} does not merge with the locked set: {e}"))?;
    }

    store(root, &spec_file, &spec_text)?;
    if let (Some((text, _)), Some(name)) = (&scopes, &scopes_name) {
        store(root, name, text)?;
    }
    let lock = Lock { versions };
    remove_unlocked(root, previous.as_ref(), &lock)?;
    lock::write(root, &lock)?;
    let set: Vec<String> = lock.versions.iter().map(LockedVersion::label).collect();
    println!(
        "locked {} ({label}, {} operations, sha256 {}) in api-spec/lock.json; the set is {}; run `cargo xtask regen` next",
        spec_file,
        output.operation_count,
        lock::sha256_hex(spec_text.as_bytes()),
        set.join(", ")
    );
    Ok(())
}

/// Upstream versions oldest first, then forks by name and version.
fn sort_versions(versions: &mut [LockedVersion]) {
    versions.sort_by(|a, b| match (&a.fork, &b.fork) {
        (None, None) => misskey_codegen::merge::version::compare(&a.version, &b.version),
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x
            .cmp(y)
            .then_with(|| misskey_codegen::merge::version::compare(&a.version, &b.version)),
    });
}

/// `pull --remove LABEL`: drops one spec from the set.
fn remove(root: &Path, previous: Option<Lock>, label: &str) -> Result<(), String> {
    let Some(lock) = previous else {
        return Err("api-spec/lock.json is missing; there is nothing to remove".into());
    };
    let labels: Vec<String> = lock.versions.iter().map(LockedVersion::label).collect();
    if !labels.iter().any(|l| l == label) {
        return Err(format!(
            "`{label}` is not in the locked set; it holds {}",
            labels.join(", ")
        ));
    }
    if labels.len() == 1 {
        return Err(format!(
            "`{label}` is the only spec of the set; lock another one first (`cargo xtask pull --file PATH` replaces it)"
        ));
    }
    let kept = Lock {
        versions: lock
            .versions
            .iter()
            .filter(|v| v.label() != label)
            .cloned()
            .collect(),
    };
    remove_unlocked(root, Some(&lock), &kept)?;
    lock::write(root, &kept)?;
    let set: Vec<String> = kept.versions.iter().map(LockedVersion::label).collect();
    println!(
        "removed {label} from api-spec/lock.json; the set is {}; run `cargo xtask regen` next",
        set.join(", ")
    );
    Ok(())
}

/// Deletes the files of `api-spec/` that the previous lock named and the new one does not.
fn remove_unlocked(root: &Path, previous: Option<&Lock>, new: &Lock) -> Result<(), String> {
    let Some(previous) = previous else {
        return Ok(());
    };
    let files = |lock: &Lock| -> Vec<String> {
        lock.versions
            .iter()
            .flat_map(|v| {
                std::iter::once(v.spec.file.clone()).chain(v.scopes.iter().map(|s| s.file.clone()))
            })
            .collect()
    };
    let keep = files(new);
    for file in files(previous) {
        if !keep.contains(&file) {
            let path = root.join("api-spec").join(&file);
            if path.is_file() {
                std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    Ok(())
}

/// Refuses the broken document of Misskey before 2025.1.0 (see
/// [`misskey_codegen::load::false_required`]), saying how to get a good one.
fn refuse_false_required(text: &str, source: &str, from_file: bool) -> Result<(), String> {
    let Some(found) = misskey_codegen::load::false_required(text) else {
        return Ok(());
    };
    let shown: Vec<&str> = found.examples.iter().take(6).map(String::as_str).collect();
    let (all, objects) = found.all_required;
    let how = if from_file {
        format!(
            "  - fetch it again as the first request after the server starts: restart Misskey \
             (for example `docker compose restart web`, or `systemctl restart misskey`), then at once\n      \
             curl -o api.json https://YOUR-HOST/api.json && cargo xtask pull --file api.json\n    \
             (or `cargo xtask pull --instance https://YOUR-HOST` instead of curl);\n  \
             - or lock a known-good copy of the same version, such as the committed upstream 2024.10.1:\n      \
             cargo xtask pull --file api-spec/misskey-2024.10.1.json --scopes-file api-spec/misskey-2024.10.1.oauth-authorization-server.json\n\
             ({source} was not locked.)"
        )
    } else {
        format!(
            "  - restart the server (for example `docker compose restart web`, or `systemctl restart misskey`) \
             and run this command again before anything else fetches /api.json:\n      \
             cargo xtask pull --instance {source}\n  \
             - or lock a known-good copy of the same version, such as the committed upstream 2024.10.1:\n      \
             cargo xtask pull --file api-spec/misskey-2024.10.1.json --scopes-file api-spec/misskey-2024.10.1.oauth-authorization-server.json\n\
             (Nothing was locked.)"
        )
    };
    Err(format!(
        "{source}: this /api.json lists optional properties as required ({} and {} more; \
         {all} of {objects} component objects require every property). Misskey before 2025.1.0 \
         serves such a document on every request for /api.json after the first since the server \
         started; bindings generated from it would fail on real answers that leave those fields out.\n\
         What to do:\n{how}",
        shown.join(", "),
        found.examples.len().saturating_sub(shown.len()),
    ))
}

/// What the lock records as a file's origin: the instance URL, or for a local
/// file just its name (a path on the maintainer's machine means nothing elsewhere).
fn provenance(source: &str, from_file: bool) -> String {
    if !from_file {
        return source.to_owned();
    }
    let name = Path::new(source)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(source);
    format!("local file {name}")
}

fn store(root: &Path, name: &str, text: &str) -> Result<(), String> {
    let path = root.join("api-spec").join(name);
    if std::fs::read_to_string(&path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn file_stem(source: &str, version: &str) -> String {
    let host = source
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split(['/', ':'])
        .next()
        .unwrap_or("instance");
    let clean = |s: &str| {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect::<String>()
    };
    format!("{}-{}", clean(host), clean(version))
}

/// `misskey.example`, `https://misskey.example/`, `https://misskey.example/api` → `https://misskey.example`.
pub fn normalize_origin(input: &str) -> Result<String, String> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(
            "--instance is empty; give the server's address, such as https://misskey.example"
                .into(),
        );
    }
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("https://{trimmed}")
    };
    let (scheme, rest) = with_scheme.split_once("://").expect("has a scheme");
    if scheme != "https" && scheme != "http" {
        return Err(format!("--instance `{input}`: the scheme must be https (or http for a local server), not `{scheme}`"));
    }
    let mut rest = rest.trim_end_matches('/');
    for suffix in ["/api.json", "/api"] {
        rest = rest.strip_suffix(suffix).unwrap_or(rest);
    }
    if rest.is_empty() || rest.contains(['?', '#', ' ']) {
        return Err(format!("--instance `{input}` is not a server address; expected something like https://misskey.example"));
    }
    Ok(format!("{scheme}://{rest}"))
}

pub(crate) fn fetch(url: &str, timeout: Duration) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .user_agent("misskey-sdk-xtask")
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| match e {
        ureq::Error::Timeout(_) => {
            format!("GET {url}: no answer within {timeout:?} (use --timeout SECS to wait longer)")
        }
        other => format!("GET {url}: {other} (check the address and your network)"),
    })?;
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| format!("GET {url}: reading the body failed: {e}"))?;
    if !status.is_success() {
        return Err(format!(
            "GET {url}: the server answered {status}: {}",
            excerpt(&body)
        ));
    }
    if serde_json::from_str::<serde_json::Value>(&body).is_err() {
        return Err(format!(
            "GET {url}: the answer is not JSON (content type `{content_type}`): {}",
            excerpt(&body)
        ));
    }
    Ok(body)
}

fn excerpt(body: &str) -> String {
    let one_line: String = body
        .chars()
        .take(160)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if body.chars().count() > 160 {
        format!("{one_line}…")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use super::{fetch, normalize_origin};
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::time::Duration;

    /// Serves one canned HTTP answer (or none, after `delay`) on 127.0.0.1.
    fn serve_once(answer: &'static str, delay: Duration) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buf = [0u8; 4096];
                let _ = stream.read(&mut buf);
                std::thread::sleep(delay);
                let _ = stream.write_all(answer.as_bytes());
            }
        });
        format!("http://{addr}/api.json")
    }

    #[test]
    fn a_non_json_answer_is_named() {
        let url = serve_once(
            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 20\r\nconnection: close\r\n\r\n<html>proxy</html>\n\n",
            Duration::ZERO,
        );
        let e = fetch(&url, Duration::from_secs(5)).unwrap_err();
        assert!(
            e.contains("not JSON") && e.contains("text/html") && e.contains("<html>proxy"),
            "{e}"
        );
    }

    #[test]
    fn an_error_status_is_named() {
        let url = serve_once(
            "HTTP/1.1 502 Bad Gateway\r\ncontent-length: 11\r\nconnection: close\r\n\r\nbad gateway",
            Duration::ZERO,
        );
        let e = fetch(&url, Duration::from_secs(5)).unwrap_err();
        assert!(e.contains("502") && e.contains("bad gateway"), "{e}");
    }

    #[test]
    fn a_timeout_is_named() {
        let url = serve_once("", Duration::from_secs(3));
        let e = fetch(&url, Duration::from_millis(300)).unwrap_err();
        assert!(
            e.contains("no answer within") && e.contains("--timeout"),
            "{e}"
        );
    }

    #[test]
    fn a_refused_connection_is_named() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let e = fetch(&format!("http://{addr}/api.json"), Duration::from_secs(5)).unwrap_err();
        assert!(
            e.contains(&addr.to_string()) && e.contains("check the address"),
            "{e}"
        );
    }

    #[test]
    fn json_is_returned() {
        let url = serve_once(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
            Duration::ZERO,
        );
        assert_eq!(fetch(&url, Duration::from_secs(5)).unwrap(), "{}");
    }

    #[test]
    fn origins() {
        assert_eq!(
            normalize_origin("misskey.example").unwrap(),
            "https://misskey.example"
        );
        assert_eq!(
            normalize_origin("https://misskey.example/api/").unwrap(),
            "https://misskey.example"
        );
        assert_eq!(
            normalize_origin("http://127.0.0.1:3000").unwrap(),
            "http://127.0.0.1:3000"
        );
        assert!(normalize_origin("ftp://x").is_err());
        assert!(normalize_origin("").is_err());
    }
}

#[cfg(test)]
mod set_tests {
    use super::run_in;
    use crate::lock;
    use std::path::{Path, PathBuf};

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-pull-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A small spec of `version` with one endpoint, written to `dir/name`.
    fn small_spec(dir: &Path, name: &str, version: &str) -> String {
        let text = serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "Misskey API", "version": version},
            "paths": {"/ping": {"post": {
                "description": "**Credential required**: *No*",
                "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"pong": {"type": "integer"}}, "required": ["pong"]
                }}}}}
            }}}
        })
        .to_string();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn labels(root: &Path) -> Vec<String> {
        lock::read(root)
            .unwrap()
            .expect("a lock")
            .versions
            .iter()
            .map(|v| v.label())
            .collect()
    }

    #[test]
    fn the_later_request_document_is_refused_with_what_to_do() {
        let root = scratch("later");
        let broken = crate::workspace_root()
            .join("tests/fixtures/specs/misskey-2024.10.1.later-request.json");
        let e = run_in(&root, &args(&["--file", broken.to_str().unwrap()])).unwrap_err();
        for part in [
            "lists optional properties as required",
            "Note.reply",
            "Misskey before 2025.1.0",
            "restart Misskey",
            "curl -o api.json https://YOUR-HOST/api.json && cargo xtask pull --file api.json",
            "cargo xtask pull --file api-spec/misskey-2024.10.1.json --scopes-file api-spec/misskey-2024.10.1.oauth-authorization-server.json",
            "was not locked",
        ] {
            assert!(e.contains(part), "`{part}` in:\n{e}");
        }
        assert!(lock::read(&root).unwrap().is_none(), "nothing was locked");
        assert!(!root
            .join("api-spec/misskey-2024.10.1.later-request.json")
            .exists());
        // The known-good copy the message names is committed.
        assert!(crate::workspace_root()
            .join("api-spec/misskey-2024.10.1.json")
            .is_file());
    }

    #[test]
    fn adding_a_version_is_one_command_and_the_set_stays_ordered() {
        let root = scratch("set");
        let new = small_spec(&root, "new.json", "2025.11.0");
        let old = small_spec(&root, "old.json", "2024.10.1");
        let fork = small_spec(&root, "fork.json", "2025.4.1-mhq.13");
        run_in(&root, &args(&["--file", &new])).unwrap();
        assert_eq!(labels(&root), ["2025.11.0"]);
        run_in(&root, &args(&["--file", &old, "--add"])).unwrap();
        run_in(
            &root,
            &args(&["--file", &fork, "--add", "--fork", "misskey.io"]),
        )
        .unwrap();
        assert_eq!(
            labels(&root),
            ["2024.10.1", "2025.11.0", "misskey.io 2025.4.1-mhq.13"]
        );
        for f in ["new.json", "old.json", "fork.json"] {
            assert!(root.join("api-spec").join(f).is_file(), "{f} is stored");
        }
        // Every locked file reads back with its checksum.
        assert_eq!(lock::read_set(&root).unwrap().len(), 3);

        // Adding the same version again replaces it.
        run_in(&root, &args(&["--file", &old, "--add"])).unwrap();
        assert_eq!(labels(&root).len(), 3);

        // Removing drops the entry and its file.
        run_in(&root, &args(&["--remove", "misskey.io 2025.4.1-mhq.13"])).unwrap();
        assert_eq!(labels(&root), ["2024.10.1", "2025.11.0"]);
        assert!(!root.join("api-spec/fork.json").exists());
        let e = run_in(&root, &args(&["--remove", "9.9.9"])).unwrap_err();
        assert!(
            e.contains("not in the locked set") && e.contains("2024.10.1, 2025.11.0"),
            "{e}"
        );

        // Without `--add`, a pull replaces the whole set (a single custom instance).
        run_in(&root, &args(&["--file", &new])).unwrap();
        assert_eq!(labels(&root), ["2025.11.0"]);
        assert!(!root.join("api-spec/old.json").exists());
        let e = run_in(&root, &args(&["--remove", "2025.11.0"])).unwrap_err();
        assert!(e.contains("only spec of the set"), "{e}");
    }

    #[test]
    fn a_lock_written_before_sets_reads_as_a_set_of_one() {
        let root = scratch("old-lock");
        std::fs::create_dir_all(root.join("api-spec")).unwrap();
        std::fs::write(
            root.join("api-spec/lock.json"),
            r#"{"spec": {"file": "a.json", "source": "local file a.json", "sha256": "00"}, "scopes": null, "version": "2024.10.1", "operations": 408}"#,
        )
        .unwrap();
        assert_eq!(labels(&root), ["2024.10.1"]);
    }
}
