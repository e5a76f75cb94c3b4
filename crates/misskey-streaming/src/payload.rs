//! Payloads the OpenAPI spec does not describe (the streaming API is not in
//! it): the bodies of note updates, statistics, reversi and chat events, and
//! the small wrappers around generated models that some events use.
//!
//! Every struct decodes leniently: unknown fields are ignored, and fields
//! the server may leave out are `Option`s.

use misskey_core::{DateTime, Id};
use serde::{Deserialize, Serialize};

use crate::models::{Announcement, DriveFile, EmojiDetailed, ReversiGameDetailed, UserLite};

/// `urlUploadFinished` of `main`: a `drive/files/upload-from-url` finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UrlUploadFinished {
    /// The marker passed to `upload-from-url`, if any.
    #[serde(default)]
    pub marker: Option<String>,
    /// The uploaded file.
    pub file: DriveFile,
}

/// `registryUpdated` of `main`: a value of the user's registry changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegistryUpdated {
    /// The registry scope (path).
    #[serde(default)]
    pub scope: Vec<String>,
    /// The key.
    pub key: String,
    /// The new value (any JSON).
    #[serde(default)]
    pub value: serde_json::Value,
}

/// `signin` of `main`: someone signed in to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Signin {
    /// The sign-in record's id.
    pub id: Id,
    /// When.
    #[serde(default)]
    pub created_at: Option<DateTime>,
    /// From which address.
    #[serde(default)]
    pub ip: Option<String>,
    /// The request's headers (any JSON object).
    #[serde(default)]
    pub headers: serde_json::Value,
    /// Whether it succeeded.
    #[serde(default)]
    pub success: Option<bool>,
}

/// `pageEvent` of `main`: a Play/Page script sent an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageEvent {
    /// The page.
    pub page_id: Id,
    /// The event's name.
    pub event: String,
    /// The value sent with it (any JSON).
    #[serde(default)]
    pub var: serde_json::Value,
    /// Who caused it.
    pub user_id: Id,
    /// The user, when sent.
    #[serde(default)]
    pub user: Option<UserLite>,
}

/// `announcementCreated` (a broadcast, and an event of `main` for
/// announcements to one user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnouncementCreated {
    /// The new announcement.
    pub announcement: Announcement,
}

/// `emojiAdded` broadcast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmojiAdded {
    /// The new custom emoji.
    pub emoji: EmojiDetailed,
}

/// `emojiUpdated` and `emojiDeleted` broadcasts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmojisChanged {
    /// The emojis updated or deleted.
    pub emojis: Vec<EmojiDetailed>,
}

/// `reacted` of a captured note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Reacted {
    /// The reaction, such as `👍` or `:blobcat@.:`.
    pub reaction: String,
    /// The custom emoji's name and image, for a custom emoji reaction.
    #[serde(default)]
    pub emoji: Option<ReactionEmoji>,
    /// Who reacted.
    pub user_id: Id,
}

/// The custom emoji of a [`Reacted`] event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReactionEmoji {
    /// The emoji's name.
    pub name: String,
    /// Its image.
    pub url: String,
}

/// `unreacted` of a captured note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Unreacted {
    /// The reaction removed.
    pub reaction: String,
    /// Who removed it.
    pub user_id: Id,
}

/// `deleted` of a captured note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    /// When the note was deleted.
    pub deleted_at: DateTime,
}

/// `pollVoted` of a captured note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PollVoted {
    /// The index of the choice voted for.
    pub choice: u32,
    /// Who voted.
    pub user_id: Id,
}

/// `updated` of a captured note (edited text, on servers that allow edits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Updated {
    /// The new content warning.
    #[serde(default)]
    pub cw: Option<String>,
    /// The new text.
    #[serde(default)]
    pub text: Option<String>,
}

/// `stats` of `serverStats`: one sample of the server's load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerStats {
    /// CPU use, 0 to 1.
    #[serde(default)]
    pub cpu: f64,
    /// Memory, in bytes.
    #[serde(default)]
    pub mem: ServerMemory,
    /// Network, in bytes per second.
    #[serde(default)]
    pub net: ServerNetwork,
    /// Disk, in bytes per second.
    #[serde(default)]
    pub fs: ServerDisk,
}

