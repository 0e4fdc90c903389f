//! Probing a configured provider: its credential first (refreshed when due), then the live
//! probe, the result remembered in the probe book.

use crate::bearer::CredentialError;
use crate::probe::{ProbeClass, ProbeReport, probe};

use super::Runtime;

fn login_hint(name: &str) -> String {
    format!("run `netclaw provider login {name}`")
}

/// The report for a provider whose credential could not be had.
fn credential_failure(name: &str, error: &CredentialError) -> ProbeReport {
    match error {
        CredentialError::ReauthRequired { .. } => ProbeReport::failed(
            ProbeClass::ReauthRequired,
            format!(
                "the login of provider `{name}` has expired; {}",
                login_hint(name)
            ),
        ),
        CredentialError::NotConfigured { .. } => ProbeReport::failed(
            ProbeClass::NotConfigured,
            format!(
                "provider `{name}` has no credential configured; {}",
                login_hint(name)
            ),
        ),
        CredentialError::RefreshFailed { reason, .. } => ProbeReport::failed(
            ProbeClass::Unreachable,
            format!("the login of provider `{name}` could not be renewed: {reason}"),
        ),
        other => ProbeReport::failed(ProbeClass::NotConfigured, other.to_string()),
    }
}

impl Runtime {
    /// Probes provider `name` with a valid credential (refreshed first when due) and
    /// remembers the result. Never fails: every outcome is a classified report.
    pub async fn probe(&self, name: &str) -> ProbeReport {
        let Some(provider) = self.provider(name) else {
            return ProbeReport::failed(
                ProbeClass::NotConfigured,
                format!(
                    "provider `{name}` is not configured; add it with `netclaw provider add {name} <type>`"
                ),
            );
        };
        let services = &self.services;
        let options = services.probe_options();
        // A provider's listing is the same for each of its accounts: its first one probes.
        let report = match services
            .credentials
            .resolve(&provider.first_account().key())
            .await
        {
            Ok(resolved) => {
                let target = provider.probe_target(resolved.bearer, resolved.expires_at);
                probe(&services.http, &services.registry, &target, &options).await
            }
            Err(error) => credential_failure(provider.name, &error),
        };
        tracing::info!(
            provider = provider.name,
            class = report.class.as_str(),
            "probed"
        );
        services.probes.record(provider.name, &report, options.now);
        report
    }

    /// Probes `names` at once; the reports in the same order.
    pub async fn probe_all(&self, names: &[String]) -> Vec<(String, ProbeReport)> {
        let probes = names.iter().map(|name| async move {
            let report = self.probe(name).await;
            let stored = self.provider(name).map_or(name.as_str(), |p| p.name);
            (stored.to_owned(), report)
        });
        futures_util::future::join_all(probes).await
    }
}
