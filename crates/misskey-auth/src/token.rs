use std::fmt;
use std::io::Write;
use std::path::Path;

use crate::AuthError;

/// A Misskey access token (the `i` credential).
///
/// It never shows itself: `Debug` prints `AccessToken(<redacted>)` and
/// `Display` prints `<redacted>`, so logging a struct that holds one does not
/// leak it. Read the secret with [`expose_secret`](Self::expose_secret) when
/// you hand it to an HTTP client, and store it with
/// [`save_to_file`](Self::save_to_file) / [`load_from_file`](Self::load_from_file).
/// It deliberately does not implement `Serialize`.
#[derive(Clone, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token string, for example one read from your own configuration.
    pub fn new(token: impl Into<String>) -> Self {
        AccessToken(token.into())
    }

    /// The token itself. Send it as `Authorization: Bearer ...` or as `"i"`;
    /// do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    /// Consumes the wrapper and returns the token string.
    pub fn into_secret(self) -> String {
        self.0
    }

    /// Writes the token to `path`, replacing the file if it exists.
    ///
    /// On Unix the file is created with permissions `0600` (readable and
    /// writable by the owner only); an existing file is replaced atomically
    /// by a new `0600` file, so its old permissions do not carry over. The
    /// parent directory must exist. This is blocking I/O on a tiny file.
    pub fn save_to_file(&self, path: impl AsRef<Path>) -> Result<(), AuthError> {
        let path = path.as_ref();
        let fail = |reason: String, source: Option<std::io::Error>| AuthError::TokenFile {
            action: "save",
            path: path.to_path_buf(),
            reason,
            source,
        };
        if path.as_os_str().is_empty() {
            return Err(fail("the path is empty".into(), None));
        }
        if path.is_dir() {
            return Err(fail(
                "it is a directory; pass a file path such as `token.txt`".into(),
                None,
            ));
        }
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::path::PathBuf::from("."),
        };
        if !dir.is_dir() {
            return Err(fail(
                format!(
                    "the directory `{}` does not exist; create it first",
                    dir.display()
                ),
                None,
            ));
        }
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            file_name.as_deref().unwrap_or("token"),
            uuid::Uuid::new_v4().simple()
        ));
        let io_fail = |e: std::io::Error| {
            let hint = if e.kind() == std::io::ErrorKind::PermissionDenied {
                "; check that the directory is writable by you"
            } else {
                ""
            };
            fail(format!("{e}{hint}"), Some(e))
        };
        let result = (|| {
            let mut file = open_private(&tmp)?;
            file.write_all(self.0.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            drop(file);
            std::fs::rename(&tmp, path)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            return Err(io_fail(e));
        }
        Ok(())
    }

    /// Reads a token written by [`save_to_file`](Self::save_to_file) (or any
    /// file holding just the token; surrounding whitespace is ignored).
    pub fn load_from_file(path: impl AsRef<Path>) -> Result<Self, AuthError> {
        let path = path.as_ref();
        let fail = |reason: String, source: Option<std::io::Error>| AuthError::TokenFile {
            action: "load",
            path: path.to_path_buf(),
            reason,
            source,
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(fail(
                    "the file does not exist; log in first and save the token with `AccessToken::save_to_file`".into(),
                    Some(e),
                ))
            }
            Err(e) => return Err(fail(e.to_string(), Some(e))),
        };
        let text = String::from_utf8(bytes).map_err(|_| {
            fail(
                "the file is not UTF-8 text, so it does not hold a token".into(),
                None,
            )
        })?;
        let token = text.trim();
        if token.is_empty() {
            return Err(fail(
                "the file is empty; log in again and save the new token".into(),
                None,
            ));
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(fail(
                "the file holds more than one line or word, so it is not a token file written by `save_to_file`".into(),
                None,
            ));
        }
        Ok(AccessToken(token.to_owned()))
    }
}

#[cfg(unix)]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_private(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Compares in time independent of where the tokens differ.
impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        AccessToken(token)
    }
}

impl From<&str> for AccessToken {
    fn from(token: &str) -> Self {
        AccessToken(token.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts() {
        let t = AccessToken::new("secret-value");
        assert_eq!(format!("{t:?}"), "AccessToken(<redacted>)");
        assert_eq!(t.to_string(), "<redacted>");
        assert_eq!(format!("{t:#?}"), "AccessToken(<redacted>)");
        assert_eq!(t.expose_secret(), "secret-value");
        assert_eq!(t, AccessToken::from("secret-value"));
        assert_ne!(t, AccessToken::from("secret-valuf"));
    }
}
