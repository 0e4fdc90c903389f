//! `FlowRegistry`: many browser logins at once on a server (the daemon), keyed by `state`.
//!
//! Start → `state`; the flow completes through the loopback callback or a pasted redirect URL;
//! the tokens go to the caller of the completion (the registry owner persists them), while
//! [`FlowRegistry::status`] exposes only the status and the expiry. Finished flows are kept
//! 10 minutes, then pruned; `now` is always passed in.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jiff::Timestamp;
use secrecy::SecretString;
use url::Url;

use crate::authorize::PendingAuthorization;
use crate::client::OAuthClient;
use crate::clock::add;
use crate::error::OAuthError;
use crate::redirect::parse_redirect;
use crate::token::TokenSet;

/// How long finished (and unfinished) flows are remembered.
pub const FLOW_TTL: Duration = Duration::from_secs(10 * 60);

/// What the status endpoint may show: never a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlowStatus {
    /// Waiting for the browser (or exchanging the code).
    Pending,
    /// Tokens were obtained and handed to the registry owner.
    Completed {
        /// When the new access token expires.
        expires_at: Option<Timestamp>,
    },
    /// The flow ended with an error.
    Failed {
        /// The user-facing error message.
        error: String,
    },
}

/// A flow just started.
#[derive(Debug, Clone)]
pub struct StartedFlow {
    /// The URL to open in the browser.
    pub authorization_url: Url,
    /// The flow's key.
    pub state: String,
}

/// A flow that just completed: the tokens are for the owner to persist.
#[derive(Debug)]
pub struct CompletedFlow<T> {
    /// The flow's key.
    pub state: String,
    /// What the owner attached at start (e.g. the provider name).
    pub tag: T,
    /// The new tokens.
    pub tokens: TokenSet,
}

#[derive(Debug)]
enum Entry<T> {
    Pending {
        flow: Box<PendingFlow<T>>,
        since: Timestamp,
    },
    Exchanging {
        since: Timestamp,
    },
    Completed {
        expires_at: Option<Timestamp>,
        since: Timestamp,
    },
    Failed {
        error: String,
        since: Timestamp,
    },
}

#[derive(Debug)]
struct PendingFlow<T> {
    client: OAuthClient,
    pending: PendingAuthorization,
    tag: T,
}

impl<T> Entry<T> {
    fn since(&self) -> Timestamp {
        match self {
            Self::Pending { since, .. }
            | Self::Exchanging { since }
            | Self::Completed { since, .. }
            | Self::Failed { since, .. } => *since,
        }
    }
}

/// Browser logins in flight, keyed by state. `T` is the owner's tag (e.g. provider name).
#[derive(Debug)]
pub struct FlowRegistry<T> {
    flows: Mutex<HashMap<String, Entry<T>>>,
    ttl: Duration,
}

impl<T> Default for FlowRegistry<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> FlowRegistry<T> {
    /// A registry keeping flows [`FLOW_TTL`] (10 minutes).
    #[must_use]
    pub fn new() -> Self {
        Self::with_ttl(FLOW_TTL)
    }

