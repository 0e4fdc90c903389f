//! Background token refresh: each OAuth provider is refreshed [`REFRESH_SKEW`] (2 min) before
//! its token expires, through the credentials manager (single-flight with the request path,
//! persisted under the config lock). Failures back off exponentially; a refused refresh token
//! marks the provider `reauth_required` and logs the command to run. The first pass runs a second
//! or two after start (jittered), so a token that expired while the daemon was down is renewed
//! at once; providers are handled one at a time with a pause between refreshes, so a daemon
//! starting with many stale tokens does not fire a storm of refreshes.

use netclaw_config::ProviderName;
use netclaw_providers::backoff::{exponential, random_fraction};
use std::collections::HashMap;
use std::time::Duration;

use jiff::Timestamp;
use netclaw_oauth::Clock;
use netclaw_providers::bearer::CredentialError;
use netclaw_providers::credentials::REFRESH_SKEW;

use crate::state::AppState;

/// How the refresher paces itself.
#[derive(Debug, Clone)]
pub struct RefreshOptions {
    /// How often expiries are checked (real time).
    pub tick: Duration,
    /// Wait before the first pass, so a token that expired while the daemon was down is
    /// renewed right after start, once the daemon is up (never later than `tick`).
    pub first_pass: Duration,
    /// Random extra wait before the first pass, up to this, so daemons started together (and
    /// their token endpoints) are not hit at the same instant.
    pub first_pass_jitter: Duration,
    /// Pause between two refreshes in one pass: providers are renewed one after the other,
    /// spread out, never as a burst.
    pub spacing: Duration,
    /// First wait after a failed refresh; doubles per failure.
    pub initial_backoff: Duration,
    /// Longest wait after failures.
    pub max_backoff: Duration,
}

impl Default for RefreshOptions {
    fn default() -> Self {
        Self {
            tick: Duration::from_secs(15),
            first_pass: Duration::from_secs(1),
            first_pass_jitter: Duration::from_secs(1),
            spacing: Duration::from_millis(250),
            initial_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(15 * 60),
        }
    }
}

#[derive(Debug, Default)]
struct Backoff {
    failures: u32,
    next_attempt: Option<Timestamp>,
}

fn add(at: Timestamp, by: Duration) -> Timestamp {
    jiff::SignedDuration::try_from(by)
        .ok()
        .and_then(|d| at.checked_add(d).ok())
        .unwrap_or(Timestamp::MAX)
}

fn due(expiry: Timestamp, now: Timestamp) -> bool {
    jiff::SignedDuration::try_from(REFRESH_SKEW)
        .ok()
        .and_then(|skew| expiry.checked_sub(skew).ok())
        .is_none_or(|at| at <= now)
}

/// Starts the refresher; it stops with the daemon.
pub(crate) fn spawn_refresher(state: AppState, options: RefreshOptions) {
    tokio::spawn(async move {
        let shutdown = state.shutdown_token().clone();
        let mut backoff: HashMap<ProviderName, Backoff> = HashMap::new();
        let mut wait = first_wait(&options, random_fraction());
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
            }
            wait = options.tick;
            run_once(&state, &options, &mut backoff).await;
            state.note_refresh_tick();
        }
    });
}

/// The wait before the first pass: `first_pass` plus `fraction` (in `[0, 1)`) of the jitter,
/// never longer than a regular tick.
fn first_wait(options: &RefreshOptions, fraction: f64) -> Duration {
    let jitter = options.first_pass_jitter.mul_f64(fraction.clamp(0.0, 1.0));
    (options.first_pass + jitter).min(options.tick)
}

/// One pass: refresh every OAuth account whose token is due, one after the other.
async fn run_once(
    state: &AppState,
    options: &RefreshOptions,
    backoff: &mut HashMap<ProviderName, Backoff>,
) {
    let runtime = state.runtime();
    let clock: &dyn Clock = state.clock().as_ref();
    let candidates: Vec<(String, Timestamp)> = runtime
        .providers()
        .filter(|p| p.descriptor.is_some() && p.method.is_oauth())
        .flat_map(|p| {
            p.accounts()
                .filter_map(|a| Some((a.key(), p.entry.token_expiry(&a.account)?)))
                .collect::<Vec<_>>()
        })
        .filter(|(_, expiry)| due(*expiry, clock.now()))
        .collect();
    let mut refreshed_before = false;
    for (name, _) in candidates {
        if state.credentials().needs_reauth(&name) {
            continue;
        }
        let slot = backoff
            .entry(ProviderName::from(name.as_str()))
            .or_default();
        if slot.next_attempt.is_some_and(|at| clock.now() < at) {
            continue;
        }
        // The files may have moved on (another process refreshed, the watcher has not reloaded).
        let Ok(stored) = state.credentials().stored(&name).await else {
            continue;
        };
        if stored.expires_at.is_none_or(|e| !due(e, clock.now())) {
            continue;
        }
        if refreshed_before && !options.spacing.is_zero() {
            tokio::select! {
                () = state.shutdown_token().cancelled() => return,
                () = tokio::time::sleep(options.spacing) => {}
            }
        }
        refreshed_before = true;
        match state.credentials().resolve(&name).await {
            Ok(resolved) => {
                tracing::info!(provider = %name, expires_at = ?resolved.expires_at, "refreshed the OAuth token ahead of expiry");
                *slot = Backoff::default();
            }
            Err(CredentialError::ReauthRequired { .. }) => {
                tracing::warn!(
                    provider = %name,
                    "the OAuth refresh token of provider `{name}` was refused; run `netclaw provider login {name}`"
                );
                *slot = Backoff::default();
            }
            Err(error) => {
                slot.failures += 1;
                let wait = exponential(options.initial_backoff, slot.failures, options.max_backoff);
                slot.next_attempt = Some(add(clock.now(), wait));
                tracing::warn!(provider = %name, %error, retry_in_secs = wait.as_secs(), "token refresh failed; will retry");
            }
        }
    }
}

#[cfg(test)]
mod tests;
