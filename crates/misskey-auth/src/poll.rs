use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::AuthError;

/// How often a flow asks the server whether the user has approved yet.
///
/// The first check happens at once; the pause between checks starts at
/// `initial` and grows by half each time up to `max`. Connection problems,
/// server errors (5xx) and rate limiting (429) while polling are retried;
/// other errors end the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    /// The pause after the first check.
    pub initial: Duration,
    /// The longest pause between two checks.
    pub max: Duration,
    /// How long to keep checking after the browser came back to a loopback
    /// callback, before answering it that the login was not approved and
    /// giving up with [`AuthError::NotApproved`] (the server normally
    /// confirms at once: the browser is sent back only after the token was
    /// made). Counted from the redirect, independent of the login's timeout.
    pub after_callback: Duration,
}

impl Default for PollPolicy {
    /// One second at first, growing to five seconds; three seconds after a
    /// callback (the browser waits that long for its page at most).
    fn default() -> Self {
        PollPolicy {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(5),
            after_callback: Duration::from_secs(3),
        }
    }
}

/// How long the last check may take when it starts at (or after) the deadline.
const LAST_CHECK_BUDGET: Duration = Duration::from_secs(5);
/// The shortest pause, so that a zero policy cannot spin.
const MIN_PAUSE: Duration = Duration::from_millis(10);

/// Why polling ended without a result.
pub(crate) enum PollEnd {
    /// The deadline passed; the last transient error, if any.
    Deadline { last_error: Option<String> },
    /// A permanent error.
    Failed(AuthError),
}

impl PollEnd {
    /// The error a login's `wait` gives: the permanent error, or
    /// [`AuthError::Timeout`] saying what was waited for, how long, and
    /// what to do.
    pub(crate) fn into_error(
        self,
        what: &'static str,
        waited: Duration,
        hint: &'static str,
    ) -> AuthError {
        match self {
            PollEnd::Failed(e) => e,
            PollEnd::Deadline { last_error } => AuthError::Timeout {
                what,
                waited,
                hint: hint.into(),
                last_error,
            },
        }
    }
}

/// `wait`, or [`AuthError::Cancelled`] (waiting for `what`) when `cancel`
/// completes first: what every login's `wait_or_cancel` does.
pub(crate) async fn or_cancel<T, W: Future<Output = Result<T, AuthError>>, C: Future>(
    wait: W,
    cancel: C,
    what: &'static str,
) -> Result<T, AuthError> {
    tokio::select! {
        result = wait => result,
        _ = cancel => Err(AuthError::Cancelled { what }),
    }
}

/// Calls `attempt` until it gives `Some`, fails permanently, or `deadline`
/// passes (one last attempt is made at the deadline).
pub(crate) async fn poll<T, F, Fut>(
    policy: PollPolicy,
    deadline: Instant,
    mut attempt: F,
) -> Result<T, PollEnd>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, AuthError>>,
{
    let mut pause = policy.initial.max(MIN_PAUSE);
    let max_pause = policy.max.max(pause);
    let mut last_error = None;
    loop {
        let limit = deadline.max(Instant::now() + LAST_CHECK_BUDGET);
        match tokio::time::timeout_at(limit, attempt()).await {
            Ok(Ok(Some(value))) => return Ok(value),
            Ok(Ok(None)) => {}
            Ok(Err(e)) if e.is_transient() => last_error = Some(e.to_string()),
            Ok(Err(e)) => return Err(PollEnd::Failed(e)),
            Err(_) => {
                return Err(PollEnd::Deadline {
                    last_error: Some("the server did not answer the last check in time".into()),
                })
            }
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(PollEnd::Deadline { last_error });
        }
        tokio::time::sleep_until((now + pause).min(deadline)).await;
        pause = pause.mul_f64(1.5).min(max_pause);
    }
}
