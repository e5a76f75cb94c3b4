//! The channels of the streaming API, their parameters and their events.
//!
//! Each channel is a struct holding its parameters (serialized in camelCase
//! exactly as the server reads them, `None` fields left out) that implements
//! [`Channel`]; its events are an enum implementing [`Event`]. The whole
//! catalogue is the table at the end of this file: a new channel is one
//! params struct, one events enum (or an existing one) and one table line.
//!
//! | channel | params | events | messages | backfill |
//! |---|---|---|---|---|
//! | [`Main`] `main` | none | [`MainEvent`] | | mentions (`notes/mentions`) |
//! | [`HomeTimeline`] `homeTimeline` | `withRenotes`, `withFiles` | [`TimelineEvent`] | | `notes/timeline` |
//! | [`LocalTimeline`] `localTimeline` | `withRenotes`, `withReplies`, `withFiles` | [`TimelineEvent`] | | `notes/local-timeline` |
//! | [`HybridTimeline`] `hybridTimeline` | `withRenotes`, `withReplies`, `withFiles` | [`TimelineEvent`] | | `notes/hybrid-timeline` |
//! | [`GlobalTimeline`] `globalTimeline` | `withRenotes`, `withFiles` | [`TimelineEvent`] | | `notes/global-timeline` |
//! | [`UserList`] `userList` | `listId`, `withRenotes`, `withFiles` | [`TimelineEvent`] | | `notes/user-list-timeline` |
//! | [`Hashtag`] `hashtag` | `q` | [`TimelineEvent`] | | `notes/search-by-tag` |
//! | [`Antenna`] `antenna` | `antennaId` | [`TimelineEvent`] | | `antennas/notes` |
//! | [`ChannelTimeline`] `channel` | `channelId` | [`TimelineEvent`] | | `channels/timeline` |
//! | [`RoleTimeline`] `roleTimeline` | `roleId` | [`TimelineEvent`] | | `roles/notes` |
//! | [`Drive`] `drive` | none | [`DriveEvent`] | | |
//! | [`ServerStats`] `serverStats` | none | [`ServerStatsEvent`] | `requestLog` | |
//! | [`QueueStats`] `queueStats` | none | [`QueueStatsEvent`] | `requestLog` | |
//! | [`Admin`] `admin` | none | [`AdminEvent`] | | |
//! | [`Reversi`] `reversi` | none | [`ReversiEvent`] | | |
//! | [`ReversiGame`] `reversiGame` | `gameId` | [`ReversiGameEvent`] | `putStone`, `ready`, `cancel`, `updateSettings`, `claimTimeIsUp` | |
//! | [`ChatUser`] `chatUser` (2025.4+) | `otherId` | [`ChatEvent`] | `read` | |
//! | [`ChatRoom`] `chatRoom` (2025.4+) | `roomId` | [`ChatEvent`] | `read` | |
//!
//! Besides channels, a connection carries note capture ([`NoteUpdate`]) and
//! broadcasts to everyone ([`BroadcastEvent`]).

use misskey_client::{Client, Paginator};
use misskey_core::Id;
use serde::Serialize;

use crate::event::{events, Event};
use crate::models::{self, endpoints, Note};
use crate::payload;

/// A streaming channel: its name, its parameters (the implementing value)
/// and its event type.
pub trait Channel: Serialize + Send + Sync + 'static {
    /// The channel's name on the wire, such as `homeTimeline`.
    const NAME: &'static str;
    /// Whether the server keeps at most one connection of this channel per
    /// socket (it silently ignores a second `connect`). Handles of such a
    /// channel share one server-side connection and each receive every event.
    const SHARED: bool;
    /// The channel's events.
    type Event: Event;

    /// The `params` sent with `connect`: the value serialized, `{}` for a
    /// channel without parameters.
    fn params(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Null) | Err(_) => serde_json::Value::Object(Default::default()),
            Ok(value) => value,
        }
    }

    /// How notes missed while disconnected are fetched, for channels that
    /// deliver notes. `None` (the default) for the others.
    fn backfill() -> Option<Backfill<Self>>
    where
        Self: Sized,
    {
        None
    }
}

