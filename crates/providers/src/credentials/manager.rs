//! `CredentialManager`: a valid bearer per provider, refreshed single-flight and persisted first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::Duration;

use jiff::Timestamp;
use netclaw_config::{EnvSnapshot, ProviderName};
use netclaw_oauth::{Clock, OAuthError, TokenSet};
use secrecy::{ExposeSecret, SecretString};

use super::oauth_client;
use super::source::{CredentialSource, ProviderBearer};
use super::store::{StoredCredential, TokenStore};
use crate::bearer::{Bearer, BearerSource, CredentialError};
use crate::descriptor::{AuthMethod, ProviderDescriptor, ProviderRegistry};

/// An OAuth access token is refreshed when it expires within this margin: long enough that a
/// token handed out is still valid when a slow request reaches the server.
pub const REFRESH_SKEW: Duration = Duration::from_secs(120);

/// A provider's credential and where it came from.
#[derive(Debug, Clone)]
pub struct ResolvedCredential {
    /// What to send; `None` for a provider that needs no credential.
    pub bearer: Option<Bearer>,
    /// Where it came from.
    pub source: CredentialSource,
    /// When an OAuth access token expires, if known.
    pub expires_at: Option<Timestamp>,
}

/// Hands out valid credentials for configured providers (see the module docs), one per
/// account: every method takes the account's key (`provider` for its default account,
/// `provider/account` for another), so refreshes, single flight and refused logins are each
/// account's own.
#[derive(Debug)]
pub struct CredentialManager {
    store: Arc<dyn TokenStore>,
    registry: ProviderRegistry,
    http: reqwest::Client,
    clock: Arc<dyn Clock>,
    env: EnvSnapshot,
    /// One async mutex per provider: the in-process single flight.
    flights: Mutex<HashMap<ProviderName, Arc<tokio::sync::Mutex<()>>>>,
    /// Providers whose refresh was refused, with the access token that was then stored: until a
    /// new login replaces it, asking again answers `ReauthRequired` without calling the server.
    dead: Mutex<HashMap<ProviderName, SecretString>>,
    /// The credentials of a loaded configuration by provider, when the owner
    /// holds one (see [`CredentialManager::hold`]): bearers then come from memory, and the files
    /// are read only to refresh or after a rejection.
    held: Arc<RwLock<Option<HeldCredentials>>>,
}

/// The credentials held in memory, by provider.
type HeldCredentials = HashMap<ProviderName, StoredCredential>;

