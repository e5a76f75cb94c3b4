//! The memory one idle connection holds: bytes allocated and still live
//! after connecting and opening N channels, counted by a global allocator.
//! The fake server runs in a child process so that only the client counts.
//!
//! `cargo bench -p misskey-streaming --bench idle_memory`

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use misskey_streaming::{channel, Stream};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The child: a WebSocket server answering `connect` with `connected`.
async fn serve() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    loop {
        let (tcp, _) = listener.accept().await.unwrap();
        tokio::spawn(async move {
            let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
            while let Some(Ok(msg)) = ws.next().await {
                if let Ok(text) = msg.to_text() {
                    let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
                    if v["type"] == "connect" {
                        let reply = serde_json::json!({"type": "connected", "body": {"id": v["body"]["id"]}});
                        let _ = ws.send(reply.to_string().into()).await;
                    }
                }
            }
        });
    }
}

async fn measure(port: u16, channels: usize) -> isize {
    let before = LIVE.load(Ordering::Relaxed);
    let stream = Stream::builder(format!("http://127.0.0.1:{port}"))
        .token("bench-token")
        .connect()
        .await
        .unwrap();
    let mut handles: Vec<Box<dyn std::any::Any>> = Vec::new();
    for n in 0..channels {
        // Ten channels of different kinds, as a client app opens them.
        match n % 5 {
            0 => handles.push(Box::new(
                stream
                    .channel(channel::HomeTimeline::default())
                    .await
                    .unwrap(),
            )),
            1 => handles.push(Box::new(
                stream
                    .channel(channel::LocalTimeline::default())
                    .await
                    .unwrap(),
            )),
            2 => handles.push(Box::new(
                stream
                    .channel(channel::GlobalTimeline::default())
                    .await
                    .unwrap(),
            )),
            3 => handles.push(Box::new(
                stream
                    .channel(channel::HybridTimeline::default())
                    .await
                    .unwrap(),
            )),
            _ => handles.push(Box::new(
                stream
                    .channel(channel::Antenna {
                        antenna_id: format!("a{n}").into(),
                    })
                    .await
                    .unwrap(),
            )),
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let live = LIVE.load(Ordering::Relaxed) - before;
    drop(handles);
    drop(stream);
    tokio::time::sleep(Duration::from_millis(200)).await;
    live
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if std::env::args().any(|a| a == "--serve") {
        rt.block_on(serve());
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` asks for the list of benchmarks
    }
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--serve")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().unwrap();
    rt.block_on(async {
        let _warm = measure(port, 1).await; // one-time allocations (TLS config, tracing callsites)
        let zero = measure(port, 0).await;
        let ten = measure(port, 10).await;
        println!("idle connection, no channel:  {zero} bytes live");
        println!(
            "idle connection, 10 channels: {ten} bytes live ({} per channel)",
            (ten - zero) / 10
        );
        println!(
            "ratio 10 channels / no channel: {:.2}",
            ten as f64 / zero as f64
        );
    });
    let _ = child.kill();
    let _ = child.wait();
}
