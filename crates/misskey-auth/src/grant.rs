use std::future::Future;
use std::sync::Mutex;

use misskey_client::{Client, ClientBuilder};

use crate::{AccessToken, AuthError, AuthUser};

/// What one check of a pending login found.
#[derive(Debug, Clone)]
pub enum CheckStatus {
    /// The user has not approved yet (or denied; Misskey does not tell apps).
    Pending,
    /// The user approved: here is the token.
    Approved(Grant),
}

/// The result of a successful MiAuth or legacy login: the token and whose it is.
///
/// [`client`](Self::client) turns it into an API client for the same server
/// without the secret ever being taken out:
///
/// ```no_run
/// # async fn run(grant: misskey_auth::Grant) -> Result<(), Box<dyn std::error::Error>> {
/// let client = grant.client()?;
/// // or, to configure it: grant.client_builder().bearer_auth().build()?
/// // or, from the parts: Client::builder(origin).token(grant.token).build()?
/// # let _ = client; Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Grant {
    /// The access token. It is redacted when printed.
    pub token: AccessToken,
    /// The user who approved, typed when it decodes.
    pub user: AuthUser,
    /// The server the token is for, such as `https://misskey.example`.
    pub origin: String,
}

impl Grant {
    /// A client builder for the server the login was on, with the token set.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder(self.origin.as_str()).token(&self.token)
    }

    /// An API client for the server the login was on, with the token and
    /// default settings.
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`] (the origin was already checked by the
    /// login, so in practice only a token the server sent with whitespace in
    /// it, or an HTTP client that cannot be built).
    pub fn client(&self) -> Result<Client, misskey_client::Error> {
        self.client_builder().build()
    }
}

/// The grant of a login whose server hands out the token only once: the
/// first one received is kept for good.
#[derive(Debug, Default)]
pub(crate) struct GrantSlot(Mutex<Option<Grant>>);

impl GrantSlot {
    pub(crate) fn get(&self) -> Option<Grant> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Keeps `grant` unless one is already kept; returns the one kept.
    pub(crate) fn keep(&self, grant: Grant) -> Grant {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        slot.get_or_insert(grant).clone()
    }

    /// What to report when the server says "not yet": a grant received
    /// meanwhile by a concurrent check wins.
    pub(crate) fn status(&self) -> CheckStatus {
        match self.get() {
            Some(grant) => CheckStatus::Approved(grant),
            None => CheckStatus::Pending,
        }
    }
}

/// Runs a check on its own task, so that it completes (and its grant is
/// kept) even if the caller's future is dropped while the answer is on its way.
pub(crate) async fn detached<F>(what: &'static str, check: F) -> Result<CheckStatus, AuthError>
where
    F: Future<Output = Result<CheckStatus, AuthError>> + Send + 'static,
{
    match tokio::spawn(check).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(AuthError::Cancelled { what }),
    }
}
