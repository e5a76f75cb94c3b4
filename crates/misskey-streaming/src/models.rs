//! The generated types of `misskey-api` this crate uses, named in one place:
//! when the generator renames a model or an endpoint module, this file (and
//! the backfill requests in [`crate::channel`]) is what changes.

pub use misskey_api::models::{
    Announcement, Antenna, DriveFile, DriveFolder, EmojiDetailed, MeDetailed, Note, Notification,
    ReversiGameDetailed, UserDetailedNotMe, UserLite,
};

/// The endpoints backfill calls (all paginated with `sinceId`).
pub(crate) mod endpoints {
    pub(crate) use misskey_api::endpoints::antennas::notes as antenna_notes;
    pub(crate) use misskey_api::endpoints::channels::timeline as channel_timeline;
    pub(crate) use misskey_api::endpoints::notes::{
        global_timeline, hybrid_timeline, local_timeline, mentions, search_by_tag, timeline,
        user_list_timeline,
    };
    pub(crate) use misskey_api::endpoints::roles::notes as role_notes;
}