/// How a channel fetches the notes it missed while the socket was down:
/// which paginated endpoint to call from the last note seen, and which of
/// its events carry notes. Made by the channels of this crate.
pub struct Backfill<C: Channel> {
    /// From the note after `since` (oldest first), or the newest notes when `None`.
    pub(crate) fetch: fn(&C, &Client, Option<Id>) -> Paginator<Note>,
    pub(crate) note_of: fn(&C::Event) -> Option<&Note>,
    pub(crate) wrap: fn(Note) -> C::Event,
}

impl<C: Channel> std::fmt::Debug for Backfill<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backfill")
            .field("channel", &C::NAME)
            .finish()
    }
}

// ---------------------------------------------------------------- params

/// `main`: the account's own events (notifications, mentions, follows, ...).
/// Needs a token with `read:account`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Main;

/// `homeTimeline`: notes of followed users. Needs a token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HomeTimeline {
    /// Include renotes (server default: yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_renotes: Option<bool>,
    /// Only notes with files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_files: Option<bool>,
}

/// `localTimeline`: notes of this server's users.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalTimeline {
    /// Include renotes (server default: yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_renotes: Option<bool>,
    /// Include replies to others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_replies: Option<bool>,
    /// Only notes with files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_files: Option<bool>,
}

/// `hybridTimeline` (the "social" timeline): home and local together. Needs a token.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HybridTimeline {
    /// Include renotes (server default: yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_renotes: Option<bool>,
    /// Include replies to others.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_replies: Option<bool>,
    /// Only notes with files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_files: Option<bool>,
}

/// `globalTimeline`: every public note the server knows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalTimeline {
    /// Include renotes (server default: yes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_renotes: Option<bool>,
    /// Only notes with files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_files: Option<bool>,
}

/// `userList`: notes of the members of one of the user's lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserList {
    /// The list.
    pub list_id: Id,
    /// Include renotes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_renotes: Option<bool>,
    /// Only notes with files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_files: Option<bool>,
}

/// `hashtag`: notes with hashtags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Hashtag {
    /// Which tags: any of the inner lists, each matching when the note has
    /// all of its tags (`[["a", "b"], ["c"]]` is "a and b, or c"). Tags are
    /// given without `#`.
    pub q: Vec<Vec<String>>,
}

/// `antenna`: notes caught by one of the user's antennas.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Antenna {
    /// The antenna.
    pub antenna_id: Id,
}

/// `channel`: notes posted in a Misskey channel (the forum-like feature;
/// named `ChannelTimeline` here so it is not confused with [`Channel`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChannelTimeline {
    /// The Misskey channel.
    pub channel_id: Id,
}

/// `roleTimeline`: notes of the members of a public role.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleTimeline {
    /// The role.
    pub role_id: Id,
}

/// `drive`: changes to the user's drive. Needs `read:account`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Drive;

/// `serverStats`: the server's load every two seconds; accepts `requestLog`
/// ([`ChannelHandle::request_log`](crate::ChannelHandle::<ServerStats>::request_log)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ServerStats;

/// `queueStats`: the job queues' state; accepts `requestLog`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct QueueStats;

/// `admin`: moderation events. Needs a moderator's token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Admin;

/// `reversi`: invitations and matches of the reversi game.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Reversi;

/// `reversiGame`: one reversi game; accepts `putStone`, `ready`, `cancel`,
/// `updateSettings` and `claimTimeIsUp`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReversiGame {
    /// The game.
    pub game_id: Id,
}

/// `chatUser` (Misskey 2025.4+): a one-to-one chat; accepts `read`. Needs `read:chat`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatUser {
    /// The other user.
    pub other_id: Id,
}

/// `chatRoom` (Misskey 2025.4+): a chat room; accepts `read`. Needs `read:chat`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatRoom {
    /// The room.
    pub room_id: Id,
}

