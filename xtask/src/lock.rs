//! `api-spec/lock.json`: which spec the committed code was generated from.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The default spec used when no lock file exists yet.
pub const DEFAULT_SPEC: &str = "misskey-2024.10.1.json";
/// Its permission list.
pub const DEFAULT_SCOPES: &str = "misskey-2024.10.1.oauth-authorization-server.json";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Lock {
    pub spec: LockedFile,
    pub scopes: Option<LockedFile>,
    /// `info.version` of the spec.
    pub version: String,
    /// Operations (method + path pairs) in the spec.
    pub operations: usize,
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
                "{}: not a valid lock file ({e}); run `cargo xtask pull` to recreate it",
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

/// Finds a locked file: the working copy under `api-spec/`, or the shared
/// reference copy beside the checkout (`../shared/api-spec/`).
pub fn locate(root: &Path, file: &str) -> Option<PathBuf> {
    [
        root.join("api-spec").join(file),
        root.join("..").join("shared").join("api-spec").join(file),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// Reads a locked file and checks it is the one the lock names.
pub fn read_locked(root: &Path, locked: &LockedFile) -> Result<String, String> {
    let path = locate(root, &locked.file).ok_or_else(|| {
        format!(
            "the locked spec file `{}` is in neither api-spec/ nor ../shared/api-spec/; run `cargo xtask pull --instance {}` (or `--file PATH`) to fetch it",
            locked.file, locked.source
        )
    })?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let actual = sha256_hex(&bytes);
    if actual != locked.sha256 {
        return Err(format!(
            "{} has sha256 {actual}, but api-spec/lock.json expects {}; run `cargo xtask pull` again to lock the new file",
            path.display(),
            locked.sha256
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))
}
