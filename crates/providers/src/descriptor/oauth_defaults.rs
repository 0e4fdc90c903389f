//! OAuth client settings per provider: built-in defaults and the user's `OAuth` overrides.

use std::collections::BTreeMap;

/// Which protocol variant a provider's OAuth server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthFlavour {
    /// OpenAI's server: proprietary device flow, JSON refresh body.
    OpenAi,
    /// A standard OAuth 2.0 / OIDC server found through issuer discovery.
    Standard,
}

/// Built-in OAuth client settings of a provider type (the real vendor's values).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClientDefaults {
    /// The protocol variant.
    pub flavour: OAuthFlavour,
    /// The issuer base URL every endpoint path below is joined to.
    pub issuer: &'static str,
    /// The public client id.
    pub client_id: &'static str,
    /// Token endpoint path under the issuer.
    pub token_path: &'static str,
    /// Authorization endpoint path under the issuer.
    pub authorize_path: &'static str,
    /// Device-code start path under the issuer.
    pub device_path: &'static str,
    /// Device-code polling path under the issuer (OpenAI's proprietary flow).
    pub polling_path: Option<&'static str>,
    /// The registered loopback redirect.
    pub redirect_uri: &'static str,
    /// Space-separated scopes.
    pub scope: &'static str,
    /// Extra authorize-URL parameters, in order.
    pub extra_authorize_params: &'static [(&'static str, &'static str)],
}

/// The provider's `OAuth` block in netclaw.json: each set value replaces the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthOverrides {
    /// `OAuth.Issuer`: moves every endpoint to this server.
    pub issuer: Option<String>,
    /// `OAuth.ClientId`.
    pub client_id: Option<String>,
    /// `OAuth.RedirectUri`.
    pub redirect_uri: Option<String>,
    /// `OAuth.Scope`.
    pub scope: Option<String>,
}

impl From<&netclaw_config::OAuthOverrides> for OAuthOverrides {
    fn from(o: &netclaw_config::OAuthOverrides) -> Self {
        Self {
            issuer: o.issuer.clone(),
            client_id: o.client_id.clone(),
            redirect_uri: o.redirect_uri.clone(),
            scope: o.scope.clone(),
        }
    }
}

impl OAuthOverrides {
    /// The `OAuth` block of a provider entry (all defaults when it has none).
    pub fn of(entry: &netclaw_config::ProviderEntry) -> Self {
        entry.oauth.as_ref().map(Self::from).unwrap_or_default()
    }
}

/// The OAuth client a provider actually uses: defaults with overrides applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedOAuthClient {
    /// The protocol variant.
    pub flavour: OAuthFlavour,
    /// Issuer base URL, without a trailing slash.
    pub issuer: String,
    /// Client id; `None` for a standard server configured without one.
    pub client_id: Option<String>,
    /// Token endpoint; `None` when it must be discovered from the issuer.
    pub token_endpoint: Option<String>,
    /// Authorization endpoint; `None` when it must be discovered.
    pub authorization_endpoint: Option<String>,
    /// Device-code endpoint; `None` when it must be discovered.
    pub device_endpoint: Option<String>,
    /// Device polling endpoint (OpenAI's proprietary flow).
    pub polling_endpoint: Option<String>,
    /// Redirect URI for the browser flow.
    pub redirect_uri: Option<String>,
    /// Space-separated scopes.
    pub scope: Option<String>,
    /// Extra authorize-URL parameters, in order.
    pub extra_authorize_params: BTreeMap<String, String>,
}

fn set(value: Option<&String>) -> Option<String> {
    value
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

pub(super) fn resolve(
    defaults: Option<&OAuthClientDefaults>,
    overrides: &OAuthOverrides,
) -> Option<ResolvedOAuthClient> {
    let issuer_override =
        set(overrides.issuer.as_ref()).map(|s| s.trim_end_matches('/').to_owned());
    match defaults {
        Some(d) => {
            let issuer = issuer_override.unwrap_or_else(|| d.issuer.to_owned());
            let at = |path: &str| format!("{issuer}{path}");
            Some(ResolvedOAuthClient {
                flavour: d.flavour,
                client_id: Some(
                    set(overrides.client_id.as_ref()).unwrap_or_else(|| d.client_id.to_owned()),
                ),
                token_endpoint: Some(at(d.token_path)),
                authorization_endpoint: Some(at(d.authorize_path)),
                device_endpoint: Some(at(d.device_path)),
                polling_endpoint: d.polling_path.map(at),
                redirect_uri: Some(
                    set(overrides.redirect_uri.as_ref())
                        .unwrap_or_else(|| d.redirect_uri.to_owned()),
                ),
                scope: Some(set(overrides.scope.as_ref()).unwrap_or_else(|| d.scope.to_owned())),
                extra_authorize_params: d
                    .extra_authorize_params
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
                issuer,
            })
        }
        None => issuer_override.map(|issuer| ResolvedOAuthClient {
            flavour: OAuthFlavour::Standard,
            issuer,
            client_id: set(overrides.client_id.as_ref()),
            token_endpoint: None,
            authorization_endpoint: None,
            device_endpoint: None,
            polling_endpoint: None,
            redirect_uri: set(overrides.redirect_uri.as_ref()),
            scope: set(overrides.scope.as_ref()),
            extra_authorize_params: BTreeMap::new(),
        }),
    }
}
