//! Logging in to a provider: the OAuth client of a provider, the device-code screen and the
//! three-layer browser screen (open the browser, print the URL, accept a pasted redirect).

pub(crate) mod browser;
pub(crate) mod daemon_flow;
pub(crate) mod device;

use netclaw_oauth::{OAuthClient, OAuthError};
use netclaw_providers::descriptor::{OAuthOverrides, OAuthSetupError, ProviderDescriptor};

use crate::error::CliError;

/// The OAuth client of a provider: its type's defaults with the `OAuth` overrides applied;
/// a standard server's endpoints are discovered from its issuer.
pub(crate) async fn oauth_client(
    http: &reqwest::Client,
    name: &str,
    descriptor: &ProviderDescriptor,
    overrides: &OAuthOverrides,
) -> Result<OAuthClient, CliError> {
    let config = descriptor
        .oauth_client_config(overrides)
        .map_err(|e| match e {
            OAuthSetupError::NoIssuer { .. } => CliError::usage(format!(
                "provider `{name}` has no OAuth issuer"
            ))
            .with_hint(format!(
                "pass `--issuer URL` (and `--client-id ID`): `netclaw provider login {name} --issuer https://auth.example.com --client-id …`"
            )),
            OAuthSetupError::NoClientId => {
                CliError::usage(format!("provider `{name}` has no OAuth client id"))
                    .with_hint("pass `--client-id ID` (the id registered with the OAuth server)")
            }
            invalid @ OAuthSetupError::InvalidUrl { .. } => CliError::usage(invalid.to_string()),
        })?;
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
