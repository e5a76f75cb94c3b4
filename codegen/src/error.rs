use std::fmt;

/// Why a spec could not be turned into code, and where in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// JSON pointer (RFC 6901) to the offending part of the spec; empty for the document itself.
    pub pointer: String,
    /// What is wrong and, where it helps, how to fix it.
    pub message: String,
}

impl Error {
    pub(crate) fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "spec: {}", self.message)
        } else {
            write!(f, "spec at `{}`: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// Appends one reference token to a JSON pointer, escaping `~` and `/`.
pub(crate) fn push_pointer(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            c => out.push(c),
        }
    }
    out
}
