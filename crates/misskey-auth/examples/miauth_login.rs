//! Logs in with MiAuth from the command line, prints who logged in, and
//! makes a first API call with the new token.
//!
//! ```text
//! MISSKEY_ORIGIN=https://misskey.example cargo run -p misskey-auth --example miauth_login
//! ```
//!
//! Open the printed URL in a browser on this machine and approve; the browser
//! comes back to a listener on 127.0.0.1. Set `MISSKEY_TOKEN_FILE` to save
//! the token (the token itself is never printed).

use std::time::Duration;

use misskey_auth::{MiAuth, Permission, TokenFile};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let origin = std::env::var("MISSKEY_ORIGIN")
        .map_err(|_| "set MISSKEY_ORIGIN to your server, such as https://misskey.example")?;

    let login = MiAuth::new(&origin)?
        .name("misskey-auth example")
        .permissions([Permission::ReadAccount])
        .with_loopback_callback()
        .await?;
    println!(
        "Open this URL in a browser on this machine:\n\n    {}\n",
        login.url()
    );

    let grant = login.finish(Duration::from_secs(300)).await?;
    println!("Logged in as {}", grant.user.display_name());

    // From the login to the API: the grant builds a client for the same
    // server with the token, which is never taken out on the way.
    let client = grant.client()?;
    let me: serde_json::Value = client.call("i", ()).await?;
    println!("Notes so far: {}", me["notesCount"]);

    if let Ok(path) = std::env::var("MISSKEY_TOKEN_FILE") {
        grant.token.save_to_file(&path)?;
        println!("Saved the token to {path}");
    }
    Ok(())
}
