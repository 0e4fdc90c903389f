//! Where a chat's answers come from: a running daemon, or the providers directly through the
//! same fallback chain and cooldown file the daemon uses.

use std::collections::HashMap;
use std::sync::Arc;

use netclaw_config::AuthMethod;
use netclaw_providers::chat::{ChatClient, ClientConfig, client_for};
use netclaw_providers::resilience::{Candidate, Plan, Resilience};

use super::super::daemon::running;
use super::super::provider::probe::manager;
use super::Target;
use crate::context::Context;
use crate::error::CliError;
use crate::home::{Home, no_such_provider};

/// Where answers come from.
pub(super) enum Backend {
    Daemon(netclaw_daemon::DaemonClient),
    Direct(Box<Direct>),
}

/// Chatting without a daemon: the same chain and cooldown file the daemon uses.
pub(super) struct Direct {
    pub(super) plan: Plan,
    pub(super) clients: HashMap<String, Result<Arc<dyn ChatClient>, String>>,
    pub(super) resilience: Resilience,
    pub(super) threshold: Option<f64>,
}

/// The chain for `target`, each provider's client built once, and the home's cooldowns.
fn direct(home: &Home, cx: &Context<'_>, target: &Target) -> Result<Direct, CliError> {
    let settings = home.store.read()?.settings()?;
    let models = &settings.models;
    let asked = Candidate::new(&target.provider, &target.model);
    let mut plan = if target.explicit {
        Plan::explicit(models, asked)
    } else {
        Plan::configured(models)
    };
    let mut clients = HashMap::new();
    for candidate in &mut plan.candidates {
        if let Some((key, entry)) = settings.provider(&candidate.provider) {
            candidate.provider = key.to_owned();
            candidate.login_stamp = entry.oauth_token_expiry;
        }
        if !clients.contains_key(&candidate.provider) {
            let client = match direct_client(home, cx, &candidate.provider) {
                Ok(client) => Ok(client),
                // The model asked for must be usable, as before there was a chain.
                Err(e) if candidate.provider.eq_ignore_ascii_case(&target.provider) => {
                    return Err(e);
                }
                Err(e) => Err(e.message().to_owned()),
            };
            clients.insert(candidate.provider.clone(), client);
        }
    }
    Ok(Direct {
        plan,
        clients,
        resilience: Resilience::persistent(
            home.paths.cooldowns_file(),
            Arc::new(netclaw_oauth::SystemClock),
        ),
        threshold: models.switch_at_used_percent,
    })
}

impl Backend {
    /// The daemon when one runs (and `--no-daemon` was not given), else the providers directly.
    pub(super) async fn connect(
        home: &Home,
        cx: &Context<'_>,
        target: &Target,
        no_daemon: bool,
    ) -> Result<Self, CliError> {
        if !no_daemon && let Some(client) = running(home).await {
            cx.printer
                .detail(format!("through the daemon at {}", client.base_url()));
            return Ok(Self::Daemon(client));
        }
        Ok(Self::Direct(Box::new(direct(home, cx, target)?)))
    }

    /// Points the backend at a new target (`/model` in the REPL): the daemon picks the chain
    /// itself; a direct backend builds the chain for the new target.
    pub(super) fn retarget(
        &mut self,
        home: &Home,
        cx: &Context<'_>,
        target: &Target,
    ) -> Result<(), CliError> {
        if let Self::Direct(current) = self {
            **current = direct(home, cx, target)?;
        }
        Ok(())
    }
}

fn direct_client(
    home: &Home,
    cx: &Context<'_>,
    name: &str,
) -> Result<Arc<dyn ChatClient>, CliError> {
    let doc = home.store.read()?;
    let entry = doc.provider(name)?.ok_or_else(|| no_such_provider(name))?;
    let descriptor = home.descriptor(&entry.provider_type)?;
    let has_key = home
        .store
        .load(&cx.env)?
        .provider(name)
        .is_some_and(|(_, _, credentials)| credentials.api_key.is_some());
    let method = descriptor.effective_auth_method(entry.auth_method, has_key);
    let endpoint = descriptor
        .effective_endpoint(entry.endpoint.as_deref(), method)
        .ok_or_else(|| CliError::new(format!("provider `{name}` has no endpoint")))?;
    let http = crate::http::client()?;
    let mut config = ClientConfig::new(name, endpoint);
    if method != AuthMethod::None {
        config = config.with_bearer(manager(home, cx, &http).bearer_source(name));
    }
    client_for(descriptor.kind, method, config).map_err(|e| CliError::new(e.summary()))
}
