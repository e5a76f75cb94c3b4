//! The file part of a multipart upload.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_core::Stream;
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::multipart::Part;

use crate::Error;

/// The file name used when none is given and none can be derived.
pub const DEFAULT_FILE_NAME: &str = "file";

/// A file to upload with [`Client::upload`](crate::Client::upload), such as to
/// `drive/files/create`.
///
/// Build it from bytes, a file path or a byte stream, then optionally set the
/// file name and MIME type:
///
/// ```
/// use misskey_client::Upload;
/// let upload = Upload::from_bytes(b"GIF89a...".to_vec())
///     .file_name("cat.gif")
///     .mime_type("image/gif");
/// assert_eq!(upload.get_file_name(), "cat.gif");
/// ```
///
/// Without an explicit file name, a path's file name is used, else
/// [`DEFAULT_FILE_NAME`]. Without an explicit MIME type, one is guessed from
/// the file name's extension, else `application/octet-stream`.
///
/// An upload from bytes or from a path can be sent again when the client
/// retries after a rate limit (a path is reopened); one from a stream cannot.
pub struct Upload {
    source: Source,
    file_name: Option<String>,
    mime_type: Option<String>,
}

enum Source {
    Bytes(Bytes),
    Path {
        path: PathBuf,
        len: u64,
    },
    Stream {
        stream: Option<BoxStream<'static, io::Result<Bytes>>>,
        len: Option<u64>,
    },
}

impl fmt::Debug for Upload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Upload");
        match &self.source {
            Source::Bytes(b) => d.field("bytes", &b.len()),
            Source::Path { path, len } => d.field("path", path).field("len", len),
            Source::Stream { len, .. } => d.field("stream_len", len),
        };
        d.field("file_name", &self.get_file_name())
            .field("mime_type", &self.get_mime_type())
            .finish()
    }
}

impl Upload {
    /// An upload of bytes held in memory.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Upload {
            source: Source::Bytes(bytes.into()),
            file_name: None,
            mime_type: None,
        }
    }

    /// An upload of the file at `path`, streamed from disk when sent.
    ///
    /// The file is opened now to check that it can be read and to learn its
    /// size; the file name defaults to the path's last component.
    ///
    /// # Errors
    ///
    /// [`Error::Upload`] when the file cannot be opened or is not a file.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let io_error = |source: io::Error| Error::Upload {
            endpoint: None,
            path: Some(path.clone()),
            source,
        };
        let file = tokio::fs::File::open(&path).await.map_err(io_error)?;
        let metadata = file.metadata().await.map_err(io_error)?;
        if !metadata.is_file() {
            return Err(io_error(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            )));
        }
        Ok(Upload {
            source: Source::Path {
                path,
                len: metadata.len(),
            },
            file_name: None,
            mime_type: None,
        })
    }

    /// An upload of the bytes a stream yields, such as a download in progress.
    ///
    /// Set the total length with [`Upload::length`] when it is known; a
    /// stream upload cannot be repeated on a rate-limit retry.
    pub fn from_stream<S, B, E>(stream: S) -> Self
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes> + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
    {
        let stream = stream.map_ok(Into::into).map_err(|e| {
            let e: Box<dyn std::error::Error + Send + Sync> = e.into();
            match e.downcast::<io::Error>() {
                Ok(io) => *io,
                Err(other) => io::Error::other(other),
            }
        });
        Upload {
            source: Source::Stream {
                stream: Some(stream.boxed()),
                len: None,
            },
            file_name: None,
            mime_type: None,
        }
    }

    /// Sets the file name sent with the file (Misskey uses it as the drive
    /// file's name unless the request sets `name`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sets the MIME type, such as `image/png`.
    pub fn mime_type(mut self, mime: impl Into<String>) -> Self {
        self.mime_type = Some(mime.into());
        self
    }

    /// Sets the total length of a stream upload, when known (ignored for bytes
    /// and paths, whose length is known).
    pub fn length(mut self, len: u64) -> Self {
        if let Source::Stream { len: l, .. } = &mut self.source {
            *l = Some(len);
        }
        self
    }

    /// The file name that will be sent.
    pub fn get_file_name(&self) -> &str {
        if let Some(name) = &self.file_name {
            return name;
        }
        if let Source::Path { path, .. } = &self.source {
            if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                return name;
            }
        }
        DEFAULT_FILE_NAME
    }

    /// The MIME type that will be sent: the one set, or one guessed from the
    /// file name's extension, or `application/octet-stream`.
    pub fn get_mime_type(&self) -> String {
        match &self.mime_type {
            Some(mime) => mime.clone(),
            None => mime_guess::from_path(self.get_file_name())
                .first_or_octet_stream()
                .essence_str()
                .to_owned(),
        }
    }

    /// The path being uploaded, when the upload came from one.
    pub fn path(&self) -> Option<&Path> {
        match &self.source {
            Source::Path { path, .. } => Some(path),
            _ => None,
        }
    }

    /// Whether the upload can be sent (again): false once a stream was used.
    pub(crate) fn is_repeatable(&self) -> bool {
        !matches!(self.source, Source::Stream { .. })
    }

    /// Builds the `file` part. Read errors while sending are stored in
    /// `read_error` so that they can be reported as [`Error::Upload`].
    pub(crate) fn make_part(
        &mut self,
        endpoint: &'static str,
        read_error: &Arc<Mutex<Option<io::Error>>>,
    ) -> Result<Part, Error> {
        let file_name = self.get_file_name().to_owned();
        let mime = self.get_mime_type();
        let path = self.path().map(Path::to_path_buf);
        let upload_error = |source: io::Error| Error::Upload {
            endpoint: Some(endpoint.into()),
            path: path.clone(),
            source,
        };
        let record = {
            let slot = Arc::clone(read_error);
            move |e: io::Error| {
                let forwarded = io::Error::new(e.kind(), e.to_string());
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                forwarded
            }
        };
        let part = match &mut self.source {
            Source::Bytes(bytes) => Part::stream_with_length(bytes.clone(), bytes.len() as u64),
            Source::Path { path, len } => {
                let opened = tokio::fs::File::open(path.clone());
                let body = stream::once(opened)
                    .map_ok(tokio_util::io::ReaderStream::new)
                    .try_flatten()
                    .map_err(record);
                Part::stream_with_length(reqwest::Body::wrap_stream(body), *len)
            }
            Source::Stream { stream, len } => {
                let stream = stream.take().ok_or_else(|| {
                    upload_error(io::Error::other(
                        "the upload stream was already sent once and cannot be sent again",
                    ))
                })?;
                let body = reqwest::Body::wrap_stream(stream.map_err(record));
                match len {
                    Some(len) => Part::stream_with_length(body, *len),
                    None => Part::stream(body),
                }
            }
        };
        part.file_name(file_name).mime_str(&mime).map_err(|_| {
            upload_error(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("`{mime}` is not a valid MIME type"),
            ))
        })
    }
}
