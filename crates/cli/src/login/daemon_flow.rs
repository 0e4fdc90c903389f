//! The browser login through a running daemon's flow API: the daemon listens for the callback
//! and stores the tokens; this screen is the same as in-process (URL, browser, pasted redirect).

use std::time::Duration;

use jiff::Timestamp;
use netclaw_daemon::DaemonClient;
use netclaw_daemon::api::OAuthFlowStatus;
use netclaw_oauth::{DEFAULT_CALLBACK_TIMEOUT, OAuthError};

use super::browser::{race_paste, show_screen};
use crate::context::Context;
use crate::error::CliError;

/// How often the flow's status is asked for.
const STATUS_EVERY: Duration = Duration::from_millis(250);

fn failed(message: impl Into<String>) -> OAuthError {
    OAuthError::InvalidResponse {
        message: message.into(),
    }
}

async fn wait_done(client: &DaemonClient, state: &str) -> Result<Option<Timestamp>, OAuthError> {
    let mut ticks = tokio::time::interval(STATUS_EVERY);
    loop {
        ticks.tick().await;
        let status = client
            .oauth_status(state)
            .await
            .map_err(|e| failed(format!("the daemon did not answer: {e}")))?;
        match status.status {
            OAuthFlowStatus::Pending => {}
            OAuthFlowStatus::Completed => return Ok(status.expires_at),
            OAuthFlowStatus::Failed => {
                return Err(failed(
                    status.error.unwrap_or_else(|| "the login failed".into()),
                ));
            }
        }
    }
}

/// Runs a browser login of `provider` (a configured name or a type) stored as `name`, through
/// the daemon; returns when the daemon has stored the tokens.
pub(crate) async fn login(
    cx: &Context<'_>,
    client: &DaemonClient,
    provider: &str,
    name: &str,
    account: Option<&str>,
    display: &str,
    no_browser: bool,
) -> Result<Option<Timestamp>, CliError> {
    let started = client
        .oauth_start(provider, Some(name), account)
        .await
        .map_err(|e| CliError::from(e).context("the daemon could not start the login"))?;
    let url = started.authorization_url.clone();
    let port = url::Url::parse(&url)
        .ok()
        .and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == "redirect_uri")
                .and_then(|(_, v)| url::Url::parse(&v).ok())
        })
        .and_then(|r| r.port_or_known_default());
    cx.printer
        .detail(format!("through the daemon at {}", client.base_url()));
    show_screen(cx, display, &url, port, no_browser);
    let state = started.state.clone();
    let callback = async {
        match tokio::time::timeout(DEFAULT_CALLBACK_TIMEOUT, wait_done(client, &state)).await {
            Ok(result) => result,
            Err(_) => Err(OAuthError::Timeout {
                after: DEFAULT_CALLBACK_TIMEOUT,
            }),
        }
    };
    let on_paste = |text: String| {
        let state = state.clone();
        async move {
            let answer = client
                .oauth_redirect(&text)
                .await
                .map_err(|e| failed(e.to_string()))?;
            match answer.status {
                OAuthFlowStatus::Completed => Ok(answer.expires_at),
                OAuthFlowStatus::Failed => Err(failed(answer.error.unwrap_or_default())),
                OAuthFlowStatus::Pending => wait_done(client, &state).await,
            }
        }
    };
    race_paste(cx, callback, &url, no_browser, on_paste)
        .await
        .map_err(|e| super::login_error(e, name))
}