/// Replaces one provider's held credential, when credentials are held at all.
fn remember(held: &RwLock<Option<HeldCredentials>>, stored: &StoredCredential) {
    let mut held = held.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(held) = held.as_mut() {
        held.insert(ProviderName::from(stored.key()), stored.clone());
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn same(a: &SecretString, b: &SecretString) -> bool {
    a.expose_secret() == b.expose_secret()
}

fn oauth_bearer(tokens: &TokenSet) -> Bearer {
    Bearer {
        token: tokens.access_token.clone(),
        account_id: tokens.resolved_account_id(),
    }
}

fn worker_failed(provider: &str, err: &tokio::task::JoinError) -> CredentialError {
    CredentialError::RefreshFailed {
        provider: provider.to_owned(),
        reason: format!("the credential worker stopped: {err}"),
    }
}

fn from_oauth(provider: &str, err: OAuthError) -> CredentialError {
    if err.is_reauth_required() {
        tracing::warn!(provider, "OAuth refresh refused; a new login is required");
        CredentialError::ReauthRequired {
            provider: provider.to_owned(),
        }
    } else {
        CredentialError::RefreshFailed {
            provider: provider.to_owned(),
            reason: err.to_string(),
        }
    }
}

/// The stored token, when it can be used instead of refreshing away from `stale`.
fn usable(
    stored: &StoredCredential,
    stale: &SecretString,
    forced: bool,
    now: Timestamp,
) -> Option<Bearer> {
    let tokens = stored.token_set()?;
    let fresh_enough = !tokens.needs_refresh(now, REFRESH_SKEW);
    let replaced = !same(&tokens.access_token, stale);
    ((replaced || !forced) && fresh_enough).then(|| oauth_bearer(&tokens))
}

impl CredentialManager {
    /// A manager over `store`, refreshing with `http`, reading time from `clock` and the
    /// conventional key variables from `env`.
    pub fn new(
        store: Arc<dyn TokenStore>,
        http: reqwest::Client,
        clock: Arc<dyn Clock>,
        env: EnvSnapshot,
    ) -> Self {
        Self {
            store,
            registry: ProviderRegistry::builtin(),
            http,
            clock,
            env,
            flights: Mutex::new(HashMap::new()),
            dead: Mutex::new(HashMap::new()),
            held: Arc::new(RwLock::new(None)),
        }
    }

    /// Serves every credential of `config` (each account of each provider) from memory from
    /// now on, replacing what was held: the owner calls it each time it loads the files (a
    /// daemon at start and on every reload), so a request never reads or decrypts a file.
    pub fn hold(&self, config: &netclaw_config::Config) {
        let held = config
            .credentials
            .iter()
            .flat_map(|(name, creds)| {
                creds
                    .accounts
                    .iter()
                    .map(move |account| netclaw_config::ProviderAccount::new(name, &account.name))
            })
            .filter_map(|account| {
                let stored =
                    super::config_store::stored_from_config(config, &self.registry, &account)?;
                Some((ProviderName::from(account.key()), stored))
            })
            .collect();
        *self.held.write().unwrap_or_else(PoisonError::into_inner) = Some(held);
    }

    /// The [`BearerSource`] chat clients use for `provider`.
    pub fn bearer_source(self: &Arc<Self>, provider: &str) -> Arc<dyn BearerSource> {
        Arc::new(ProviderBearer::new(Arc::clone(self), provider))
    }

    /// True when `provider`'s refresh was refused and no new login has been stored since.
    pub fn needs_reauth(&self, provider: &str) -> bool {
        lock(&self.dead).contains_key(&ProviderName::from(provider))
    }

    /// The provider's settings and secrets: the held ones when the owner holds a loaded
    /// configuration, else as stored now.
    pub async fn stored(&self, provider: &str) -> Result<StoredCredential, CredentialError> {
        {
            let held = self.held.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(held) = held.as_ref() {
                return held
                    .get(&ProviderName::from(provider))
                    .cloned()
                    .ok_or_else(|| CredentialError::NotConfigured {
                        provider: provider.to_owned(),
                    });
            }
        }
        self.stored_on_disk(provider).await
    }

    /// The provider's settings and secrets as stored now (blocking I/O on the blocking pool);
    /// what is held is brought up to date with it.
    async fn stored_on_disk(&self, provider: &str) -> Result<StoredCredential, CredentialError> {
        let store = Arc::clone(&self.store);
        let name = provider.to_owned();
        let stored = tokio::task::spawn_blocking(move || store.read(&name))
            .await
            .map_err(|e| worker_failed(provider, &e))??;
        remember(&self.held, &stored);
        Ok(stored)
    }

    fn descriptor(
        &self,
        stored: &StoredCredential,
    ) -> Result<&ProviderDescriptor, CredentialError> {
        self.registry
            .get(&stored.type_key)
            .map_err(|e| CredentialError::RefreshFailed {
                provider: stored.key(),
                reason: e.to_string(),
            })
    }

    fn method(stored: &StoredCredential, descriptor: &ProviderDescriptor) -> AuthMethod {
        stored
            .auth_method
            .unwrap_or_else(|| descriptor.default_auth_method())
    }

    fn is_dead(&self, stored: &StoredCredential) -> bool {
        let key = ProviderName::from(stored.key());
        let mut dead = lock(&self.dead);
        match (dead.get(&key), &stored.access_token) {
            (Some(rejected), Some(current)) if same(rejected, current) => true,
            (Some(_), _) => {
                // A new login replaced the refused token.
                dead.remove(&key);
                false
            }
            (None, _) => false,
        }
    }

    /// The provider's credential with its source, refreshing an OAuth token first when it
    /// expires within [`REFRESH_SKEW`].
    pub async fn resolve(&self, provider: &str) -> Result<ResolvedCredential, CredentialError> {
        let stored = self.stored(provider).await?;
        let descriptor = self.descriptor(&stored)?;
        if Self::method(&stored, descriptor).is_oauth() {
            let Some(tokens) = stored.token_set() else {
                return Err(CredentialError::NotConfigured {
                    provider: stored.key(),
                });
            };
            if self.is_dead(&stored) {
                return Err(CredentialError::ReauthRequired {
                    provider: stored.key(),
                });
            }
            let (bearer, expires_at) = if tokens.needs_refresh(self.clock.now(), REFRESH_SKEW) {
                self.refresh(&stored.key(), &tokens.access_token, false)
                    .await?
            } else {
                (oauth_bearer(&tokens), tokens.expires_at)
            };
            return Ok(ResolvedCredential {
                bearer: Some(bearer),
                source: CredentialSource::OAuth,
                expires_at,
            });
        }
        let key_bearer = |token: SecretString| Bearer {
            token,
            account_id: None,
        };
        if let Some(key) = stored.api_key.clone() {
            return Ok(ResolvedCredential {
                bearer: Some(key_bearer(key)),
                source: stored
                    .api_key_source
                    .clone()
                    .unwrap_or(CredentialSource::Secrets),
                expires_at: None,
            });
        }
        if let Some(var) = descriptor.api_key_env
            && let Some(value) = self.env.get(var)
        {
            return Ok(ResolvedCredential {
                bearer: Some(key_bearer(value.into())),
                source: CredentialSource::Env(var.to_owned()),
                expires_at: None,
            });
        }
        if descriptor.credential_optional() {
            return Ok(ResolvedCredential {
                bearer: None,
                source: CredentialSource::None,
                expires_at: None,
            });
        }
        Err(CredentialError::NotConfigured {
            provider: stored.key(),
        })
    }

    /// A credential valid now for `provider`.
    pub async fn bearer(&self, provider: &str) -> Result<Bearer, CredentialError> {
        self.resolve(provider)
            .await?
            .bearer
            .ok_or_else(|| CredentialError::NotConfigured {
                provider: provider.to_owned(),
            })
    }

    /// The server answered 401 to `rejected`: the newer token someone already stored, else a
    /// forced refresh. An API key is renewed only when a different one has been stored since.
    pub async fn after_rejection(
        &self,
        provider: &str,
        rejected: &Bearer,
    ) -> Result<Bearer, CredentialError> {
        // The server refused what was held: what is on disk now may be newer.
        let stored = self.stored_on_disk(provider).await?;
        let descriptor = self.descriptor(&stored)?;
        if Self::method(&stored, descriptor).is_oauth() {
            if self.is_dead(&stored) {
                return Err(CredentialError::ReauthRequired {
                    provider: stored.key(),
                });
            }
            return Ok(self.refresh(&stored.key(), &rejected.token, true).await?.0);
        }
        let current = self.resolve(provider).await?.bearer;
        match current {
            Some(b) if !same(&b.token, &rejected.token) => Ok(b),
            _ => Err(CredentialError::Rejected {
                provider: stored.key(),
            }),
        }
    }

    fn flight(&self, provider: &str) -> Arc<tokio::sync::Mutex<()>> {
        Arc::clone(
            lock(&self.flights)
                .entry(ProviderName::from(provider))
                .or_default(),
        )
    }

    /// Replaces `stale`: single-flight in this process, under the store's write lock across
    /// processes, and persisted before it is returned.
    async fn refresh(
        &self,
        provider: &str,
        stale: &SecretString,
        forced: bool,
    ) -> Result<(Bearer, Option<Timestamp>), CredentialError> {
        let flight = self.flight(provider);
        let _in_flight = flight.lock().await;

        // Another task of this process may have refreshed while this one waited.
        let current = self.stored(provider).await?;
        if let Some(bearer) = usable(&current, stale, forced, self.clock.now()) {
            return Ok((bearer, current.expires_at));
        }
        if current.read_only {
            // Another program owns this login: its file may hold what it renewed since.
            let on_disk = self.stored_on_disk(provider).await?;
            return usable(&on_disk, stale, forced, self.clock.now())
                .map(|bearer| (bearer, on_disk.expires_at))
                .ok_or_else(|| CredentialError::ReadOnlyExpired {
                    provider: on_disk.key(),
                });
        }
        if self.is_dead(&current) {
            return Err(CredentialError::ReauthRequired {
                provider: current.key(),
            });
        }
        let descriptor = self.descriptor(&current)?.clone();
        let store = Arc::clone(&self.store);
        let http = self.http.clone();
        let clock = Arc::clone(&self.clock);
        let runtime = tokio::runtime::Handle::current();
        let name = current.key();
        let stale_token = stale.clone();
        let held = Arc::clone(&self.held);
        // The refresh runs to its end on the blocking pool even when the caller goes away
        // (client gone, timeout): a token the server has rotated is persisted and held, never
        // lost with the request that asked for it.
        let outcome = tokio::task::spawn_blocking(move || {
            let mut handed_out = None;
            let mut refused_token = None;
            let mut now_stored = None;
            let result = store.update_locked(&name, &mut |fresh: &StoredCredential| {
                // Re-read under the lock: another process may have refreshed already.
                if let Some(bearer) = usable(fresh, &stale_token, forced, clock.now()) {
                    handed_out = Some((bearer, fresh.expires_at));
                    now_stored = Some(fresh.clone());
                    return Ok(None);
                }
                let Some(previous) = fresh.token_set() else {
                    return Err(CredentialError::NotConfigured {
                        provider: fresh.key(),
                    });
                };
                let refreshed = runtime.block_on(async {
                    let client = oauth_client::client(&http, &descriptor, fresh).await?;
                    client
                        .refresh(&previous, clock.now())
                        .await
                        .map_err(|e| from_oauth(&fresh.key(), e))
                });
                let tokens = match refreshed {
                    Ok(tokens) => tokens,
                    Err(err) => {
                        if matches!(err, CredentialError::ReauthRequired { .. }) {
                            refused_token = Some(previous.access_token.clone());
                        }
                        return Err(err);
                    }
                };
                let tokens = TokenSet {
                    account_id: tokens.resolved_account_id(),
                    ..tokens
                };
                handed_out = Some((oauth_bearer(&tokens), tokens.expires_at));
                now_stored = Some(StoredCredential {
                    access_token: Some(tokens.access_token.clone()),
                    refresh_token: tokens.refresh_token.clone(),
                    id_token: tokens.id_token.clone(),
                    account_id: tokens.account_id.clone(),
                    expires_at: tokens.expires_at,
                    ..fresh.clone()
                });
                Ok(Some(tokens))
            });
            if result.is_ok()
                && let Some(stored) = &now_stored
            {
                remember(&held, stored);
            }
            (result, handed_out, refused_token)
        })
        .await
        .map_err(|e| worker_failed(provider, &e))?;
        match outcome {
            (Ok(()), Some(handed_out), _) => {
                tracing::debug!(provider, "credential refreshed or taken from the store");
                Ok(handed_out)
            }
            (Ok(()), None, _) => Err(CredentialError::RefreshFailed {
                provider: provider.to_owned(),
                reason: "the store finished without a token".to_owned(),
            }),
            (Err(err), _, refused) => {
                if let Some(token) = refused {
                    lock(&self.dead).insert(ProviderName::from(provider), token);
                }
                Err(err)
            }
        }
    }
}
