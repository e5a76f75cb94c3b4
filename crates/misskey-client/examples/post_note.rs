//! Posts a note to the instance in `MISSKEY_ORIGIN` with the token in `MISSKEY_TOKEN`.
//!
//! ```sh
//! MISSKEY_ORIGIN=https://misskey.example MISSKEY_TOKEN=... cargo run -p misskey-client --example post_note -- "hello"
//! ```

use std::process::ExitCode;

use misskey_api::endpoints::notes;
use misskey_client::Client;

fn env(name: &str, what: &str) -> Result<String, String> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value.trim().to_owned()),
        _ => Err(format!(
            "{name} is not set: set it to {what}, for example\n  \
             MISSKEY_ORIGIN=https://misskey.example MISSKEY_TOKEN=<token with write:notes> \
             cargo run -p misskey-client --example post_note -- \"hello\""
        )),
    }
}

async fn run() -> Result<(), String> {
    let origin = env("MISSKEY_ORIGIN", "the address of the Misskey server")?;
    let token = env(
        "MISSKEY_TOKEN",
        "an access token with the write:notes permission",
    )?;
    let text = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "Hello from misskey-client!".to_owned());

    let client = Client::builder(origin)
        .token(token)
        .build()
        .map_err(|e| e.to_string())?;
    let created = client
        .request(&notes::create::Request {
            text: text.into(),
            ..Default::default()
        })
        .await
        .map_err(|e| e.to_string())?;
    println!(
        "posted {}/notes/{}",
        client.origin(),
        created.created_note.id
    );
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