    /// A registry with another retention.
    #[must_use]
    pub fn with_ttl(ttl: Duration) -> Self {
        Self {
            flows: Mutex::new(HashMap::new()),
            ttl,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry<T>>> {
        self.flows.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a browser login for `client`, redirecting to `redirect_uri` (the bound callback
    /// listener's). Prunes old flows first.
    ///
    /// # Errors
    /// [`OAuthError::Config`] when the server has no authorization endpoint.
    pub fn start(
        &self,
        client: OAuthClient,
        redirect_uri: &Url,
        tag: T,
        now: Timestamp,
    ) -> Result<StartedFlow, OAuthError> {
        let pending = client.start_authorization(redirect_uri)?;
        let started = StartedFlow {
            authorization_url: pending.authorization_url.clone(),
            state: pending.state.clone(),
        };
        let mut flows = self.lock();
        prune(&mut flows, now, self.ttl);
        flows.insert(
            pending.state.clone(),
            Entry::Pending {
                flow: Box::new(PendingFlow {
                    client,
                    pending,
                    tag,
                }),
                since: now,
            },
        );
        Ok(started)
    }

    /// The status of a flow; `None` when the state is unknown or pruned.
    #[must_use]
    pub fn status(&self, state: &str, now: Timestamp) -> Option<FlowStatus> {
        let mut flows = self.lock();
        prune(&mut flows, now, self.ttl);
        flows.get(state).map(|entry| match entry {
            Entry::Pending { .. } | Entry::Exchanging { .. } => FlowStatus::Pending,
            Entry::Completed { expires_at, .. } => FlowStatus::Completed {
                expires_at: *expires_at,
            },
            Entry::Failed { error, .. } => FlowStatus::Failed {
                error: error.clone(),
            },
        })
    }

    /// Forgets flows older than the retention.
    pub fn prune(&self, now: Timestamp) {
        prune(&mut self.lock(), now, self.ttl);
    }

    /// Marks a pending flow failed (e.g. its callback listener timed out or was denied).
    pub fn fail(&self, state: &str, error: &OAuthError, now: Timestamp) {
        let mut flows = self.lock();
        if let Some(entry @ (Entry::Pending { .. } | Entry::Exchanging { .. })) =
            flows.get_mut(state)
        {
            *entry = Entry::Failed {
                error: error.to_string(),
                since: now,
            };
        }
    }

    /// Completes the flow `state` with the code from the callback: exchanges it and returns the
    /// tokens. A second completion of the same flow is rejected.
    ///
    /// # Errors
    /// [`OAuthError::UnknownState`] for an unknown, finished or pruned state; exchange errors
    /// (the flow is then `Failed`).
    pub async fn complete_with_code(
        &self,
        state: &str,
        code: &SecretString,
        now: Timestamp,
    ) -> Result<CompletedFlow<T>, OAuthError> {
        let (client, pending, tag) = {
            let mut flows = self.lock();
            prune(&mut flows, now, self.ttl);
            match flows.remove(state) {
                Some(Entry::Pending { flow, .. }) => {
                    flows.insert(state.to_owned(), Entry::Exchanging { since: now });
                    let PendingFlow {
                        client,
                        pending,
                        tag,
                    } = *flow;
                    (client, pending, tag)
                }
                Some(other) => {
                    flows.insert(state.to_owned(), other);
                    return Err(OAuthError::UnknownState {
                        state: state.to_owned(),
                    });
                }
                None => {
                    return Err(OAuthError::UnknownState {
                        state: state.to_owned(),
                    });
                }
            }
        };
        let result = client.exchange_code(&pending, code, now).await;
        let mut flows = self.lock();
        match result {
            Ok(tokens) => {
                flows.insert(
                    state.to_owned(),
                    Entry::Completed {
                        expires_at: tokens.expires_at,
                        since: now,
                    },
                );
                Ok(CompletedFlow {
                    state: state.to_owned(),
                    tag,
                    tokens,
                })
            }
            Err(error) => {
                flows.insert(
                    state.to_owned(),
                    Entry::Failed {
                        error: error.to_string(),
                        since: now,
                    },
                );
                Err(error)
            }
        }
    }

    /// Completes a flow from a redirect URL the user pasted (full URL or query string).
    ///
    /// # Errors
    /// The paste parser's errors, [`OAuthError::UnknownState`], exchange errors.
    pub async fn complete_with_redirect(
        &self,
        pasted: &str,
        now: Timestamp,
    ) -> Result<CompletedFlow<T>, OAuthError> {
        let params = parse_redirect(pasted)?;
        self.complete_with_code(&params.state, &params.code, now)
            .await
    }
}

fn prune<T>(flows: &mut HashMap<String, Entry<T>>, now: Timestamp, ttl: Duration) {
    flows.retain(|_, entry| add(entry.since(), ttl) > now);
}
