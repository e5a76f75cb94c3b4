use std::io::Write;
use std::path::Path;

use crate::AuthError;

pub use misskey_core::AccessToken;

/// Saving an [`AccessToken`] to a private file and reading it back.
///
/// The token type lives in `misskey-core` (so that the client and the
/// streaming client take it as it is); this extension trait adds the file
/// handling, which needs I/O and [`AuthError`]. Bring it into scope with
/// `use misskey_auth::TokenFile;`.
///
/// ```no_run
/// # fn run() -> Result<(), misskey_auth::AuthError> {
/// use misskey_auth::{AccessToken, TokenFile};
/// AccessToken::new("...").save_to_file("token.txt")?;
/// let token = AccessToken::load_from_file("token.txt")?;
/// # let _ = token; Ok(()) }
/// ```
pub trait TokenFile: Sized {
    /// Writes the token to `path`, replacing the file if it exists.
    ///
    /// On Unix the file is created with permissions `0600` (readable and
    /// writable by the owner only); an existing file is replaced atomically
    /// by a new `0600` file, so its old permissions do not carry over. The
    /// parent directory must exist. This is blocking I/O on a tiny file.
    fn save_to_file(&self, path: impl AsRef<Path>) -> Result<(), AuthError>;

    /// Reads a token written by [`save_to_file`](Self::save_to_file) (or any
    /// file holding just the token; surrounding whitespace is ignored).
    fn load_from_file(path: impl AsRef<Path>) -> Result<Self, AuthError>;
}

impl TokenFile for AccessToken {
    fn save_to_file(&self, path: impl AsRef<Path>) -> Result<(), AuthError> {
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
            file.write_all(self.expose_secret().as_bytes())?;
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

    fn load_from_file(path: impl AsRef<Path>) -> Result<Self, AuthError> {
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
        Ok(AccessToken::new(token))
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
