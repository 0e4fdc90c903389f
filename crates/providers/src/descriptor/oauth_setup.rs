//! The netclaw-oauth client settings of a provider: its type's defaults with the user's
//! `OAuth` overrides applied, built in one place for logins, refreshes and the daemon's flows.

use netclaw_oauth::OAuthClientConfig;
use url::Url;

use super::{OAuthFlavour, OAuthOverrides, ProviderDescriptor, ResolvedOAuthClient};

/// Where a standard server redirects when the provider names no redirect URI: a free loopback
/// port, chosen when the listener binds.
const LOOPBACK_REDIRECT: &str = "http://127.0.0.1:0/auth/callback";

/// Why a provider's OAuth client cannot be set up.
#[derive(Debug, Clone, thiserror::Error)]
pub enum OAuthSetupError {
    /// The type has no OAuth defaults and the overrides name no issuer.
    #[error("provider type `{type_key}` has no OAuth issuer")]
    NoIssuer {
        /// The provider's type key.
        type_key: String,
    },
    /// A standard server needs a registered client id.
    #[error("the provider has no OAuth client id")]
    NoClientId,
    /// A configured URL does not parse.
    #[error("invalid {what} `{value}`: {reason}")]
    InvalidUrl {
        /// Which setting (`OAuth issuer`, `redirect URI`).
        what: &'static str,
        /// The value as configured.
        value: String,
        /// What the URL parser said.
        reason: String,
    },
}

fn url(what: &'static str, value: &str) -> Result<Url, OAuthSetupError> {
    Url::parse(value).map_err(|e| OAuthSetupError::InvalidUrl {
        what,
        value: value.to_owned(),
        reason: e.to_string(),
    })
}

impl ProviderDescriptor {
    /// The OAuth client settings with `overrides` applied: OpenAI's endpoints derive from the
    /// issuer; a standard server's are discovered from it later.
    pub fn oauth_client_config(
        &self,
        overrides: &OAuthOverrides,
    ) -> Result<OAuthClientConfig, OAuthSetupError> {
        let Some(resolved) = self.oauth_client(overrides) else {
            return Err(OAuthSetupError::NoIssuer {
                type_key: self.type_key.to_owned(),
            });
        };
        let ResolvedOAuthClient {
            flavour,
            issuer,
            client_id,
            redirect_uri,
            scope,
            token_endpoint,
            authorization_endpoint,
            device_endpoint,
            ..
        } = resolved;
        let issuer = url("OAuth issuer", &issuer)?;
        let mut config = match flavour {
            OAuthFlavour::OpenAi => OAuthClientConfig::openai_with_issuer(issuer),
            OAuthFlavour::Standard => {
                let id = client_id.clone().ok_or(OAuthSetupError::NoClientId)?;
                let redirect = redirect_uri.as_deref().unwrap_or(LOOPBACK_REDIRECT);
                let mut config =
                    OAuthClientConfig::standard(issuer, id, url("redirect URI", redirect)?);
                // A type that knows its server's endpoints (GitHub) names them; a server the
                // user names is discovered from its issuer.
                if self.oauth.is_some() {
                    let endpoint = |value: Option<String>| {
                        value.map(|v| url("OAuth endpoint", &v)).transpose()
                    };
                    config.endpoints.token = endpoint(token_endpoint)?;
                    config.endpoints.authorization = endpoint(authorization_endpoint)?;
                    config.endpoints.device_authorization = endpoint(device_endpoint)?;
                }
                config
            }
        };
        if let Some(id) = client_id {
            config.client_id = id;
        }
        if let Some(redirect) = redirect_uri {
            config.redirect_uri = url("redirect URI", &redirect)?;
        }
        if let Some(scope) = scope {
            config.scopes = scope.split_whitespace().map(str::to_owned).collect();
        }
        Ok(config)
    }
}
