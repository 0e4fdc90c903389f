//! The scopes a standard server is asked for when the provider names none, and the consent
//! prompt that makes an OpenID server honour `offline_access`.

use crate::config::{Flavour, OAuthClientConfig};
use crate::discovery::ServerMetadata;

/// Asked for when the server lists them: `openid` for an id_token, `profile` and `email` for
/// the login identity, `offline_access` for a refresh token (without it a login dies with its
/// first access token).
pub const DEFAULT_STANDARD_SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

/// The default scopes the server's metadata lists, in [`DEFAULT_STANDARD_SCOPES`] order. A
/// server that lists no scopes is asked for none: guessing would risk `invalid_scope`.
#[must_use]
pub fn default_scopes(metadata: &ServerMetadata) -> Vec<String> {
    DEFAULT_STANDARD_SCOPES
        .iter()
        .filter(|wanted| metadata.scopes_supported.iter().any(|s| s == *wanted))
        .map(|s| (*s).to_owned())
        .collect()
}

/// Fills in [`default_scopes`] when a standard server's configuration names none.
pub(crate) fn apply_defaults(config: &mut OAuthClientConfig, metadata: Option<&ServerMetadata>) {
    if config.flavour == Flavour::Standard
        && config.scope().is_none()
        && let Some(metadata) = metadata
    {
        config.scopes = default_scopes(metadata);
    }
}

/// OpenID Connect Core §11: an authorize request asking for `offline_access` must carry
/// `prompt=consent`, or the server drops the scope and issues no refresh token. OpenAI's own
/// dialect does not follow that rule, and a prompt the user configured wins.
pub(crate) fn consent_prompt(config: &OAuthClientConfig) -> Option<(String, String)> {
    let asks_offline = config.scopes.iter().any(|s| s == "offline_access");
    let has_prompt = config
        .extra_authorize_params
        .iter()
        .any(|(k, _)| k == "prompt");
    (config.flavour == Flavour::Standard && asks_offline && !has_prompt)
        .then(|| ("prompt".to_owned(), "consent".to_owned()))
}

#[cfg(test)]
mod tests;
