use serde::{Deserialize, Serialize};

/// The JSON body of a Misskey error answer: `{"error": {...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    /// The error itself.
    pub error: ApiError,
}

/// An error reported by the Misskey API.
///
/// `kind` and `info` are sent by real servers although the spec's `Error`
/// schema does not list them, so they are kept here.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError {
    /// A stable, machine-readable code such as `NO_SUCH_NOTE`.
    pub code: String,
    /// A human-readable message.
    pub message: String,
    /// A stable UUID identifying this error.
    pub id: String,
    /// `client` or `server`, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Extra detail, for example which parameter was invalid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info: Option<serde_json::Value>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.id, self.message)
    }
}
