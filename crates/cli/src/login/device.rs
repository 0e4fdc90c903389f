//! The device-code login screen: URL and code (copied with OSC 52 on a terminal), a spinner
//! with the time left, clear messages for denied, expired and not enabled.

use jiff::Timestamp;
use netclaw_oauth::{DeviceProgress, OAuthClient, SystemClock, TokenSet};

use super::login_error;
use crate::clipboard::osc52;
use crate::context::Context;
use crate::error::CliError;
use crate::spinner::Spinner;

fn time_left(expires_at: Timestamp) -> String {
    let secs = expires_at.duration_since(Timestamp::now()).as_secs().max(0);
    format!("{}:{:02} left", secs / 60, secs % 60)
}

/// Runs a device login against `client` for provider `name` and returns its tokens.
pub(crate) async fn login(
    cx: &Context<'_>,
    client: &OAuthClient,
    name: &str,
    display: &str,
) -> Result<TokenSet, CliError> {
    let p = cx.printer;
    let authorization = {
        let _spinner = Spinner::start(p, "Asking for a device code…");
        client
            .start_device_authorization()
            .await
            .map_err(|e| login_error(e, name))?
    };
    p.message(format!("Log in to {display} with a device code"));
    p.message("");
    p.message(format!(
        "  1. Open   {}",
        p.cyan(&authorization.verification_uri)
    ));
    p.message(format!("  2. Enter  {}", p.bold(&authorization.user_code)));
    if p.stderr_is_tty() && !p.is_quiet() {
        p.stderr_raw(&osc52(&authorization.user_code));
        p.message(p.dim("     (the code is on your clipboard)"));
    }
    p.message("");
    let expires_at = Timestamp::now()
        .checked_add(jiff::SignedDuration::try_from(authorization.expires_in).unwrap_or_default())
        .unwrap_or_else(|_| Timestamp::now());
    let spinner = Spinner::start(
        p,
        format!("Waiting for approval… {}", time_left(expires_at)),
    );
    let mut progress = |event: DeviceProgress| match event {
        DeviceProgress::WaitingForUser { expires_at }
        | DeviceProgress::Waiting { expires_at, .. } => {
            spinner.set_message(format!("Waiting for approval… {}", time_left(expires_at)));
        }
        DeviceProgress::Exchanging => spinner.set_message("Approved; fetching tokens…"),
        _ => {}
    };
    let tokens = client
        .poll_device_authorization(&authorization, &SystemClock, &mut progress)
        .await;
    drop(spinner);
    let tokens = tokens.map_err(|e| login_error(e, name))?;
    p.success("Logged in");
    Ok(tokens)
}