// ---------------------------------------------------------------- events

events! {
    /// Events of [`Main`].
    pub enum MainEvent {
        /// A new notification.
        "notification" => Notification(models::Notification),
        /// A note mentions the user.
        "mention" => Mention(Note),
        /// A reply to one of the user's notes.
        "reply" => Reply(Note),
        /// A renote of one of the user's notes.
        "renote" => Renote(Note),
        /// The user followed someone.
        "follow" => Follow(models::UserDetailedNotMe),
        /// Someone followed the user.
        "followed" => Followed(models::UserLite),
        /// The user unfollowed someone.
        "unfollow" => Unfollow(models::UserDetailedNotMe),
        /// The user's own profile changed.
        "meUpdated" => MeUpdated(models::MeDetailed),
        /// A Play/Page event.
        "pageEvent" => PageEvent(payload::PageEvent),
        /// An upload from a URL finished.
        "urlUploadFinished" => UrlUploadFinished(payload::UrlUploadFinished),
        /// Every notification was marked read.
        "readAllNotifications" => ReadAllNotifications,
        /// A notification the user has not read yet.
        "unreadNotification" => UnreadNotification(models::Notification),
        /// Every notification was deleted.
        "notificationFlushed" => NotificationFlushed,
        /// An unread mention (older servers), by note id.
        "unreadMention" => UnreadMention(Id),
        /// Every mention was marked read (older servers).
        "readAllUnreadMentions" => ReadAllUnreadMentions,
        /// An unread direct note (older servers), by note id.
        "unreadSpecifiedNote" => UnreadSpecifiedNote(Id),
        /// Every direct note was marked read (older servers).
        "readAllUnreadSpecifiedNotes" => ReadAllUnreadSpecifiedNotes,
        /// Every antenna was marked read.
        "readAllAntennas" => ReadAllAntennas,
        /// An antenna caught a note the user has not seen.
        "unreadAntenna" => UnreadAntenna(models::Antenna),
        /// An antenna was read.
        "readAntenna" => ReadAntenna(models::Antenna),
        /// Every announcement was marked read.
        "readAllAnnouncements" => ReadAllAnnouncements,
        /// The user regenerated their token (this connection's may be gone).
        "myTokenRegenerated" => MyTokenRegenerated,
        /// Someone signed in to the account.
        "signin" => Signin(payload::Signin),
        /// A value of the user's registry changed.
        "registryUpdated" => RegistryUpdated(payload::RegistryUpdated),
        /// A file was added to the drive.
        "driveFileCreated" => DriveFileCreated(models::DriveFile),
        /// Someone asks to follow the user.
        "receiveFollowRequest" => ReceiveFollowRequest(models::UserLite),
        /// An announcement for the user.
        "announcementCreated" => AnnouncementCreated(payload::AnnouncementCreated),
        /// A chat message for the user (2025.4+).
        "newChatMessage" => NewChatMessage(payload::ChatMessage),
    }
}

events! {
    /// Events of the timeline-like channels: [`HomeTimeline`],
    /// [`LocalTimeline`], [`HybridTimeline`], [`GlobalTimeline`],
    /// [`UserList`], [`Hashtag`], [`Antenna`], [`ChannelTimeline`],
    /// [`RoleTimeline`].
    pub enum TimelineEvent {
        /// A note (live, or fetched by backfill after a reconnect).
        "note" => Note(Note),
    }
}

events! {
    /// Events of [`Drive`].
    pub enum DriveEvent {
        /// A file was added.
        "fileCreated" => FileCreated(models::DriveFile),
        /// A file changed.
        "fileUpdated" => FileUpdated(models::DriveFile),
        /// A file was deleted, by id.
        "fileDeleted" => FileDeleted(Id),
        /// A folder was added.
        "folderCreated" => FolderCreated(models::DriveFolder),
        /// A folder changed.
        "folderUpdated" => FolderUpdated(models::DriveFolder),
        /// A folder was deleted, by id.
        "folderDeleted" => FolderDeleted(Id),
    }
}

