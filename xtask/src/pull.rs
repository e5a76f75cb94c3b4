//! `cargo xtask pull`: fetch (or copy) a spec and its permission list, and lock them.

use std::path::Path;
use std::time::Duration;

use crate::lock::{self, Lock, LockedFile};
use crate::{workspace_root, Args};

pub fn run(args: &[String]) -> Result<(), String> {
    let args = Args::parse(
        args,
        &["--instance", "--file", "--scopes-file", "--timeout"],
        &[],
    )?;
    let root = workspace_root();
    std::fs::create_dir_all(root.join("api-spec")).map_err(|e| format!("api-spec/: {e}"))?;
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
        _ => return Err("give exactly one of `--instance https://host` or `--file PATH`".into()),
    };

    // Refuse to lock something the generator cannot use.
    let output = misskey_codegen::generate(misskey_codegen::Input {
        spec: &spec_text,
        scopes: scopes.as_ref().map(|(t, _)| t.as_str()),
    })
    .map_err(|e| format!("{spec_source}: {e}"))?;

    let from_files = args.get("--file").is_some();
    let stem = file_stem(&spec_source, &output.spec_version);
    let spec_file = if args.get("--file").is_some() {
        Path::new(&spec_source)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("spec.json")
            .to_owned()
    } else {
        format!("{stem}.json")
    };
    store(&root, &spec_file, &spec_text)?;
    let scopes_locked = match &scopes {
        Some((text, source)) => {
            let name = if args.get("--scopes-file").is_some() {
                Path::new(source)
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or("scopes.json")
                    .to_owned()
            } else {
                format!("{stem}.scopes.json")
            };
            store(&root, &name, text)?;
            Some(LockedFile {
                file: name,
                source: provenance(source, from_files),
                sha256: lock::sha256_hex(text.as_bytes()),
            })
        }
        None => None,
    };
    let lock = Lock {
        spec: LockedFile {
            file: spec_file.clone(),
            source: provenance(&spec_source, from_files),
            sha256: lock::sha256_hex(spec_text.as_bytes()),
        },
        scopes: scopes_locked,
        version: output.spec_version.clone(),
        operations: output.operation_count,
    };
    lock::write(&root, &lock)?;
    println!(
        "locked {} (Misskey {}, {} operations, sha256 {}) in api-spec/lock.json; run `cargo xtask regen` next",
        spec_file, lock.version, lock.operations, lock.spec.sha256
    );
    Ok(())
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
