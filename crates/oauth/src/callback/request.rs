//! A tiny, bounded HTTP/1.1 request-head reader: just enough to get the request line. Never panics.

use std::time::Duration;

use tokio::io::AsyncReadExt as _;

/// Largest request head accepted; browsers send far less to a loopback callback.
pub(crate) const MAX_REQUEST_HEAD: usize = 8 * 1024;
/// A connection that sends nothing for this long is dropped (browsers pre-connect idle sockets).
pub(crate) const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The request line of a GET.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestTarget {
    pub(crate) path: String,
    pub(crate) query: String,
}

/// Why a request was refused before routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadRequest {
    /// Not HTTP, or not an origin-form target.
    Malformed,
    /// Not GET (or HEAD).
    Method,
    /// Head larger than [`MAX_REQUEST_HEAD`].
    TooLarge,
}

impl BadRequest {
    pub(crate) fn status(self) -> (u16, &'static str) {
        match self {
            Self::Malformed => (400, "Bad Request"),
            Self::Method => (405, "Method Not Allowed"),
            Self::TooLarge => (431, "Request Header Fields Too Large"),
        }
    }
}

/// Reads until the end of the head (`\r\n\r\n`), at most [`MAX_REQUEST_HEAD`] bytes.
/// `Ok(None)` when the peer closed or stalled before sending a full head.
pub(crate) async fn read_head<R: tokio::io::AsyncRead + Unpin>(
    stream: &mut R,
) -> Result<Option<Vec<u8>>, BadRequest> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0_u8; 1024];
    loop {
        let read = tokio::time::timeout(READ_TIMEOUT, stream.read(&mut chunk)).await;
        let n = match read {
            Ok(Ok(n)) => n,
            Ok(Err(_)) | Err(_) => return Ok(None),
        };
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
        if find_end(&buf).is_some() {
            return Ok(Some(buf));
        }
        if buf.len() > MAX_REQUEST_HEAD {
            return Err(BadRequest::TooLarge);
        }
    }
}

fn find_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

/// Parses the request line of a head: `GET /path?query HTTP/1.x`.
pub(crate) fn parse_request_line(head: &[u8]) -> Result<RequestTarget, BadRequest> {
    if head.len() > MAX_REQUEST_HEAD + 1024 {
        return Err(BadRequest::TooLarge);
    }
    let line_end = head
        .windows(2)
        .position(|w| w == b"\r\n")
        .ok_or(BadRequest::Malformed)?;
    let line = std::str::from_utf8(&head[..line_end]).map_err(|_| BadRequest::Malformed)?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(BadRequest::Malformed);
    };
    if !matches!(version, "HTTP/1.1" | "HTTP/1.0") || !target.starts_with('/') {
        return Err(BadRequest::Malformed);
    }
    if target.bytes().any(|b| b.is_ascii_control() || b == b' ') {
        return Err(BadRequest::Malformed);
    }
    if !matches!(method, "GET" | "HEAD") {
        return Err(
            if method.bytes().all(|b| b.is_ascii_uppercase()) && !method.is_empty() {
                BadRequest::Method
            } else {
                BadRequest::Malformed
            },
        );
    }
    let target = target.split('#').next().unwrap_or_default();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    Ok(RequestTarget {
        path: path.to_owned(),
        query: query.to_owned(),
    })
}
