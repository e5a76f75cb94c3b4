//! Replies to every mention, through the REST client. Survives a server
//! restart: the stream reconnects by itself, and the mentions posted while
//! it was down are backfilled (fetched with `notes/mentions`) and answered too.
//!
//! ```sh
//! MISSKEY_ORIGIN=https://misskey.example MISSKEY_TOKEN=... cargo run -p misskey-streaming --example mention_bot
//! ```
//!
//! The token needs `read:account` and `write:notes`.

use misskey_api::endpoints::notes;
use misskey_client::Client;
use misskey_streaming::{channel, MainEvent, Stream};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .init();
    let origin = std::env::var("MISSKEY_ORIGIN")
        .map_err(|_| "set MISSKEY_ORIGIN to the server, such as https://misskey.example")?;
    let token = std::env::var("MISSKEY_TOKEN")
        .map_err(|_| "set MISSKEY_TOKEN to an access token with read:account and write:notes")?;
    let client = Client::builder(origin).token(token).build()?;
    let stream = Stream::connect(&client).await?;
    let mut main = stream.channel(channel::Main).await?;
    println!("listening for mentions on {}", stream.origin());
    while let Some(event) = main.next().await {
        match event {
            Ok(MainEvent::Mention(note)) => {
                let who = note.user.username.clone();
                let reply = notes::create::Request {
                    reply_id: note.id.clone().into(),
                    text: format!(
                        "@{who} hi! (you said: {})",
                        note.text.as_deref().unwrap_or("")
                    )
                    .into(),
                    ..Default::default()
                };
                match client.request(&reply).await {
                    Ok(res) => println!("answered {} with {}", note.id, res.created_note.id),
                    // A failed reply (rate limit, deleted note) must not stop the bot.
                    Err(e) => eprintln!("could not answer {}: {e}", note.id),
                }
            }
            Ok(MainEvent::Disconnected { reason }) => {
                eprintln!("disconnected ({reason}); reconnecting")
            }
            Ok(MainEvent::Reconnected { down_for, attempts }) => {
                println!("back after {down_for:?} ({attempts} attempts); missed mentions follow")
            }
            Ok(MainEvent::Lagged(n)) => eprintln!("{n} events dropped: answering too slowly"),
            Ok(_) => {}
            // Backfill failed: live mentions go on; the gap may be unanswered.
            Err(e @ misskey_streaming::Error::Backfill { .. }) => eprintln!("{e}"),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}