events! {
    /// Events of [`ServerStats`].
    pub enum ServerStatsEvent {
        /// A new sample.
        "stats" => Stats(payload::ServerStats),
        /// The history asked for with `requestLog`, newest first.
        "statsLog" => StatsLog(Vec<payload::ServerStats>),
    }
}

events! {
    /// Events of [`QueueStats`].
    pub enum QueueStatsEvent {
        /// A new sample.
        "stats" => Stats(payload::QueueStats),
        /// The history asked for with `requestLog`, newest first.
        "statsLog" => StatsLog(Vec<payload::QueueStats>),
    }
}

events! {
    /// Events of [`Admin`].
    pub enum AdminEvent {
        /// A user was reported.
        "newAbuseUserReport" => NewAbuseUserReport(payload::AbuseUserReport),
    }
}

events! {
    /// Events of [`Reversi`].
    pub enum ReversiEvent {
        /// A match was made.
        "matched" => Matched(payload::ReversiGame),
        /// Someone invites the user to a game.
        "invited" => Invited(payload::ReversiInvited),
    }
}

events! {
    /// Events of [`ReversiGame`].
    pub enum ReversiGameEvent {
        /// Both players are ready; the game begins.
        "started" => Started(payload::ReversiGame),
        /// The game ended.
        "ended" => Ended(payload::ReversiEnded),
        /// A player canceled the game.
        "canceled" => Canceled(payload::ReversiCanceled),
        /// A player became (un)ready.
        "changeReadyStates" => ChangeReadyStates(payload::ReversiReadyStates),
        /// A player changed a setting.
        "updateSettings" => UpdateSettings(payload::ReversiSettingsUpdated),
        /// A move.
        "log" => Log(payload::ReversiLog),
    }
}

events! {
    /// Events of [`ChatUser`] and [`ChatRoom`] (Misskey 2025.4+).
    pub enum ChatEvent {
        /// A new message.
        "message" => Message(payload::ChatMessage),
        /// A message was deleted, by id.
        "deleted" => Deleted(Id),
        /// Someone reacted to a message.
        "react" => React(payload::ChatReaction),
        /// Someone removed a reaction.
        "unreact" => Unreact(payload::ChatReaction),
    }
}

events! {
    /// Changes to a captured note ([`NoteCapture`](crate::NoteCapture)).
    pub enum NoteUpdate {
        /// Someone reacted.
        "reacted" => Reacted(payload::Reacted),
        /// Someone removed a reaction.
        "unreacted" => Unreacted(payload::Unreacted),
        /// The note was deleted.
        "deleted" => Deleted(payload::Deleted),
        /// Someone voted in the note's poll.
        "pollVoted" => PollVoted(payload::PollVoted),
        /// The note's text was edited.
        "updated" => Updated(payload::Updated),
    }
}

events! {
    /// Broadcasts to every connection ([`Broadcasts`](crate::Broadcasts)),
    /// and frames that could not be read at all (`Unknown` with an `error`
    /// and no `kind`).
    pub enum BroadcastEvent {
        /// A custom emoji was added.
        "emojiAdded" => EmojiAdded(payload::EmojiAdded),
        /// Custom emojis changed.
        "emojiUpdated" => EmojiUpdated(payload::EmojisChanged),
        /// Custom emojis were deleted.
        "emojiDeleted" => EmojiDeleted(payload::EmojisChanged),
        /// A new announcement for everyone.
        "announcementCreated" => AnnouncementCreated(payload::AnnouncementCreated),
    }
}

// ---------------------------------------------------------------- the table

