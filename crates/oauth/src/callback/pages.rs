//! The HTML pages the callback listener answers with, and the raw response bytes.

/// One HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    pub(crate) status: u16,
    pub(crate) reason: &'static str,
    pub(crate) body: String,
}

/// The text shown when the login succeeded.
pub const SUCCESS_TEXT: &str = "Signed in to netclaw. You can close this tab.";

fn html(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>netclaw</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><h2>{}</h2><p>{}</p></body></html>",
        escape_html(title),
        escape_html(message)
    )
}

pub(crate) fn success() -> Page {
    Page {
        status: 200,
        reason: "OK",
        body: html("Signed in", SUCCESS_TEXT),
    }
}

pub(crate) fn state_mismatch() -> Page {
    Page {
        status: 400,
        reason: "Bad Request",
        body: html(
            "State mismatch",
            "This sign-in link does not belong to the login netclaw is waiting for. Start the login again from netclaw.",
        ),
    }
}

pub(crate) fn missing_code() -> Page {
    Page {
        status: 400,
        reason: "Bad Request",
        body: html(
            "Sign-in failed",
            "The redirect is missing the authorization code.",
        ),
    }
}

pub(crate) fn denied(error: &str, description: Option<&str>) -> Page {
    let message = match description {
        Some(d) => format!("The authorization was denied ({error}): {d}"),
        None => format!("The authorization was denied ({error})."),
    };
    Page {
        status: 400,
        reason: "Bad Request",
        body: html("Sign-in denied", &message),
    }
}

pub(crate) fn failed(message: &str) -> Page {
    Page {
        status: 500,
        reason: "Internal Server Error",
        body: html("Sign-in failed", message),
    }
}

pub(crate) fn not_found() -> Page {
    Page {
        status: 404,
        reason: "Not Found",
        body: html("Not found", "Nothing here."),
    }
}

pub(crate) fn bad_request(status: u16, reason: &'static str) -> Page {
    Page {
        status,
        reason,
        body: html(reason, "netclaw could not read this request."),
    }
}

/// The bytes on the wire: `Connection: close`, no caching, no sniffing.
pub(crate) fn render(page: &Page, head_only: bool) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Connection: close\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n\
         Referrer-Policy: no-referrer\r\n\r\n",
        page.status,
        page.reason,
        page.body.len()
    )
    .into_bytes();
    if !head_only {
        out.extend_from_slice(page.body.as_bytes());
    }
    out
}

pub(crate) fn escape_html(s: &str) -> String {
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
