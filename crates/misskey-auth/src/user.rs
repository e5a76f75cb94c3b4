use serde_json::Value;

/// The user model the flows decode the logged-in user into: the generated
/// [`misskey_api::models::UserDetailedNotMe`].
///
/// MiAuth's check and the legacy `auth/session/userkey` both send the user
/// packed as `UserDetailedNotMe` (Misskey packs it without "me" context, so
/// the `MeDetailed`-only fields such as `isModerator` are absent).
pub type User = misskey_api::models::UserDetailedNotMe;

/// The user a token belongs to, as the server described it at login.
///
/// Servers and forks differ, so the user might not decode into the
/// generated model; the login still succeeds then and the user is kept as
/// raw JSON ([`AuthUser::Raw`]): the token is never dropped because of it.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthUser {
    /// The user decoded into the generated model.
    Typed(Box<User>),
    /// The user as sent, because it did not decode into the model.
    Raw {
        /// The JSON the server sent for the user (`null` if it sent none).
        json: Value,
        /// Why it did not decode.
        error: String,
    },
}

impl AuthUser {
    pub(crate) fn decode(json: Value) -> Self {
        if json.is_null() {
            return AuthUser::Raw {
                json,
                error: "the server sent no user".into(),
            };
        }
        match serde_json::from_value::<User>(json.clone()) {
            Ok(user) => AuthUser::Typed(Box::new(user)),
            Err(e) => AuthUser::Raw {
                json,
                error: e.to_string(),
            },
        }
    }

    /// The decoded user, when it decoded.
    pub fn typed(&self) -> Option<&User> {
        match self {
            AuthUser::Typed(user) => Some(user),
            AuthUser::Raw { .. } => None,
        }
    }

    /// The user's id, from either form.
    pub fn id(&self) -> Option<&str> {
        match self {
            AuthUser::Typed(user) => Some(user.id.as_str()),
            AuthUser::Raw { json, .. } => json.get("id")?.as_str(),
        }
    }

    /// The user name (the part after `@`), from either form.
    pub fn username(&self) -> Option<&str> {
        match self {
            AuthUser::Typed(user) => Some(user.username.as_str()),
            AuthUser::Raw { json, .. } => json.get("username")?.as_str(),
        }
    }

    /// The display name, if the user set one, from either form.
    pub fn name(&self) -> Option<&str> {
        match self {
            AuthUser::Typed(user) => user.name.as_deref(),
            AuthUser::Raw { json, .. } => json.get("name")?.as_str(),
        }
        .filter(|n| !n.is_empty())
    }

    /// What to call the user: the display name, else `@username`, else
    /// `(unknown user)`.
    pub fn display_name(&self) -> String {
        match (self.name(), self.username()) {
            (Some(name), _) => name.to_owned(),
            (None, Some(username)) => format!("@{username}"),
            (None, None) => "(unknown user)".into(),
        }
    }
}