/// Implements [`Channel`] for each line of the table. A channel with
/// backfill names the endpoint module it pages through (`since_id` from the
/// last note seen, 100 notes a page) and the request fields taken from its
/// params: `field` when the params have a field of the same name, `field:
/// param` otherwise (converted with `Into`, so a required param fills an
/// optional request field); then the event variant that carries the notes.
macro_rules! channel_table {
    ($(
        $channel:ident => $wire:literal, shared: $shared:literal, $event:ident
        $(, backfill: $endpoint:ident { $($field:ident $(: $param:ident)?),* } via $variant:ident)?;
    )*) => {
        $(
            impl Channel for $channel {
                const NAME: &'static str = $wire;
                const SHARED: bool = $shared;
                type Event = $event;
                $(
                    fn backfill() -> Option<Backfill<Self>> {
                        Some(Backfill {
                            #[allow(unused_variables)]
                            fetch: |params, client, since| {
                                client.paginate(&endpoints::$endpoint::Request {
                                    since_id: since,
                                    limit: Some(100),
                                    $($field: Clone::clone(
                                        &channel_table!(@param params, $field $(: $param)?),
                                    )
                                    .into(),)*
                                    ..Default::default()
                                })
                            },
                            note_of: |event| match event {
                                $event::$variant(note) => Some(note),
                                _ => None,
                            },
                            wrap: $event::$variant,
                        })
                    }
                )?
            }
        )*

        /// The name of every channel of the table, in its order.
        pub const ALL: &[&str] = &[$($wire),*];
    };
    (@param $params:ident, $field:ident) => { $params.$field };
    (@param $params:ident, $field:ident: $param:ident) => { $params.$param };
}

