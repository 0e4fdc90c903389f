//! Building the netclaw-oauth client a provider refreshes through, from its descriptor and overrides.

use netclaw_oauth::{OAuthClient, OAuthClientConfig};
use url::Url;

use crate::bearer::CredentialError;
use crate::descriptor::{OAuthFlavour, ProviderDescriptor, ResolvedOAuthClient};

use super::StoredCredential;

fn failed(provider: &str, reason: impl Into<String>) -> CredentialError {
    CredentialError::RefreshFailed {
        provider: provider.to_owned(),
        reason: reason.into(),
    }
}

fn url(provider: &str, what: &str, value: &str) -> Result<Url, CredentialError> {
    Url::parse(value).map_err(|e| failed(provider, format!("invalid {what} `{value}`: {e}")))
}

/// The OAuth client configuration of `stored` (defaults of its type, then its `OAuth` block).
pub(crate) fn client_config(
    descriptor: &ProviderDescriptor,
    stored: &StoredCredential,
) -> Result<OAuthClientConfig, CredentialError> {
    let name = stored.name.as_str();
    let Some(resolved) = descriptor.oauth_client(&stored.oauth) else {
        return Err(failed(
            name,
            "the provider has no OAuth issuer; set `OAuth.Issuer` in its settings",
        ));
    };
    let ResolvedOAuthClient {
        flavour,
        issuer,
        client_id,
        redirect_uri,
        scope,
        ..
    } = resolved;
    let issuer = url(name, "OAuth issuer", &issuer)?;
    let mut config = match flavour {
        OAuthFlavour::OpenAi => OAuthClientConfig::openai_with_issuer(issuer),
        OAuthFlavour::Standard => {
            let Some(client_id) = client_id.clone() else {
                return Err(failed(name, "the provider has no `OAuth.ClientId`"));
            };
            let redirect = redirect_uri
                .as_deref()
                .unwrap_or("http://127.0.0.1:0/auth/callback");
            OAuthClientConfig::standard(issuer, client_id, url(name, "redirect URI", redirect)?)
        }
    };
    if let Some(client_id) = client_id {
        config.client_id = client_id;
    }
    if let Some(redirect) = redirect_uri {
        config.redirect_uri = url(name, "redirect URI", &redirect)?;
    }
    if let Some(scope) = scope {
        config.scopes = scope.split_whitespace().map(str::to_owned).collect();
    }
    Ok(config)
}

/// A ready client: OpenAI's endpoints derive from the issuer; a standard server is discovered.
pub(crate) async fn client(
    http: &reqwest::Client,
    descriptor: &ProviderDescriptor,
    stored: &StoredCredential,
) -> Result<OAuthClient, CredentialError> {
    let config = client_config(descriptor, stored)?;
    OAuthClient::discover(http.clone(), config)
        .await
        .map_err(|e| failed(&stored.name, e.to_string()))
}
