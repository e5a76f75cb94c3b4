//! A one-shot HTTP listener on 127.0.0.1 that receives the browser's
//! redirect at the end of a login.
//!
//! It only ever binds the IPv4 loopback address, accepts only `GET` requests
//! whose `Host` is `127.0.0.1:PORT` or `localhost:PORT` (which blocks DNS
//! rebinding from web pages), and answers every request with a small static
//! HTML page.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use tokio::time::Instant;
use url::Url;

use crate::validate::LOOPBACK;
use crate::AuthError;

/// The path the callback URL uses.
pub(crate) const CALLBACK_PATH: &str = "/callback";

/// What to do when the callback is called for a different login (a `session`
/// or `state` that does not match).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum WrongCallback {
    /// Answer the browser with an error page and keep waiting for the right
    /// redirect until the timeout (the default). A stale tab from an earlier
    /// login, or another program poking the port, then cannot end the login;
    /// if the right redirect never comes, the login fails with
    /// [`AuthError::CallbackMismatch`] instead of a plain timeout.
    #[default]
    KeepWaiting,
    /// Answer the browser with an error page and fail at once with
    /// [`AuthError::CallbackMismatch`].
    Fail,
}

/// How the listener judged one request to the callback path.
pub(crate) enum Verdict<T> {
    /// The expected redirect: answer with the success page and return `T`.
    Done(T),
    /// A redirect for another login.
    Mismatch,
    /// A redirect for this login that reports a failure: answer with an
    /// error page and return the error.
    Fail(AuthError),
    /// A redirect for this login, but the server does not confirm that the
    /// login was approved: answer honestly, then fail with the error or keep
    /// waiting, as the caller's policy says.
    Unconfirmed(AuthError),
}

/// A page to answer the browser with.
pub(crate) struct Page {
    status: u16,
    title: &'static str,
    message: String,
}

impl Page {
    fn success() -> Self {
        Page {
            status: 200,
            title: "You can close this tab",
            message: "The login was handed back to the application. You can close this tab and return to it.".into(),
        }
    }

    fn mismatch(param: &str) -> Self {
        Page {
            status: 400,
            title: "This link is for a different login",
            message: format!(
                "The `{param}` in this address does not belong to the login the application is waiting for. \
                 It may come from an older tab. Go back to the application and use the newest login link."
            ),
        }
    }

    fn failure(error: &AuthError) -> Self {
        Page {
            status: 400,
            title: "The login did not succeed",
            message: format!("{error}. Go back to the application to try again."),
        }
    }

    fn unconfirmed(keep_waiting: bool) -> Self {
        Page {
            status: 403,
            title: "The login was not approved",
            message: if keep_waiting {
                "The server has not confirmed that you approved this login, so it is not finished. \
                 If you did not mean to deny it, approve it on the Misskey page; the application is still waiting."
                    .into()
            } else {
                "The server has not confirmed that you approved this login, so it did not succeed \
                 (it was denied, or something else finished it first). Go back to the application to start a new login."
                    .into()
            },
        }
    }

    fn not_found() -> Self {
        Page {
            status: 404,
            title: "Not found",
            message: "This address is only used to finish a login.".into(),
        }
    }

    fn gone() -> Self {
        Page {
            status: 410,
            title: "No login is waiting",
            message:
                "The application is no longer waiting for this login. Go back to it to start again."
                    .into(),
        }
    }

    fn bad_request(why: &str) -> Self {
        Page {
            status: 400,
            title: "Bad request",
            message: why.to_owned(),
        }
    }

