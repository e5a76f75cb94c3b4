//! What every login builder shares, written once: its setters and the checks
//! before its first request.

use std::collections::BTreeSet;

use misskey_core::Permission;

use crate::http::default_client;
use crate::validate::check_permission;
use crate::AuthError;

/// Writes `permission`, `permissions` and `http_client` for a builder with
/// the fields `permissions: BTreeSet<Permission>` and
/// `http: Option<reqwest::Client>`. Each flow gives its own docs, since what
/// the permissions become (MiAuth's `permission`, OAuth's `scope`, the app's
/// `permission` list) and what the client must do differ.
macro_rules! login_builder_setters {
    (
        $(#[$one:meta])* fn permission;
        $(#[$many:meta])* fn permissions;
        $(#[$http:meta])* fn http_client;
    ) => {
        $(#[$one])*
        pub fn permission(mut self, permission: impl Into<Permission>) -> Self {
            self.permissions.insert(permission.into());
            self
        }

        $(#[$many])*
        pub fn permissions<P: Into<Permission>>(
            mut self,
            permissions: impl IntoIterator<Item = P>,
        ) -> Self {
            self.permissions
                .extend(permissions.into_iter().map(Into::into));
            self
        }

        $(#[$http])*
        pub fn http_client(mut self, client: reqwest::Client) -> Self {
            self.http = Some(client);
            self
        }
    };
}

/// What every flow checks before its first request: each permission it will
/// ask for is well formed, and there is an HTTP client (the caller's, or the
/// default one).
pub(crate) fn checked_permissions_and_client(
    permissions: &BTreeSet<Permission>,
    http: Option<reqwest::Client>,
) -> Result<reqwest::Client, AuthError> {
    for p in permissions {
        check_permission(p)?;
    }
    match http {
        Some(h) => Ok(h),
        None => default_client(),
    }
}
