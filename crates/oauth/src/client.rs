//! `OAuthClient`: a configuration with its endpoints resolved, and the token-endpoint calls.

use jiff::Timestamp;
use jsonwebtoken::jwk::JwkSet;
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::json;
use url::Url;

use crate::authorize::PendingAuthorization;
use crate::config::{Flavour, OAuthClientConfig, join_path};
use crate::discovery::{ServerMetadata, discover};
use crate::error::{OAuthError, ReauthReason};
use crate::http::{endpoint_error, refresh_error, send};
use crate::jwt::{IdTokenClaims, IdTokenExpectations, verify_id_token};
use crate::token::{TokenSet, parse_token_response};

/// Every endpoint a flow may need, resolved from overrides, discovery or OpenAI's fixed paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerEndpoints {
    /// The issuer (as configured), if any.
    pub issuer: Option<Url>,
    /// Browser authorization endpoint.
    pub authorization: Option<Url>,
    /// Token endpoint (code exchange, refresh, RFC 8628 polling).
    pub token: Url,
    /// Device authorization (RFC 8628) or OpenAI's `…/deviceauth/usercode`.
    pub device_authorization: Option<Url>,
    /// OpenAI's device poll endpoint `…/deviceauth/token`.
    pub device_token: Option<Url>,
    /// OpenAI's page where the user enters the code, `{issuer}/codex/device`.
    pub device_verification: Option<Url>,
    /// OpenAI's redirect URI for the device-code exchange, `{issuer}/deviceauth/callback`.
    pub device_redirect_uri: Option<Url>,
    /// RFC 7009 revocation endpoint.
    pub revocation: Option<Url>,
    /// JWKS for id_token verification.
    pub jwks: Option<Url>,
}

/// What [`OAuthClient::revoke`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokeOutcome {
    /// The server accepted the revocation.
    Revoked,
    /// The server advertises no revocation endpoint; nothing was sent.
    NotSupported,
}

/// A ready-to-use OAuth client for one server. Cheap to clone.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    pub(crate) http: reqwest::Client,
    pub(crate) config: OAuthClientConfig,
    pub(crate) endpoints: ServerEndpoints,
}

impl OAuthClient {
    /// Builds a client without network access: OpenAI's endpoints derive from its issuer; a
    /// standard server needs its endpoints set in [`OAuthClientConfig::endpoints`] (at least the
    /// token endpoint). Use [`OAuthClient::discover`] otherwise.
    ///
    /// # Errors
    /// [`OAuthError::Config`] when the token endpoint cannot be known.
    pub fn new(http: reqwest::Client, config: OAuthClientConfig) -> Result<Self, OAuthError> {
        let endpoints = resolve(&config, None)?;
        Ok(Self {
            http,
            config,
            endpoints,
        })
    }

    /// Builds a client, fetching RFC 8414 / OIDC metadata from the issuer of a standard server
    /// (endpoints set explicitly still win). OpenAI needs no discovery. A standard server
    /// configured without scopes is asked for the [`crate::DEFAULT_STANDARD_SCOPES`] it lists.
    ///
    /// # Errors
    /// Discovery errors, or [`OAuthError::Config`] when the token endpoint stays unknown.
    pub async fn discover(
        http: reqwest::Client,
        mut config: OAuthClientConfig,
    ) -> Result<Self, OAuthError> {
        // A server whose flows' endpoints are all given (GitHub has no discovery document) is
        // not asked for its metadata; one given only in part is discovered for the rest.
        let endpoints = &config.endpoints;
        let given = endpoints.token.is_some()
            && endpoints.authorization.is_some()
            && endpoints.device_authorization.is_some();
        let metadata = match (config.flavour, &config.issuer) {
            (Flavour::Standard, Some(issuer)) if !given => Some(discover(&http, issuer).await?),
            _ => None,
        };
        crate::scopes::apply_defaults(&mut config, metadata.as_ref());
        let endpoints = resolve(&config, metadata.as_ref())?;
        Ok(Self {
            http,
            config,
            endpoints,
        })
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &OAuthClientConfig {
        &self.config
    }

    /// The resolved endpoints.
    #[must_use]
    pub fn endpoints(&self) -> &ServerEndpoints {
        &self.endpoints
    }

    /// Starts a browser login for `redirect_uri` (from [`crate::CallbackListener::redirect_uri`]):
    /// fresh PKCE and state, and the authorize URL.
    ///
    /// # Errors
    /// [`OAuthError::Config`] when the server has no authorization endpoint.
    pub fn start_authorization(
        &self,
        redirect_uri: &Url,
    ) -> Result<PendingAuthorization, OAuthError> {
        let endpoint = self.authorization_endpoint()?;
        PendingAuthorization::new(endpoint, &self.config, redirect_uri)
    }

    pub(crate) fn authorization_endpoint(&self) -> Result<&Url, OAuthError> {
        self.endpoints
            .authorization
            .as_ref()
            .ok_or_else(|| OAuthError::config("this OAuth server has no authorization endpoint (browser login); use the device flow"))
    }

    /// Exchanges the authorization code of a browser login (form-encoded, RFC 6749 §4.1.3).
    ///
    /// # Errors
    /// [`OAuthError::Endpoint`] with the server's `error`/`error_description`, network and parse errors.
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        code: &SecretString,
        now: Timestamp,
    ) -> Result<TokenSet, OAuthError> {
        self.exchange(
            code.expose_secret(),
            pending.pkce.verifier_str(),
            pending.redirect_uri.as_str(),
            now,
        )
        .await
    }

