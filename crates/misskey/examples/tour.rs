//! The README's snippets as one program, so they keep compiling.
//!
//! ```text
//! MISSKEY_ORIGIN=https://misskey.example MISSKEY_TOKEN=... cargo run -p misskey --example tour
//! ```

use std::time::Duration;

use futures_util::TryStreamExt;
use misskey::endpoints::{drive, i, notes};
use misskey::{Client, Nullable, Permission, Upload};

const ONE_MINUTE: Duration = Duration::from_secs(60);

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let origin = std::env::var("MISSKEY_ORIGIN")
        .map_err(|_| "set MISSKEY_ORIGIN, such as https://misskey.example")?;
    let token = match std::env::var("MISSKEY_TOKEN") {
        Ok(token) => token,
        Err(_) => login(&origin).await?,
    };
    let client = Client::builder(&origin).token(token).build()?;

    let res = client
        .request(&notes::create::Request {
            text: "hello".into(),
            ..Default::default()
        })
        .await?;
    println!("posted {}", res.created_note.id);
    let id = res.created_note.id;

    // Absent keeps a field, Nullable::Null clears it, a value sets it.
    client
        .request(&i::update::Request {
            description: Nullable::Null,
            ..Default::default()
        })
        .await?;

    match client
        .request(&notes::show::Request {
            note_id: id.clone(),
        })
        .await
    {
        Ok(note) => println!("{:?}", note.text),
        Err(e) if e.code() == Some("NO_SUCH_NOTE") => println!("deleted"),
        Err(e) if e.is_rate_limited() => {
            tokio::time::sleep(e.retry_after().unwrap_or(ONE_MINUTE)).await
        }
        Err(e) => return Err(e.into()),
    }

    let mut timeline = client
        .paginate(&notes::timeline::Request {
            limit: Some(100),
            ..Default::default()
        })
        .max_items(1000);
    let mut seen = 0;
    while let Some(note) = timeline.try_next().await? {
        seen += 1;
        let _ = note.id;
    }
    println!("walked {seen} notes");

    if let Ok(path) = std::env::var("MISSKEY_UPLOAD") {
        let file = client
            .upload(
                &drive::files::create::Request::default(),
                Upload::from_path(path).await?,
            )
            .await?;
        println!("uploaded {}", file.id);
    }

    use misskey::Endpoint;
    assert_eq!(notes::create::Request::PATH, "notes/create");
    assert_eq!(
        notes::create::Request::PERMISSION,
        Some(Permission::WriteNotes)
    );
    const { assert!(notes::create::Request::REQUIRES_CREDENTIAL) };
    Ok(())
}

async fn login(origin: &str) -> Result<String, Box<dyn std::error::Error>> {
    use misskey_auth::MiAuth;
    let login = MiAuth::new(origin)?
        .name("my-bot")
        .permissions([
            Permission::ReadAccount,
            Permission::WriteNotes,
            Permission::WriteAccount,
            Permission::WriteDrive,
        ])
        .with_loopback_callback()
        .await?;
    println!("Open {}", login.url());
    let grant = login.finish(Duration::from_secs(300)).await?;
    println!("Logged in as {}", grant.user.display_name());
    Ok(grant.token.expose_secret().to_owned())
}
