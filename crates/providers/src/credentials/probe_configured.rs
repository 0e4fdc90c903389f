//! Probing a configured provider: its credential first (refreshed when due), then the live probe.

use super::CredentialManager;
use crate::bearer::CredentialError;
use crate::descriptor::ProviderRegistry;
use crate::probe::{ProbeClass, ProbeOptions, ProbeReport, ProbeTarget, probe};

impl CredentialManager {
    /// Probes provider `name` as configured: resolves its credential (refreshing an OAuth token
    /// that is due), then runs [`probe`]. A refused refresh is `reauth_required`; a provider that
    /// is not configured is `not_configured`.
    pub async fn probe_configured(
        &self,
        client: &reqwest::Client,
        name: &str,
        options: &ProbeOptions,
    ) -> ProbeReport {
        let stored = match self.stored(name).await {
            Ok(stored) => stored,
            Err(CredentialError::NotConfigured { .. }) => {
                return ProbeReport::failed(
                    ProbeClass::NotConfigured,
                    format!(
                        "Provider `{name}` is not configured. Add it with `netclaw provider add {name} <type>`."
                    ),
                );
            }
            Err(e) => return ProbeReport::failed(ProbeClass::NotConfigured, e.to_string()),
        };
        let (bearer, expiry) = match self.resolve(name).await {
            Ok(resolved) => (resolved.bearer, resolved.expires_at),
            Err(CredentialError::NotConfigured { .. }) => (None, None),
            Err(CredentialError::ReauthRequired { .. }) => {
                return ProbeReport::failed(
                    ProbeClass::ReauthRequired,
                    format!(
                        "The OAuth login of `{}` can no longer be refreshed. Run `netclaw provider login {}`.",
                        stored.name, stored.name
                    ),
                );
            }
            Err(e) => {
                return ProbeReport::failed(
                    ProbeClass::Unreachable,
                    format!("OAuth refresh failed for provider `{}`: {e}", stored.name),
                );
            }
        };
        let registry = ProviderRegistry::builtin();
        let auth_method = registry
            .try_get(&stored.type_key)
            .map_or(crate::descriptor::AuthMethod::None, |d| {
                Self::method(&stored, d)
            });
        let target = ProbeTarget {
            provider_name: stored.name.clone(),
            type_key: stored.type_key.clone(),
            endpoint: stored.endpoint.clone(),
            auth_method,
            bearer,
            token_expiry: expiry,
        };
        probe(client, &registry, &target, options).await
    }
}