    pub(crate) async fn exchange(
        &self,
        code: &str,
        verifier: &str,
        redirect_uri: &str,
        now: Timestamp,
    ) -> Result<TokenSet, OAuthError> {
        let endpoint = &self.endpoints.token;
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", self.config.client_id.as_str()),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", redirect_uri),
        ];
        let request = self
            .http
            .post(endpoint.clone())
            .header("Accept", "application/json")
            .form(&form);
        let reply = send(request, endpoint).await?;
        if !reply.is_success() {
            return Err(endpoint_error(endpoint, &reply));
        }
        let tokens = parse_token_response(&reply.body, now)?;
        // A login is a trust decision: a standard OpenID server's id_token must be signed by
        // the server's keys, for this client, and current, or the login is refused.
        if self.config.flavour == Flavour::Standard
            && self.endpoints.jwks.is_some()
            && let Some(id_token) = &tokens.id_token
        {
            self.verify_id_token(id_token, now).await?;
        }
        Ok(tokens)
    }

    /// Refreshes `previous` (form for standard servers, JSON for OpenAI). The result keeps the
    /// previous refresh token, id_token and account id where the server omitted them.
    ///
    /// # Errors
    /// [`OAuthError::ReauthRequired`] for `invalid_grant` (and OpenAI's `refresh_token_reused`,
    /// `refresh_token_expired`, `refresh_token_invalidated`, a 401, or no refresh token);
    /// [`OAuthError::Endpoint`] for other server errors (retryable by the caller).
    pub async fn refresh(
        &self,
        previous: &TokenSet,
        now: Timestamp,
    ) -> Result<TokenSet, OAuthError> {
        let Some(refresh_token) = previous.refresh_token.as_ref() else {
            return Err(OAuthError::ReauthRequired {
                reason: ReauthReason::NoRefreshToken,
                description: None,
            });
        };
        let endpoint = &self.endpoints.token;
        let request = self
            .http
            .post(endpoint.clone())
            .header("Accept", "application/json");
        let request = match self.config.flavour {
            Flavour::OpenAi => request.json(&json!({
                "client_id": self.config.client_id,
                "grant_type": "refresh_token",
                "refresh_token": refresh_token.expose_secret(),
            })),
            Flavour::Standard => request.form(&[
                ("grant_type", "refresh_token"),
                ("client_id", self.config.client_id.as_str()),
                ("refresh_token", refresh_token.expose_secret()),
            ]),
        };
        let reply = send(request, endpoint).await?;
        if !reply.is_success() {
            return Err(refresh_error(endpoint, &reply));
        }
        Ok(parse_token_response(&reply.body, now)?.merged_over(previous))
    }

    /// Revokes the refresh token (else the access token) where the server has a revocation
    /// endpoint: RFC 7009 form for standard servers, JSON for OpenAI.
    ///
    /// # Errors
    /// Network errors and [`OAuthError::Endpoint`] for a refusal.
    pub async fn revoke(&self, tokens: &TokenSet) -> Result<RevokeOutcome, OAuthError> {
        let Some(endpoint) = self.endpoints.revocation.as_ref() else {
            return Ok(RevokeOutcome::NotSupported);
        };
        let (token, hint) = match &tokens.refresh_token {
            Some(r) => (r.expose_secret(), "refresh_token"),
            None => (tokens.access_token.expose_secret(), "access_token"),
        };
        let request = self
            .http
            .post(endpoint.clone())
            .header("Accept", "application/json");
        let request = match self.config.flavour {
            Flavour::OpenAi => request.json(&json!({
                "token": token, "token_type_hint": hint, "client_id": self.config.client_id,
            })),
            Flavour::Standard => request.form(&[
                ("token", token),
                ("token_type_hint", hint),
                ("client_id", self.config.client_id.as_str()),
            ]),
        };
        let reply = send(request, endpoint).await?;
        if reply.is_success() {
            Ok(RevokeOutcome::Revoked)
        } else {
            Err(endpoint_error(endpoint, &reply))
        }
    }

    /// Verifies an OIDC id_token against the server's `jwks_uri` (signature, issuer, audience =
    /// client id, expiry against `now`).
    ///
    /// # Errors
    /// [`OAuthError::Config`] without issuer or JWKS; [`OAuthError::Jwt`] when a check fails.
    pub async fn verify_id_token(
        &self,
        id_token: &SecretString,
        now: Timestamp,
    ) -> Result<IdTokenClaims, OAuthError> {
        let issuer = self.config.issuer_or_err()?;
        let jwks_url = self.endpoints.jwks.as_ref().ok_or_else(|| {
            OAuthError::config(format!("issuer `{issuer}` advertises no `jwks_uri`"))
        })?;
        let reply = send(
            self.http
                .get(jwks_url.clone())
                .header("Accept", "application/json"),
            jwks_url,
        )
        .await?;
        if !reply.is_success() {
            return Err(endpoint_error(jwks_url, &reply));
        }
        let jwks: JwkSet = serde_json::from_slice(&reply.body)
            .map_err(|e| OAuthError::invalid(format!("invalid JWKS at `{jwks_url}`: {e}")))?;
        let expect = IdTokenExpectations {
            issuer: issuer.as_str(),
            audience: &self.config.client_id,
            now,
        };
        verify_id_token(id_token.expose_secret(), &jwks, &expect)
    }
}

