//! The generated output for a small hand-written spec
//! (`specs/snapshot.json`: a string enum with a default, a tagged union, an
//! endpoint with documented errors, a paginated one and an upload), kept in
//! `snapshots/` so a change to the output shows in a review as a diff.
//!
//! After an intended change: `UPDATE_EXPECT=1 cargo test -p misskey-codegen --test snapshot`.

use expect_test::expect_file;

mod common;
use common::{file, gen};

const SPEC: &str = include_str!("specs/snapshot.json");

#[test]
fn the_output_for_the_small_spec_is_the_reviewed_one() {
    let out = gen(SPEC);
    let check = |path: &str, expected: expect_test::ExpectFile| {
        expected.assert_eq(file(&out, path));
    };
    check(
        "crates/misskey-api/src/models/visibility.rs",
        expect_file!["snapshots/visibility.rs.txt"],
    );
    check(
        "crates/misskey-api/src/models/note.rs",
        expect_file!["snapshots/note.rs.txt"],
    );
    check(
        "crates/misskey-api/src/models/notification.rs",
        expect_file!["snapshots/notification.rs.txt"],
    );
    check(
        "crates/misskey-api/src/endpoints/notes/show.rs",
        expect_file!["snapshots/notes_show.rs.txt"],
    );
    check(
        "crates/misskey-api/src/endpoints/i/notifications.rs",
        expect_file!["snapshots/i_notifications.rs.txt"],
    );
    check(
        "crates/misskey-api/src/endpoints/drive/files/create.rs",
        expect_file!["snapshots/drive_files_create.rs.txt"],
    );
}
