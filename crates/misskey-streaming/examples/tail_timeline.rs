//! Prints the local timeline as it arrives (no token needed on most servers).
//!
//! ```sh
//! MISSKEY_ORIGIN=https://misskey.example cargo run -p misskey-streaming --example tail_timeline
//! ```

use misskey_streaming::{channel, Stream, TimelineEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let origin = std::env::var("MISSKEY_ORIGIN")
        .map_err(|_| "set MISSKEY_ORIGIN to the server, such as https://misskey.example")?;
    let mut builder = Stream::builder(origin);
    if let Ok(token) = std::env::var("MISSKEY_TOKEN") {
        builder = builder.token(token);
    }
    let stream = builder.connect().await?;
    let mut local = stream.channel(channel::LocalTimeline::default()).await?;
    while let Some(event) = local.next().await {
        match event? {
            TimelineEvent::Note(note) => {
                let text = note
                    .text
                    .as_deref()
                    .or(note.cw.as_deref())
                    .unwrap_or("(renote or file)");
                println!(
                    "{} @{}: {}",
                    note.created_at.format("%H:%M:%S"),
                    note.user.username,
                    text.replace('\n', " ")
                );
            }
            TimelineEvent::Reconnected { down_for, .. } => {
                println!("-- reconnected after {down_for:?} --")
            }
            TimelineEvent::Lagged(n) => println!("-- {n} notes skipped --"),
            TimelineEvent::Unknown(u) => println!("-- unknown event {:?} --", u.kind),
            _ => {}
        }
    }
    Ok(())
}