channel_table! {
    // channel         wire name          one per socket  events          backfill: endpoint { fields from the params } via the notes' variant
    Main            => "main",            shared: true,   MainEvent,      backfill: mentions {} via Mention;
    HomeTimeline    => "homeTimeline",    shared: false,  TimelineEvent,  backfill: timeline { with_renotes, with_files } via Note;
    LocalTimeline   => "localTimeline",   shared: false,  TimelineEvent,  backfill: local_timeline { with_renotes, with_replies, with_files } via Note;
    HybridTimeline  => "hybridTimeline",  shared: false,  TimelineEvent,  backfill: hybrid_timeline { with_renotes, with_replies, with_files } via Note;
    GlobalTimeline  => "globalTimeline",  shared: false,  TimelineEvent,  backfill: global_timeline { with_renotes, with_files } via Note;
    UserList        => "userList",        shared: false,  TimelineEvent,  backfill: user_list_timeline { list_id, with_renotes, with_files } via Note;
    Hashtag         => "hashtag",         shared: false,  TimelineEvent,  backfill: search_by_tag { query: q } via Note;
    Antenna         => "antenna",         shared: false,  TimelineEvent,  backfill: antenna_notes { antenna_id } via Note;
    ChannelTimeline => "channel",         shared: false,  TimelineEvent,  backfill: channel_timeline { channel_id } via Note;
    RoleTimeline    => "roleTimeline",    shared: false,  TimelineEvent,  backfill: role_notes { role_id } via Note;
    Drive           => "drive",           shared: true,   DriveEvent;
    ServerStats     => "serverStats",     shared: true,   ServerStatsEvent;
    QueueStats      => "queueStats",      shared: true,   QueueStatsEvent;
    Admin           => "admin",           shared: true,   AdminEvent;
    Reversi         => "reversi",         shared: true,   ReversiEvent;
    ReversiGame     => "reversiGame",     shared: false,  ReversiGameEvent;
    ChatUser        => "chatUser",        shared: false,  ChatEvent;
    ChatRoom        => "chatRoom",        shared: false,  ChatEvent;
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures_util::StreamExt;
    use serde_json::{json, Value};

    use super::*;

    /// The endpoint and body of the first page each channel's backfill asks
    /// for, from a REST server on 127.0.0.1 that answers every call `[]`.
    async fn first_call<C: Channel>(
        params: C,
        client: &Client,
        calls: &Mutex<Vec<Value>>,
    ) -> Value {
        let backfill = C::backfill().expect("a channel with backfill");
        let mut notes = (backfill.fetch)(&params, client, Some(Id::from("9zzz")));
        assert!(notes.next().await.is_none(), "{}: no notes", C::NAME);
        calls.lock().unwrap().pop().expect("one call")
    }

    #[tokio::test]
    async fn each_backfill_asks_its_endpoint_with_the_channels_params() {
        let calls: Arc<Mutex<Vec<Value>>> = Arc::default();
        let recorded = calls.clone();
        let handler = move |axum::extract::Path(endpoint): axum::extract::Path<String>,
                            body: String| {
            let recorded = recorded.clone();
            async move {
                let body: Value = serde_json::from_str(&body).unwrap();
                recorded
                    .lock()
                    .unwrap()
                    .push(json!({"endpoint": endpoint, "body": body}));
                axum::Json(json!([]))
            }
        };
        let app = axum::Router::new().route("/api/{*endpoint}", axum::routing::post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let origin = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let client = Client::builder(&origin).token("t0ken").build().unwrap();
        let id = || Id::from("9abc");
        let page = json!({"sinceId": "9zzz", "limit": 100});
        let with = |extra: Value| {
            let mut body = page.clone();
            body.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            body
        };
        let cases = [
            (
                first_call(Main, &client, &calls).await,
                "notes/mentions",
                page.clone(),
            ),
            (
                first_call(
                    HomeTimeline {
                        with_renotes: Some(false),
                        with_files: Some(true),
                    },
                    &client,
                    &calls,
                )
                .await,
                "notes/timeline",
                with(json!({"withRenotes": false, "withFiles": true})),
            ),
            (
                first_call(
                    LocalTimeline {
                        with_renotes: None,
                        with_replies: Some(true),
                        with_files: Some(false),
                    },
                    &client,
                    &calls,
                )
                .await,
                "notes/local-timeline",
                with(json!({"withReplies": true, "withFiles": false})),
            ),
            (
                first_call(
                    HybridTimeline {
                        with_renotes: Some(true),
                        with_replies: Some(false),
                        with_files: None,
                    },
                    &client,
                    &calls,
                )
                .await,
                "notes/hybrid-timeline",
                with(json!({"withRenotes": true, "withReplies": false})),
            ),
            (
                first_call(
                    GlobalTimeline {
                        with_renotes: Some(false),
                        with_files: None,
                    },
                    &client,
                    &calls,
                )
                .await,
                "notes/global-timeline",
                with(json!({"withRenotes": false})),
            ),
            (
                first_call(
                    UserList {
                        list_id: id(),
                        with_renotes: None,
                        with_files: Some(true),
                    },
                    &client,
                    &calls,
                )
                .await,
                "notes/user-list-timeline",
                with(json!({"listId": "9abc", "withFiles": true})),
            ),
            (
                first_call(
                    Hashtag {
                        q: vec![vec!["a".into(), "b".into()], vec!["c".into()]],
                    },
                    &client,
                    &calls,
                )
                .await,
                "notes/search-by-tag",
                with(json!({"query": [["a", "b"], ["c"]]})),
            ),
            (
                first_call(Antenna { antenna_id: id() }, &client, &calls).await,
                "antennas/notes",
                with(json!({"antennaId": "9abc"})),
            ),
            (
                first_call(ChannelTimeline { channel_id: id() }, &client, &calls).await,
                "channels/timeline",
                with(json!({"channelId": "9abc"})),
            ),
            (
                first_call(RoleTimeline { role_id: id() }, &client, &calls).await,
                "roles/notes",
                with(json!({"roleId": "9abc"})),
            ),
        ];
        for (call, endpoint, body) in cases {
            assert_eq!(call["endpoint"], endpoint, "{call}");
            // The token goes in the body; the rest is what the channel asks.
            let mut sent = call["body"].clone();
            sent.as_object_mut().unwrap().remove("i");
            assert_eq!(sent, body, "{endpoint}");
        }
        assert!(Drive::backfill().is_none() && ChatRoom::backfill().is_none());
    }
}