/// Memory of [`ServerStats`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerMemory {
    /// Used.
    #[serde(default)]
    pub used: f64,
    /// Active.
    #[serde(default)]
    pub active: f64,
}

/// Network of [`ServerStats`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerNetwork {
    /// Received.
    #[serde(default)]
    pub rx: f64,
    /// Sent.
    #[serde(default)]
    pub tx: f64,
}

/// Disk of [`ServerStats`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerDisk {
    /// Read.
    #[serde(default)]
    pub r: f64,
    /// Written.
    #[serde(default)]
    pub w: f64,
}

/// `stats` of `queueStats`: the job queues' state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueStats {
    /// The outgoing delivery queue.
    #[serde(default)]
    pub deliver: QueueState,
    /// The incoming activity queue.
    #[serde(default)]
    pub inbox: QueueState,
}

/// One queue of [`QueueStats`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueueState {
    /// Jobs that ran since the previous sample.
    #[serde(default)]
    pub active_since_prev_tick: f64,
    /// Jobs running.
    #[serde(default)]
    pub active: f64,
    /// Jobs waiting.
    #[serde(default)]
    pub waiting: f64,
    /// Jobs delayed (retrying).
    #[serde(default)]
    pub delayed: f64,
}

/// `newAbuseUserReport` of `admin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AbuseUserReport {
    /// The report's id.
    pub id: Id,
    /// The reported user.
    pub target_user_id: Id,
    /// The reporter.
    pub reporter_id: Id,
    /// What the reporter wrote.
    #[serde(default)]
    pub comment: String,
}

/// `matched`, `started` of the reversi channels: a game.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReversiGame {
    /// The game.
    pub game: ReversiGameDetailed,
}

/// `invited` of `reversi`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReversiInvited {
    /// Who invites.
    pub user: UserLite,
}

/// `ended` of `reversiGame`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReversiEnded {
    /// The winner; `None` for a draw.
    #[serde(default)]
    pub winner_id: Option<Id>,
    /// The finished game.
    pub game: ReversiGameDetailed,
}

/// `canceled` of `reversiGame`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReversiCanceled {
    /// Who canceled.
    pub user_id: Id,
}

/// `changeReadyStates` of `reversiGame`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReversiReadyStates {
    /// Whether the first player is ready.
    pub user1: bool,
    /// Whether the second player is ready.
    pub user2: bool,
}

/// `updateSettings` of `reversiGame`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReversiSettingsUpdated {
    /// Who changed the setting.
    pub user_id: Id,
    /// Which setting (`map`, `bw`, `isLlotheo`, ...).
    pub key: String,
    /// Its new value.
    #[serde(default)]
    pub value: serde_json::Value,
}

/// `log` of `reversiGame`: a move (any JSON object; its shape follows the
/// game engine).
pub type ReversiLog = serde_json::Map<String, serde_json::Value>;

/// A chat message (Misskey 2025.4+), as the `chatUser` and `chatRoom`
/// channels and `main`'s `newChatMessage` send it.
///
/// Written by hand because the bindings are generated from the 2024.10.1
/// spec, which has no chat; it follows `ChatMessageLite` of 2025.11.0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    /// The message's id.
    pub id: Id,
    /// When it was sent.
    pub created_at: DateTime,
    /// The sender.
    pub from_user_id: Id,
    /// The sender, when sent.
    #[serde(default)]
    pub from_user: Option<UserLite>,
    /// The recipient of a one-to-one message.
    #[serde(default)]
    pub to_user_id: Option<Id>,
    /// The room of a room message.
    #[serde(default)]
    pub to_room_id: Option<Id>,
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
    /// The attached file's id.
    #[serde(default)]
    pub file_id: Option<Id>,
    /// The attached file.
    #[serde(default)]
    pub file: Option<DriveFile>,
    /// Reactions so far.
    #[serde(default)]
    pub reactions: Vec<ChatReactionSummary>,
}

/// One reaction in [`ChatMessage::reactions`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatReactionSummary {
    /// The reaction.
    pub reaction: String,
    /// Who reacted, when sent.
    #[serde(default)]
    pub user: Option<UserLite>,
}

/// `react` and `unreact` of the chat channels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatReaction {
    /// The reaction.
    pub reaction: String,
    /// Who reacted, when sent.
    #[serde(default)]
    pub user: Option<UserLite>,
    /// The message reacted to.
    pub message_id: Id,
}
