//! The request-line parser: good requests, garbage, and size bounds.

use super::pages::{escape_html, render, success};
use super::request::*;

fn target(path: &str, query: &str) -> RequestTarget {
    RequestTarget {
        path: path.to_owned(),
        query: query.to_owned(),
    }
}

#[test]
fn parses_a_browser_get() {
    let head = b"GET /auth/callback?code=a&state=b HTTP/1.1\r\nHost: localhost:1455\r\nUser-Agent: x\r\n\r\n";
    assert_eq!(
        parse_request_line(head),
        Ok(target("/auth/callback", "code=a&state=b"))
    );
    assert_eq!(
        parse_request_line(b"GET / HTTP/1.0\r\n\r\n"),
        Ok(target("/", ""))
    );
    assert_eq!(
        parse_request_line(b"HEAD /x?y#frag HTTP/1.1\r\n\r\n"),
        Ok(target("/x", "y"))
    );
}

#[test]
fn refuses_garbage_without_panicking() {
    let cases: &[&[u8]] = &[
        b"",
        b"\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET /a\r\n\r\n",
        b"GET /a HTTP/2\r\n\r\n",
        b"GET http://evil/ HTTP/1.1\r\n\r\n",
        b"GET  /a HTTP/1.1\r\n\r\n",
        b"GET /a HTTP/1.1 extra\r\n\r\n",
        b"\xff\xfe\xfd /a HTTP/1.1\r\n\r\n",
        b"get /a HTTP/1.1\r\n\r\n",
        b"GET /a\x00b HTTP/1.1\r\n\r\n",
    ];
    for case in cases {
        assert_eq!(
            parse_request_line(case),
            Err(BadRequest::Malformed),
            "{:?}",
            String::from_utf8_lossy(case)
        );
    }
    assert_eq!(
        parse_request_line(b"POST /a HTTP/1.1\r\n\r\n"),
        Err(BadRequest::Method)
    );
    // Every prefix and a pseudo-random byte soup: no panic.
    let full = b"GET /auth/callback?code=a&state=b HTTP/1.1\r\nHost: x\r\n\r\n";
    for end in 0..full.len() {
        let _ = parse_request_line(&full[..end]);
    }
    let mut seed = 0x2545_f491_u32;
    for _ in 0..2_000 {
        let soup: Vec<u8> = (0..64)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                seed.to_le_bytes()[0]
            })
            .collect();
        let _ = parse_request_line(&soup);
    }
}

#[tokio::test]
async fn read_head_is_bounded() {
    let mut huge: &[u8] = &[b'a'; MAX_REQUEST_HEAD * 2];
    assert_eq!(read_head(&mut huge).await, Err(BadRequest::TooLarge));
    let mut closed_early: &[u8] = b"GET / HTTP/1.1\r\n";
    assert_eq!(read_head(&mut closed_early).await, Ok(None));
    let mut ok: &[u8] = b"GET / HTTP/1.1\r\n\r\n";
    assert!(read_head(&mut ok).await.unwrap().is_some());
}

#[test]
fn response_says_connection_close_and_escapes() {
    let bytes = String::from_utf8(render(&success(), false)).unwrap();
    assert!(bytes.starts_with("HTTP/1.1 200 OK\r\n"));
    assert!(bytes.contains("\r\nConnection: close\r\n"));
    assert!(bytes.contains("Signed in to netclaw. You can close this tab."));
    assert_eq!(
        escape_html("<a href='x'>&\""),
        "&lt;a href=&#39;x&#39;&gt;&amp;&quot;"
    );
}
