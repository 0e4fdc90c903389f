//! Fetching a Codex `/models` response: from any server, or live with a stored ChatGPT login.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use netclaw_config::{ConfigStore, EnvSnapshot, Paths};
use netclaw_oauth::Clock;
use netclaw_providers::bearer::Bearer;
use netclaw_providers::credentials::{
    ConfigTokenStore, CredentialManager, StoredCredential, account_id_for,
};
use netclaw_providers::descriptor::{ProviderKind, ProviderRegistry};
use netclaw_providers::probe::CODEX_CLIENT_VERSION;
use secrecy::ExposeSecret as _;

use crate::Hinted;

/// How long one request may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A fetched response: its text and where it came from.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The response body.
    pub text: String,
    /// The URL it was read from (without the query).
    pub url: String,
}

/// `GET {base}/models?client_version=…` with no credential (a server that needs none, such as a
/// test's fake or a proxy that adds its own).
pub async fn from_endpoint(base: &str) -> anyhow::Result<Fetched> {
    get(base, None).await
}

/// `GET {endpoint}/models?client_version=…` with the ChatGPT login of an OpenAI provider stored
/// in the netclaw home `home` (default: `--home`, `NETCLAW_HOME`, `~/.netclaw`): the named
/// `provider`, else the first (by name) of type `openai` signed in through OAuth. The token is
/// refreshed first when it is about to expire, and a rotated token is saved, as netclaw does.
///
/// `clock` decides whether the token is due for a refresh.
pub async fn live(
    home: Option<&Path>,
    provider: Option<&str>,
    env: EnvSnapshot,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Fetched> {
    let paths = Paths::resolve(home, &env)?;
    let store = ConfigStore::new(paths.clone(), &env);
    let settings = store
        .load(&env)
        .with_context(|| format!("reading the netclaw home `{}`", paths.home().display()))?
        .settings;
    let registry = ProviderRegistry::builtin();
    let is_codex = |type_key: &str, method: netclaw_config::AuthMethod| {
        registry
            .try_get(type_key)
            .is_some_and(|d| d.kind == ProviderKind::OpenAi)
            && method.is_oauth()
    };
    let name = match provider {
        Some(name) => name.to_owned(),
        None => settings
            .providers
            .iter()
            .find(|(_, entry)| is_codex(&entry.provider_type, entry.auth_method))
            .map(|(name, _)| name.clone())
            .ok_or_else(|| {
                Hinted::new(
                    format!(
                        "no OpenAI provider with a ChatGPT login is configured in `{}`",
                        paths.home().display()
                    ),
                    "run `netclaw provider add openai openai --auth device`, or pass `--from FILE` or `--endpoint URL`",
                )
            })?,
    };
    let manager = CredentialManager::new(
        Arc::new(ConfigTokenStore::new(store, env.clone())),
        http_client()?,
        clock,
        env,
    );
    let stored: StoredCredential = manager.stored(&name).await.map_err(|e| {
        Hinted::new(
            e.to_string(),
            format!("run `netclaw provider add {name} openai --auth device`"),
        )
    })?;
    let method = stored.auth_method.unwrap_or_default();
    if !is_codex(&stored.type_key, method) {
        return Err(Hinted::new(
            format!(
                "provider `{name}` is not OpenAI signed in with ChatGPT (type `{}`, auth `{}`)",
                stored.type_key,
                method.as_str()
            ),
            "name an OpenAI provider added with `--auth device` or `--auth browser`",
        )
        .into());
    }
    let endpoint = registry
        .try_get(&stored.type_key)
        .and_then(|d| d.effective_endpoint(stored.endpoint.as_deref(), method))
        .context("the OpenAI provider has no endpoint")?;
    let bearer = manager.bearer(&name).await.map_err(|e| {
        Hinted::new(
            format!("cannot get a valid token for provider `{name}`: {e}"),
            format!("run `netclaw provider login {name}`"),
        )
    })?;
    get(&endpoint, Some(&bearer)).await
}

fn http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .context("building the HTTP client")
}

/// The request the probe sends: `client_version`, and with a login the bearer and
/// `ChatGPT-Account-Id`.
async fn get(base: &str, bearer: Option<&Bearer>) -> anyhow::Result<Fetched> {
    let url = format!("{}/models", base.trim_end_matches('/'));
    let mut request = http_client()?
        .get(&url)
        .query(&[("client_version", CODEX_CLIENT_VERSION)])
        .header(reqwest::header::ACCEPT, "application/json");
    if let Some(bearer) = bearer {
        request = request.bearer_auth(bearer.token.expose_secret());
        if let Some(account) = account_id_for(bearer) {
            request = request.header("ChatGPT-Account-Id", account);
        }
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("requesting `{url}`"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .with_context(|| format!("reading the answer of `{url}`"))?;
    if !status.is_success() {
        anyhow::bail!("`{url}` answered HTTP {status}");
    }
    Ok(Fetched { text, url })
}