fn resolve(
    config: &OAuthClientConfig,
    metadata: Option<&ServerMetadata>,
) -> Result<ServerEndpoints, OAuthError> {
    let o = &config.endpoints;
    let pick = |explicit: &Option<Url>, discovered: Option<&Option<Url>>| {
        explicit
            .clone()
            .or_else(|| discovered.and_then(Clone::clone))
    };
    match config.flavour {
        Flavour::OpenAi => {
            let issuer = config.issuer_or_err()?;
            let path = |p: &str| join_path(issuer, p);
            Ok(ServerEndpoints {
                issuer: Some(issuer.clone()),
                authorization: Some(
                    pick(&o.authorization, None).map_or_else(|| path("/oauth/authorize"), Ok)?,
                ),
                token: pick(&o.token, None).map_or_else(|| path("/oauth/token"), Ok)?,
                device_authorization: Some(
                    pick(&o.device_authorization, None)
                        .map_or_else(|| path("/api/accounts/deviceauth/usercode"), Ok)?,
                ),
                device_token: Some(path("/api/accounts/deviceauth/token")?),
                device_verification: Some(path("/codex/device")?),
                device_redirect_uri: Some(path("/deviceauth/callback")?),
                revocation: Some(
                    pick(&o.revocation, None).map_or_else(|| path("/oauth/revoke"), Ok)?,
                ),
                jwks: o.jwks.clone(),
            })
        }
        Flavour::Standard => {
            let token = pick(&o.token, metadata.map(|m| &m.token_endpoint)).ok_or_else(|| {
                OAuthError::config(
                    "the OAuth token endpoint is unknown: set `OAuth.Issuer` (for discovery) or the token endpoint",
                )
            })?;
            Ok(ServerEndpoints {
                issuer: config.issuer.clone(),
                authorization: pick(
                    &o.authorization,
                    metadata.map(|m| &m.authorization_endpoint),
                ),
                token,
                device_authorization: pick(
                    &o.device_authorization,
                    metadata.map(|m| &m.device_authorization_endpoint),
                ),
                device_token: None,
                device_verification: None,
                device_redirect_uri: None,
                revocation: pick(&o.revocation, metadata.map(|m| &m.revocation_endpoint)),
                jwks: pick(&o.jwks, metadata.map(|m| &m.jwks_uri)),
            })
        }
    }
}

#[cfg(test)]
mod tests;