    fn render(&self, head_only: bool) -> Vec<u8> {
        let reason = match self.status {
            200 => "OK",
            400 => "Bad Request",
            403 => "Forbidden",
            404 => "Not Found",
            405 => "Method Not Allowed",
            410 => "Gone",
            _ => "Error",
        };
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title></head>\
             <body style=\"font-family:sans-serif;max-width:40em;margin:4em auto;padding:0 1em\">\
             <h1>{title}</h1><p>{message}</p></body></html>\n",
            title = escape_html(self.title),
            message = escape_html(&self.message),
        );
        let mut out = format!(
            "HTTP/1.1 {} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nX-Content-Type-Options: nosniff\r\n\
             Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\nConnection: close\r\n\r\n",
            self.status,
            body.len()
        )
        .into_bytes();
        if !head_only {
            out.extend_from_slice(body.as_bytes());
        }
        out
    }
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One parsed request to the listener.
struct Incoming {
    path: String,
    query: Vec<(String, String)>,
    reply: oneshot::Sender<(Page, oneshot::Sender<()>)>,
}

/// The listening socket and the callback URL it serves.
#[derive(Debug)]
pub(crate) struct Listener {
    listener: TcpListener,
    callback: Url,
    port: u16,
}

impl Listener {
    /// Binds `127.0.0.1:port` (`0` picks a free port).
    pub(crate) async fn bind(port: u16) -> Result<Self, AuthError> {
        let listener = TcpListener::bind(SocketAddr::from((LOOPBACK, port)))
            .await
            .map_err(|source| AuthError::Loopback {
                action: if port == 0 {
                    "bind a free port".into()
                } else {
                    format!("bind port {port} (is another program or login using it?)")
                },
                source,
            })?;
        let addr = listener
            .local_addr()
            .map_err(|source| AuthError::Loopback {
                action: "read the bound address".into(),
                source,
            })?;
        debug_assert!(addr.ip().is_loopback());
        let port = addr.port();
        let callback = Url::parse(&format!("http://{LOOPBACK}:{port}{CALLBACK_PATH}"))
            .expect("a loopback URL always parses");
        Ok(Listener {
            listener,
            callback,
            port,
        })
    }

    /// `http://127.0.0.1:PORT/callback`.
    pub(crate) fn callback_url(&self) -> &Url {
        &self.callback
    }

    /// Serves requests until `judge` accepts one, fails, or `deadline` passes.
    ///
    /// `param` names the query parameter that ties a redirect to this login
    /// (`session` or `state`), for the messages. `timeout_error` makes the
    /// error for a deadline with no matching request. The browser waits for
    /// its page while `judge` runs, so the page can say what really happened.
    /// `on_unconfirmed` says what a [`Verdict::Unconfirmed`] does: fail at
    /// once, or keep waiting (and report it if the deadline passes).
    pub(crate) async fn serve<T, F>(
        &self,
        deadline: Instant,
        on_wrong: WrongCallback,
        on_unconfirmed: WrongCallback,
        param: &'static str,
        timeout_error: impl FnOnce() -> AuthError,
        mut judge: impl FnMut(&[(String, String)]) -> F,
    ) -> Result<T, AuthError>
    where
        F: Future<Output = Verdict<T>>,
    {
        let (tx, mut rx) = mpsc::channel::<Incoming>(8);
        let mut connections = JoinSet::new();
        let mut mismatches = 0u32;
        let mut unconfirmed = None;
        let result = loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        if !peer.ip().is_loopback() {
                            continue; // cannot happen on a loopback socket; be sure anyway
                        }
                        connections.spawn(handle_connection(stream, self.port, tx.clone()));
                    }
                    Err(e) if is_transient_accept_error(&e) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err(source) => break Err(AuthError::Loopback { action: "accept a connection".into(), source }),
                },
                Some(incoming) = rx.recv() => {
                    if incoming.path != CALLBACK_PATH {
                        reply(incoming.reply, Page::not_found()).await;
                        continue;
                    }
                    match judge(&incoming.query).await {
                        Verdict::Done(value) => {
                            reply(incoming.reply, Page::success()).await;
                            break Ok(value);
                        }
                        Verdict::Mismatch => {
                            mismatches += 1;
                            reply(incoming.reply, Page::mismatch(param)).await;
                            if on_wrong == WrongCallback::Fail {
                                break Err(AuthError::CallbackMismatch { param, count: mismatches, timed_out: false });
                            }
                        }
                        Verdict::Fail(error) => {
                            reply(incoming.reply, Page::failure(&error)).await;
                            break Err(error);
                        }
                        Verdict::Unconfirmed(error) => {
                            let keep_waiting = on_unconfirmed == WrongCallback::KeepWaiting;
                            reply(incoming.reply, Page::unconfirmed(keep_waiting)).await;
                            if !keep_waiting {
                                break Err(error);
                            }
                            unconfirmed = Some(error);
                        }
                    }
                }
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
                _ = tokio::time::sleep_until(deadline) => {
                    break Err(if let Some(error) = unconfirmed.take() {
                        error
                    } else if mismatches > 0 {
                        AuthError::CallbackMismatch { param, count: mismatches, timed_out: true }
                    } else {
                        timeout_error()
                    });
                }
            }
        };
        // Let the other open connections (a favicon request, a preconnect)
        // finish on their own; they time out by themselves.
        connections.detach_all();
        result
    }
}

