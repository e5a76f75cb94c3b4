//! `api-spec/lock.json`: the set of specs the committed code was generated
//! from (upstream Misskey versions and forks), each with its permission list.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The locked set.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Lock {
    /// Upstream versions oldest first, then forks.
    pub versions: Vec<LockedVersion>,
}

/// One spec of the set.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LockedVersion {
    /// `info.version` of the spec.
    pub version: String,
    /// The fork's name (`misskey.io`), or absent for upstream Misskey.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fork: Option<String>,
    pub spec: LockedFile,
    pub scopes: Option<LockedFile>,
    /// Operations (method + path pairs) in the spec.
    pub operations: usize,
}

impl LockedVersion {
    /// `2025.11.0`, or `misskey.io 2025.4.1-mhq.13`.
    pub fn label(&self) -> String {
        match &self.fork {
            Some(f) => format!("{f} {}", self.version),
            None => self.version.clone(),
        }
    }
}

/// What `lock.json` may hold: a set, or (written before sets) one spec.
#[derive(Deserialize)]
#[serde(untagged)]
enum LockFile {
    Set { versions: Vec<LockedVersion> },
    Single(LockedVersion),
}

impl<'de> Deserialize<'de> for Lock {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match LockFile::deserialize(d)? {
            LockFile::Set { versions } => Lock { versions },
            LockFile::Single(one) => Lock {
                versions: vec![one],
            },
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LockedFile {
    /// The file name under `api-spec/`.
    pub file: String,
    /// Where it came from: an instance URL or a local path.
    pub source: String,
    pub sha256: String,
}

pub fn lock_path(root: &Path) -> PathBuf {
    root.join("api-spec").join("lock.json")
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn read(root: &Path) -> Result<Option<Lock>, String> {
    let path = lock_path(root);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
            format!(
                "{}: not a valid lock file ({e}); restore the committed one with `git checkout HEAD -- api-spec/lock.json`",
                path.display()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

pub fn write(root: &Path, lock: &Lock) -> Result<(), String> {
    let path = lock_path(root);
    let mut text = serde_json::to_string_pretty(lock).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// One locked spec, read: its text, its permission list, and who it is.
pub struct Input {
    pub spec: String,
    pub scopes: Option<String>,
    pub locked: LockedVersion,
}

/// Reads the lock and every file it names (committed under `api-spec/`).
pub fn read_set(root: &Path) -> Result<Vec<Input>, String> {
    let lock = read(root)?.ok_or_else(|| {
        "api-spec/lock.json is missing; restore the committed one with `git checkout HEAD -- api-spec/`, or lock a spec with `cargo xtask pull --instance https://misskey.example`".to_owned()
    })?;
    if lock.versions.is_empty() {
        return Err("api-spec/lock.json holds no specs; add one with `cargo xtask pull --file PATH --add` or `cargo xtask pull --instance https://misskey.example`".into());
    }
    lock.versions
        .into_iter()
        .map(|locked| {
            let spec = read_locked(root, &locked.spec)?;
            let scopes = match &locked.scopes {
                Some(s) => Some(read_locked(root, s)?),
                None => None,
            };
            Ok(Input {
                spec,
                scopes,
                locked,
            })
        })
        .collect()
}

/// The newest upstream spec of the set (the last one when the set holds
/// only forks), its permission list and its file name: the single spec that
/// the benchmark's baselines are generated from.
pub fn read_inputs(root: &Path) -> Result<(String, Option<String>, String), String> {
    let mut set = read_set(root)?;
    let index = (0..set.len())
        .filter(|&i| set[i].locked.fork.is_none())
        .max_by(|&a, &b| {
            misskey_codegen::merge::version::compare(&set[a].locked.version, &set[b].locked.version)
        })
        .unwrap_or(set.len() - 1);
    let newest = set.swap_remove(index);
    Ok((newest.spec, newest.scopes, newest.locked.spec.file))
}

/// Reads a locked file from `api-spec/` and checks it is the one the lock names.
pub fn read_locked(root: &Path, locked: &LockedFile) -> Result<String, String> {
    let path = root.join("api-spec").join(&locked.file);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "api-spec/lock.json names `{}`, but api-spec/{} does not exist; restore the committed copy with `git checkout HEAD -- api-spec/{}`{}",
                locked.file,
                locked.file,
                locked.file,
                refetch_hint(&locked.source)
            ))
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    let actual = sha256_hex(&bytes);
    if actual != locked.sha256 {
        return Err(format!(
            "{} has sha256 {actual}, but api-spec/lock.json expects {}; restore the locked copy with `git checkout HEAD -- api-spec/{}`, or lock the changed file with `cargo xtask pull --file api-spec/{}`",
            path.display(),
            locked.sha256,
            locked.file,
            locked.file
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))
}

/// A second way to get a missing file back, when its source is an instance.
fn refetch_hint(source: &str) -> String {
    if source.starts_with("https://") || source.starts_with("http://") {
        format!(", or fetch it again with `cargo xtask pull --instance {source}`")
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-lock-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("api-spec")).unwrap();
        dir
    }

    fn locked(file: &str, source: &str, text: &str) -> LockedFile {
        LockedFile {
            file: file.into(),
            source: source.into(),
            sha256: sha256_hex(text.as_bytes()),
        }
    }

    #[test]
    fn a_locked_file_is_read_from_api_spec_only() {
        let root = scratch("ok");
        std::fs::write(root.join("api-spec/spec.json"), "{}").unwrap();
        let file = locked("spec.json", "local file spec.json", "{}");
        assert_eq!(read_locked(&root, &file).unwrap(), "{}");
    }

    #[test]
    fn a_missing_locked_file_names_a_command_that_restores_it() {
        let root = scratch("missing");
        let file = locked("spec.json", "local file spec.json", "{}");
        let e = read_locked(&root, &file).unwrap_err();
        assert!(
            e.contains("`git checkout HEAD -- api-spec/spec.json`"),
            "{e}"
        );
        assert!(!e.contains("--instance"), "{e}");
        let from_instance = locked("spec.json", "https://misskey.example", "{}");
        let e = read_locked(&root, &from_instance).unwrap_err();
        assert!(
            e.contains("`cargo xtask pull --instance https://misskey.example`"),
            "{e}"
        );
    }

    #[test]
    fn a_changed_locked_file_is_refused_with_both_ways_out() {
        let root = scratch("changed");
        std::fs::write(root.join("api-spec/spec.json"), "{\"changed\":1}").unwrap();
        let file = locked("spec.json", "local file spec.json", "{}");
        let e = read_locked(&root, &file).unwrap_err();
        assert!(e.contains("git checkout HEAD -- api-spec/spec.json"), "{e}");
        assert!(
            e.contains("cargo xtask pull --file api-spec/spec.json"),
            "{e}"
        );
    }

    #[test]
    fn no_lock_file_is_explained() {
        let root = scratch("nolock");
        let e = read_inputs(&root).unwrap_err();
        assert!(e.contains("git checkout HEAD -- api-spec/"), "{e}");
    }
}
