//! Errors of the streaming client. None of them ever contains the token.

use std::time::Duration;

/// What went wrong. Messages say what, where and how to fix it; the token
/// never appears in them (nor in `Debug`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The origin given to [`Stream::builder`](crate::Stream::builder) is not usable.
    #[error("invalid Misskey origin {input:?}: {problem}; {fix}")]
    InvalidOrigin {
        /// What was given.
        input: String,
        /// What is wrong with it.
        problem: String,
        /// How to fix it.
        fix: String,
    },
    /// The token cannot be sent.
    #[error("invalid access token: {problem}")]
    InvalidToken {
        /// What is wrong with it.
        problem: String,
    },
    /// The WebSocket could not be opened (network, TLS, timeout, or an
    /// answer that is not a WebSocket upgrade).
    #[error("cannot open the streaming connection to {origin}: {reason}")]
    Connect {
        /// The server's origin.
        origin: String,
        /// What happened.
        reason: String,
    },
    /// The server refused the connection: `401` for a bad token or one
    /// without `read:account`, `403` for a suspended account.
    #[error("{origin} refused the streaming connection with HTTP {status}: {hint}")]
    Refused {
        /// The server's origin.
        origin: String,
        /// The HTTP status of the refused upgrade.
        status: u16,
        /// What it usually means.
        hint: &'static str,
    },
    /// The server did not confirm a `connect` within the configured time.
    /// Misskey ignores an unknown channel, and a channel the token lacks
    /// the permission for, without answering.
    #[error(
        "the server did not confirm the channel `{channel}` within {waited:?}: it may not know \
         this channel (it is newer than the server, or a fork's), or the token lacks the \
         permission it needs"
    )]
    NotConfirmed {
        /// The channel's name.
        channel: &'static str,
        /// How long the client waited.
        waited: Duration,
    },
    /// A message could not be sent because the socket is down (it is
    /// reconnecting). Messages are not queued: a move or a read mark sent
    /// minutes late would do the wrong thing.
    #[error(
        "the streaming connection is down (reconnecting); the message `{message}` was not sent"
    )]
    NotConnected {
        /// The message's type.
        message: String,
    },
    /// The connection gave up: reconnecting failed as many times as allowed,
    /// or the server refused the token on a reconnect.
    #[error("the streaming connection ended: {reason}")]
    Closed {
        /// Why.
        reason: String,
    },
    /// Fetching the notes missed while disconnected failed. Live events go
    /// on; the notes of the gap may be missing.
    #[error("backfill of `{channel}` after a reconnect failed: {source}")]
    Backfill {
        /// The channel's name.
        channel: &'static str,
        /// The REST call's error.
        #[source]
        source: misskey_client::Error,
    },
}
