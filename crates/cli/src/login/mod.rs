//! Logging in to a provider: the OAuth client of a provider, the device-code screen and the
//! three-layer browser screen (open the browser, print the URL, accept a pasted redirect).

pub(crate) mod browser;
pub(crate) mod daemon_flow;
pub(crate) mod device;

use netclaw_config::OAuthOverrides as ConfigOverrides;
use netclaw_oauth::{OAuthClient, OAuthClientConfig, OAuthError};
use netclaw_providers::descriptor::{
    OAuthFlavour, OAuthOverrides, ProviderDescriptor, ResolvedOAuthClient,
};
use url::Url;

use crate::error::CliError;

fn parse_url(what: &str, value: &str) -> Result<Url, CliError> {
    Url::parse(value)
        .map_err(|e| CliError::usage(format!("invalid {what} `{value}`")).with_cause(e))
}

/// The provider's `OAuth` block as the descriptor resolves it.
pub(crate) fn overrides_of(config: Option<&ConfigOverrides>) -> OAuthOverrides {
    config.map_or_else(OAuthOverrides::default, |o| OAuthOverrides {
        issuer: o.issuer.clone(),
        client_id: o.client_id.clone(),
        redirect_uri: o.redirect_uri.clone(),
        scope: o.scope.clone(),
    })
}

/// The OAuth client of a provider: its type's defaults with the `OAuth` overrides applied;
/// a standard server's endpoints are discovered from its issuer.
pub(crate) async fn oauth_client(
    http: &reqwest::Client,
    name: &str,
    descriptor: &ProviderDescriptor,
    overrides: &OAuthOverrides,
) -> Result<OAuthClient, CliError> {
    let Some(resolved) = descriptor.oauth_client(overrides) else {
        return Err(CliError::usage(format!(
            "provider `{name}` has no OAuth issuer"
        ))
        .with_hint(format!(
            "pass `--issuer URL` (and `--client-id ID`): `netclaw provider login {name} --issuer https://auth.example.com --client-id …`"
        )));
    };
    let ResolvedOAuthClient {
        flavour,
        issuer,
        client_id,
        redirect_uri,
        scope,
        ..
    } = resolved;
    let issuer = parse_url("OAuth issuer", &issuer)?;
    let mut config = match flavour {
        OAuthFlavour::OpenAi => OAuthClientConfig::openai_with_issuer(issuer),
        OAuthFlavour::Standard => {
            let Some(id) = client_id.clone() else {
                return Err(
                    CliError::usage(format!("provider `{name}` has no OAuth client id")).with_hint(
                        "pass `--client-id ID` (the id registered with the OAuth server)",
                    ),
                );
            };
            let redirect = redirect_uri
                .as_deref()
                .unwrap_or("http://127.0.0.1:0/auth/callback");
            OAuthClientConfig::standard(issuer, id, parse_url("redirect URI", redirect)?)
        }
    };
    if let Some(id) = client_id {
        config.client_id = id;
    }
    if let Some(redirect) = redirect_uri {
        config.redirect_uri = parse_url("redirect URI", &redirect)?;
    }
    if let Some(scope) = scope {
        config.scopes = scope.split_whitespace().map(str::to_owned).collect();
    }
    OAuthClient::discover(http.clone(), config)
        .await
        .map_err(|e| login_error(e, name))
}

/// An OAuth failure with the next thing to try.
pub(crate) fn login_error(error: OAuthError, name: &str) -> CliError {
    let again = format!("run `netclaw provider login {name}` to try again");
    let hint = match &error {
        OAuthError::Denied { .. } => again,
        OAuthError::DeviceCodeExpired => format!("the code lives 15 minutes; {again}"),
        OAuthError::DeviceCodeNotEnabled => {
            "run the command again with `--auth browser`, or with `--auth api-key`".to_owned()
        }
        OAuthError::PortsInUse { .. } => {
            "log in with a device code instead: run the command again with `--auth device`"
                .to_owned()
        }
        OAuthError::Timeout { .. } => format!(
            "{again}; if the browser cannot reach this machine, paste the redirect URL or use `--auth device`"
        ),
        OAuthError::Redirect(_) => "paste the whole URL from the browser's address bar".to_owned(),
        OAuthError::Network { .. } => {
            "check the network and any `HTTPS_PROXY` setting, then try again".to_owned()
        }
        _ => again,
    };
    CliError::from(error).with_hint(hint)
}
