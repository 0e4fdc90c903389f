//! The browser login screen, three layers at once: open the browser (unless suppressed), always
//! print the URL, and race the loopback callback against a pasted redirect URL on stdin.

use std::future::Future;

use jiff::Timestamp;
use netclaw_oauth::{
    CallbackListener, DEFAULT_CALLBACK_TIMEOUT, OAuthClient, OAuthError, PendingAuthorization,
    TokenSet, parse_redirect,
};

use super::login_error;
use crate::browser::{NoBrowser, browser_blocked, is_ssh};
use crate::clipboard::osc52;
use crate::context::Context;
use crate::error::CliError;
use crate::spinner::Spinner;

/// What the user typed while waiting.
pub(crate) enum Typed {
    /// `c`: copy the URL.
    Copy,
    /// Empty line: open the browser.
    Open,
    /// Anything else: a pasted redirect URL.
    Pasted(String),
}

fn classify(line: &str) -> Typed {
    match line.trim() {
        "c" | "C" => Typed::Copy,
        "" => Typed::Open,
        other => Typed::Pasted(other.to_owned()),
    }
}

/// Shows the login screen for `url` (whose callback listens on `callback_port`) and opens the
/// browser when that makes sense.
pub(crate) fn show_screen(
    cx: &Context<'_>,
    display: &str,
    url: &str,
    callback_port: Option<u16>,
    no_browser: bool,
) {
    let p = cx.printer;
    p.message(format!("Log in to {display} in your browser"));
    p.message("");
    match browser_blocked(&cx.env, no_browser) {
        None => match cx.browser.open(url) {
            Ok(()) => p.message("Opened your browser. If nothing happened, open this URL:"),
            Err(e) => p.message(format!(
                "Could not open a browser ({e}). Open this URL to log in:"
            )),
        },
        Some(reason) => p.message(format!(
            "Not opening a browser ({}). Open this URL to log in:",
            reason.reason()
        )),
    }
    p.message(format!("  {}", p.cyan(url)));
    p.message("");
    if is_ssh(&cx.env) || browser_blocked(&cx.env, no_browser) == Some(NoBrowser::Ssh) {
        let port = callback_port.unwrap_or(1455);
        p.message(format!(
            "Logging in over SSH? Forward the callback port from your computer first:\n  {}",
            p.cyan(format!("ssh -L {port}:localhost:{port} <this host>"))
        ));
        p.message("");
    }
    if cx.input.is_tty() {
        p.message(p.dim(keys_line(browser_blocked(&cx.env, no_browser))));
    }
    p.message("Can't reach the callback? Paste the redirect URL from the browser's address bar here and press Enter:");
}

/// What the keys do while the login waits. Enter opens the browser only where one may open:
/// over SSH it would open on the wrong machine, so the screen does not offer it.
fn keys_line(blocked: Option<NoBrowser>) -> &'static str {
    match blocked {
        None => "Type `c` + Enter to copy the URL, Enter to open it, or paste the redirect URL.",
        Some(_) => "Type `c` + Enter to copy the URL, or paste the redirect URL.",
    }
}

/// Reacts to a `c` or an empty line; returns the pasted text otherwise.
pub(crate) fn handle_typed(
    cx: &Context<'_>,
    line: &str,
    url: &str,
    no_browser: bool,
) -> Option<String> {
    match classify(line) {
        Typed::Copy => {
            cx.printer.stderr_raw(&osc52(url));
            cx.printer.message("Copied the URL to the clipboard.");
            None
        }
        Typed::Open => {
            match browser_blocked(&cx.env, no_browser) {
                Some(reason) => cx.printer.message(format!(
                    "Not opening a browser ({}); open the URL above where you have one.",
                    reason.reason()
                )),
                None => {
                    if let Err(e) = cx.browser.open(url) {
                        cx.printer.warning(format!("could not open a browser: {e}"));
                    }
                }
            }
            None
        }
        Typed::Pasted(text) => Some(text),
    }
}

/// Runs a browser login in this process and returns the tokens.
pub(crate) async fn login(
    cx: &Context<'_>,
    client: &OAuthClient,
    name: &str,
    display: &str,
    no_browser: bool,
) -> Result<TokenSet, CliError> {
    let config = client.config();
    let listener = CallbackListener::bind(&config.callback_ports(), config.redirect_uri.path())
        .await
        .map_err(|e| login_error(e, name))?;
    let preferred = config.redirect_uri.port_or_known_default();
    if preferred.is_some_and(|p| p != 0 && p != listener.port()) {
        cx.printer.message(format!(
            "Port {} is busy; listening for the login callback on {} instead.",
            preferred.unwrap_or_default(),
            listener.port()
        ));
    }
    let redirect_uri = listener.redirect_uri(&config.redirect_uri);
    let pending = client
        .start_authorization(&redirect_uri)
        .map_err(|e| login_error(e, name))?;
    let url = pending.authorization_url.to_string();
    show_screen(cx, display, &url, Some(listener.port()), no_browser);
    let exchange = |code| {
        let pending = pending.clone();
        async move {
            client
                .exchange_code(&pending, &code, Timestamp::now())
                .await
        }
    };
    let callback = listener.serve(&pending.state, DEFAULT_CALLBACK_TIMEOUT, exchange);
    let tokens = race_paste(cx, callback, &url, no_browser, |text| {
        paste(client, &pending, text)
    })
    .await;
    tokens.map_err(|e| login_error(e, name))
}

async fn paste(
    client: &OAuthClient,
    pending: &PendingAuthorization,
    text: String,
) -> Result<TokenSet, OAuthError> {
    let params = parse_redirect(&text)?;
    params.check_state(&pending.state)?;
    client
        .exchange_code(pending, &params.code, Timestamp::now())
        .await
}

/// Waits for `callback`, while lines on stdin may copy or open the URL, or carry a pasted
/// redirect that `on_paste` completes. A paste that does not work is reported and the wait
/// goes on; whichever completes first wins.
pub(crate) async fn race_paste<T, Fut>(
    cx: &Context<'_>,
    callback: impl Future<Output = Result<T, OAuthError>>,
    url: &str,
    no_browser: bool,
    on_paste: impl Fn(String) -> Fut,
) -> Result<T, OAuthError>
where
    Fut: Future<Output = Result<T, OAuthError>>,
{
    tokio::pin!(callback);
    let spinner = Spinner::start(cx.printer, "Waiting for the browser…");
    let mut stdin_open = true;
    loop {
        tokio::select! {
            result = &mut callback => return result,
            line = cx.input.next_line(), if stdin_open => {
                let Some(Ok(line)) = line else {
                    stdin_open = false;
                    continue;
                };
                let Some(text) = spinner.suspend(|| handle_typed(cx, &line, url, no_browser)) else {
                    continue;
                };
                match on_paste(text).await {
                    Ok(done) => return Ok(done),
                    Err(e) => spinner.suspend(|| {
                        cx.printer.warning(format!("{e}"));
                        cx.printer.message("Paste the redirect URL again, or finish in the browser:");
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{NoBrowser, keys_line};

    #[test]
    fn the_keys_line_offers_to_open_a_browser_only_where_one_may_open() {
        assert!(keys_line(None).contains("Enter to open it"));
        for blocked in [NoBrowser::Ssh, NoBrowser::Flag, NoBrowser::NoDisplay] {
            assert!(!keys_line(Some(blocked)).contains("open it"), "{blocked:?}");
        }
    }
}
