//! Authorization server metadata: RFC 8414 and OpenID Connect discovery from an issuer URL.

use serde::Deserialize;
use url::Url;

use crate::error::OAuthError;
use crate::http::send;

/// The fields of the server metadata netclaw uses.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServerMetadata {
    /// The issuer identifier; must equal the URL discovery started from.
    pub issuer: String,
    /// Browser authorization endpoint.
    pub authorization_endpoint: Option<Url>,
    /// Token endpoint.
    pub token_endpoint: Option<Url>,
    /// RFC 8628 device authorization endpoint.
    pub device_authorization_endpoint: Option<Url>,
    /// RFC 7009 revocation endpoint.
    pub revocation_endpoint: Option<Url>,
    /// Signing keys of id_tokens.
    pub jwks_uri: Option<Url>,
    /// Advertised scopes.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    /// Advertised PKCE methods.
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
}

/// The metadata URLs tried, in order: OIDC (`{issuer}/.well-known/openid-configuration`), RFC 8414
/// with the well-known segment inserted before the issuer's path, and RFC 8414 appended.
#[must_use]
pub fn metadata_urls(issuer: &Url) -> Vec<Url> {
    let base = issuer.as_str().trim_end_matches('/');
    let path = issuer.path().trim_end_matches('/');
    let mut origin = issuer.clone();
    origin.set_path("");
    origin.set_query(None);
    let origin = origin.as_str().trim_end_matches('/').to_owned();
    let candidates = [
        format!("{base}/.well-known/openid-configuration"),
        format!("{origin}/.well-known/oauth-authorization-server{path}"),
        format!("{base}/.well-known/oauth-authorization-server"),
    ];
    let mut urls: Vec<Url> = Vec::new();
    for c in candidates {
        if let Ok(u) = Url::parse(&c)
            && !urls.contains(&u)
        {
            urls.push(u);
        }
    }
    urls
}

/// Fetches the issuer's metadata; the first document found wins. Its `issuer` must match.
///
/// # Errors
/// [`OAuthError::Network`], [`OAuthError::InvalidResponse`] (bad JSON, issuer mismatch) or
/// [`OAuthError::Config`] when no metadata document exists.
pub async fn discover(http: &reqwest::Client, issuer: &Url) -> Result<ServerMetadata, OAuthError> {
    let mut tried = Vec::new();
    for url in metadata_urls(issuer) {
        let reply = send(
            http.get(url.clone()).header("Accept", "application/json"),
            &url,
        )
        .await?;
        if !reply.is_success() {
            tried.push(format!("`{url}` ({})", reply.status));
            continue;
        }
        let metadata: ServerMetadata = serde_json::from_slice(&reply.body).map_err(|e| {
            OAuthError::invalid(format!(
                "invalid authorization server metadata at `{url}`: {e}"
            ))
        })?;
        if metadata.issuer.trim_end_matches('/') != issuer.as_str().trim_end_matches('/') {
            return Err(OAuthError::invalid(format!(
                "the metadata at `{url}` names issuer `{}`, not `{issuer}`",
                metadata.issuer
            )));
        }
        return Ok(metadata);
    }
    Err(OAuthError::config(format!(
        "no OAuth metadata found for issuer `{issuer}`: tried {}",
        tried.join(", ")
    )))
}

#[cfg(test)]
mod tests;
