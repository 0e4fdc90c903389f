//! The netclaw-oauth client a provider refreshes through, from its descriptor and overrides.

use netclaw_oauth::OAuthClient;

use crate::bearer::CredentialError;
use crate::descriptor::ProviderDescriptor;

use super::StoredCredential;

fn failed(provider: &str, reason: impl Into<String>) -> CredentialError {
    CredentialError::RefreshFailed {
        provider: provider.to_owned(),
        reason: reason.into(),
    }
}

/// A ready client: OpenAI's endpoints derive from the issuer; a standard server is discovered.
pub(crate) async fn client(
    http: &reqwest::Client,
    descriptor: &ProviderDescriptor,
    stored: &StoredCredential,
) -> Result<OAuthClient, CredentialError> {
    let config = descriptor
        .oauth_client_config(&stored.oauth)
        .map_err(|e| failed(&stored.name, e.to_string()))?;
    OAuthClient::discover(http.clone(), config)
        .await
        .map_err(|e| failed(&stored.name, e.to_string()))
}
