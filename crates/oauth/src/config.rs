//! Static client configuration: who we are to the authorization server and where it lives.

use url::Url;

use crate::error::OAuthError;

/// OpenAI's issuer.
pub const OPENAI_ISSUER: &str = "https://auth.openai.com";
/// The public client id of OpenAI's Codex CLI, the one that grants ChatGPT-subscription tokens.
pub const OPENAI_CLIENT_ID: &str = "app_EMoamEEZ73f0CkXaXp7hrann";
/// The scope OpenAI's login asks for.
pub const OPENAI_SCOPE: &str = "openid profile email offline_access";
/// OpenAI's allow-listed browser redirect URI (port `1455`).
pub const OPENAI_REDIRECT_URI: &str = "http://localhost:1455/auth/callback";
/// The only other port OpenAI's allow-list accepts for the callback.
pub const OPENAI_FALLBACK_PORT: u16 = 1457;

/// Which dialect of OAuth the server speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Flavour {
    /// Plain RFC 6749 / 7636 / 8628 / 8414 / 7009.
    #[default]
    Standard,
    /// `auth.openai.com`: fixed endpoint paths, JSON refresh, a proprietary device flow.
    OpenAi,
}

/// Explicit endpoints; each one set here wins over discovery.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointOverrides {
    /// Authorization endpoint (browser).
    pub authorization: Option<Url>,
    /// Token endpoint.
    pub token: Option<Url>,
    /// RFC 8628 device authorization endpoint.
    pub device_authorization: Option<Url>,
    /// RFC 7009 revocation endpoint.
    pub revocation: Option<Url>,
    /// JWKS for id_token verification.
    pub jwks: Option<Url>,
}

/// How netclaw presents itself to one authorization server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthClientConfig {
    /// Protocol dialect.
    pub flavour: Flavour,
    /// Issuer URL, used for discovery (standard) or to derive every endpoint (OpenAI).
    pub issuer: Option<Url>,
    /// Endpoints set by hand.
    pub endpoints: EndpointOverrides,
    /// Public client id.
    pub client_id: String,
    /// Scopes, joined by spaces on the wire.
    pub scopes: Vec<String>,
    /// Browser redirect URI. Its port is the callback port (`0` = any free port, standard servers).
    pub redirect_uri: Url,
    /// Extra authorize parameters, appended in order (an existing key is replaced in place).
    pub extra_authorize_params: Vec<(String, String)>,
}

impl OAuthClientConfig {
    /// A standard server found by discovery from `issuer`.
    #[must_use]
    pub fn standard(issuer: Url, client_id: impl Into<String>, redirect_uri: Url) -> Self {
        Self {
            flavour: Flavour::Standard,
            issuer: Some(issuer),
            endpoints: EndpointOverrides::default(),
            client_id: client_id.into(),
            scopes: Vec::new(),
            redirect_uri,
            extra_authorize_params: Vec::new(),
        }
    }

    /// OpenAI's defaults (the ChatGPT-subscription login of the Codex CLI, originator `netclaw`).
    #[must_use]
    pub fn openai() -> Self {
        Self::openai_with_issuer(parse_const(OPENAI_ISSUER))
    }

    /// OpenAI's defaults against another issuer (tests point it at a loopback server).
    #[must_use]
    pub fn openai_with_issuer(issuer: Url) -> Self {
        Self {
            flavour: Flavour::OpenAi,
            issuer: Some(issuer),
            endpoints: EndpointOverrides::default(),
            client_id: OPENAI_CLIENT_ID.to_owned(),
            scopes: OPENAI_SCOPE.split(' ').map(str::to_owned).collect(),
            redirect_uri: parse_const(OPENAI_REDIRECT_URI),
            extra_authorize_params: [
                ("id_token_add_organizations", "true"),
                ("codex_cli_simplified_flow", "true"),
                ("originator", "netclaw"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        }
    }

    /// Scopes joined by spaces, `None` when there are none.
    #[must_use]
    pub fn scope(&self) -> Option<String> {
        let joined = self.scopes.join(" ");
        (!joined.trim().is_empty()).then_some(joined)
    }

    /// Ports the loopback callback listener tries, in order.
    ///
    /// OpenAI allow-lists exactly `1455` and `1457`; a standard server gets the redirect URI's port
    /// (`0` means any free port).
    #[must_use]
    pub fn callback_ports(&self) -> Vec<u16> {
        let port = self.redirect_uri.port_or_known_default().unwrap_or(0);
        match self.flavour {
            Flavour::OpenAi if port != OPENAI_FALLBACK_PORT => vec![port, OPENAI_FALLBACK_PORT],
            _ => vec![port],
        }
    }

    pub(crate) fn issuer_or_err(&self) -> Result<&Url, OAuthError> {
        self.issuer
            .as_ref()
            .ok_or_else(|| OAuthError::config("an OAuth issuer URL is required (`OAuth.Issuer`)"))
    }
}

/// `{base}{path}` where `base` may or may not end with `/`.
pub(crate) fn join_path(base: &Url, path: &str) -> Result<Url, OAuthError> {
    let joined = format!("{}{}", base.as_str().trim_end_matches('/'), path);
    Url::parse(&joined).map_err(|e| OAuthError::config(format!("invalid URL `{joined}`: {e}")))
}

fn parse_const(s: &str) -> Url {
    Url::parse(s).expect("built-in URL constants are valid")
}

#[cfg(test)]
mod tests;