fn is_transient_accept_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    ) || e.raw_os_error() == Some(24) // EMFILE: wait for descriptors to free up
}

/// Sends `page` to the connection task and waits (briefly) until it is written.
async fn reply(to: oneshot::Sender<(Page, oneshot::Sender<()>)>, page: Page) {
    let (written_tx, written_rx) = oneshot::channel();
    if to.send((page, written_tx)).is_ok() {
        let _ = tokio::time::timeout(Duration::from_secs(5), written_rx).await;
    }
}

const MAX_HEAD: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(10);

async fn handle_connection(mut stream: TcpStream, port: u16, tx: mpsc::Sender<Incoming>) {
    let page = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
        Ok(Some(head)) => route(&head, port, &tx).await,
        // Silent preconnects, timeouts and garbage: just close.
        _ => return,
    };
    let (page, head_only, written) = page;
    let _ = tokio::time::timeout(READ_TIMEOUT, async {
        stream.write_all(&page.render(head_only)).await?;
        stream.shutdown().await
    })
    .await;
    if let Some(written) = written {
        let _ = written.send(());
    }
}

async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = find(&buf, b"\r\n\r\n") {
            buf.truncate(end);
            return String::from_utf8(buf).ok();
        }
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

type Routed = (Page, bool, Option<oneshot::Sender<()>>);

async fn route(head: &str, port: u16, tx: &mpsc::Sender<Incoming>) -> Routed {
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head_only = method == "HEAD";
    if method != "GET" && method != "HEAD" {
        let mut page = Page::bad_request("Only GET is supported here.");
        page.status = 405;
        return (page, false, None);
    }
    let host = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("host"))
        .map(|(_, value)| value.trim().to_ascii_lowercase());
    let allowed = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    if !host.is_some_and(|h| allowed.contains(&h)) {
        return (
            Page::bad_request("This address only answers requests for 127.0.0.1."),
            head_only,
            None,
        );
    }
    if !target.starts_with('/') {
        return (Page::bad_request("Malformed request."), head_only, None);
    }
    let Ok(url) = Url::parse(&format!("http://127.0.0.1:{port}{target}")) else {
        return (Page::bad_request("Malformed request."), head_only, None);
    };
    if head_only {
        return (Page::not_found(), true, None);
    }
    let (reply_tx, reply_rx) = oneshot::channel();
    let incoming = Incoming {
        path: url.path().to_owned(),
        query: url.query_pairs().into_owned().collect(),
        reply: reply_tx,
    };
    if tx.send(incoming).await.is_err() {
        return (Page::gone(), false, None);
    }
    match reply_rx.await {
        Ok((page, written)) => (page, false, Some(written)),
        Err(_) => (Page::gone(), false, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(
            escape_html("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
