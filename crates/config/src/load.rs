//! `Config::load`: defaults ⊕ netclaw.json ⊕ secrets ⊕ `NETCLAW_` env, layered with figment,
//! plus the conventional key variables, keeping where every credential came from.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use figment::value::{Dict, Map as FigmentMap};
use figment::{Figment, Metadata, Profile, Provider};
use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::document::ConfigDocument;
use crate::env::{EnvSnapshot, EnvVars};
use crate::env_overrides;
use crate::error::ConfigError;
use crate::model::{AuthMethod, ProviderEntry, Settings};
use crate::paths::{Paths, PermissionWarning, check_private};
use crate::secrets::SecretField;
use crate::store::ConfigStore;

/// The layered configuration a program runs with: settings plus every provider's credentials.
///
/// Loading is a pure function of the two files, the identity and the env snapshot; a daemon
/// keeps one in memory and loads a new one when the files change.
#[derive(Debug)]
pub struct Config {
    /// Plain settings after env overrides (secret fields removed).
    pub settings: Settings,
    /// Credentials per configured provider (every provider in `settings` has an entry).
    pub credentials: BTreeMap<String, ProviderCredentials>,
    /// Things worth telling the user (`netclaw doctor`), none of them fatal.
    pub warnings: Vec<LoadWarning>,
}

/// A provider's credentials: its accounts', in the order they are tried (never empty: a
/// provider without any stored has its [`crate::DEFAULT_ACCOUNT`] with nothing in it).
#[derive(Debug)]
pub struct ProviderCredentials {
    /// Each account, in order: those of `netclaw.json` as written, then any only the secrets
    /// file names.
    pub accounts: Vec<AccountCredentials>,
}

impl Default for ProviderCredentials {
    fn default() -> Self {
        Self {
            accounts: vec![AccountCredentials::named(crate::DEFAULT_ACCOUNT)],
        }
    }
}

impl ProviderCredentials {
    /// The first account: the one a provider with a single account has.
    pub fn first(&self) -> &AccountCredentials {
        &self.accounts[0]
    }

    /// Account `name` (exact, else ignoring case).
    pub fn account(&self, name: &str) -> Option<&AccountCredentials> {
        let names = self.accounts.iter().map(|a| &a.name);
        let found = crate::ProviderName::find_in(names, name)?;
        self.accounts.iter().find(|a| &a.name == found)
    }

    fn account_mut(&mut self, name: &str) -> &mut AccountCredentials {
        let names = self.accounts.iter().map(|a| &a.name);
        let found = crate::ProviderName::find_in(names, name).cloned();
        match found.and_then(|found| self.accounts.iter().position(|a| a.name == found)) {
            Some(at) => &mut self.accounts[at],
            None => {
                self.accounts.push(AccountCredentials::named(name));
                self.accounts.last_mut().expect("just pushed")
            }
        }
    }
}

/// One account's credentials, each with where it came from.
#[derive(Debug, Default)]
pub struct AccountCredentials {
    /// The account's name as stored.
    pub name: String,
    /// `ApiKey`.
    pub api_key: Option<Credential>,
    /// `OAuthAccessToken`.
    pub oauth_access_token: Option<Credential>,
    /// `OAuthRefreshToken`.
    pub oauth_refresh_token: Option<Credential>,
    /// `OAuthIdToken`.
    pub oauth_id_token: Option<Credential>,
    /// `OAuthAccountId`.
    pub oauth_account_id: Option<Credential>,
}

impl AccountCredentials {
    fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ..Self::default()
        }
    }

    /// The credential in `field`.
    pub fn get(&self, field: SecretField) -> Option<&Credential> {
        match field {
            SecretField::ApiKey => self.api_key.as_ref(),
            SecretField::OAuthAccessToken => self.oauth_access_token.as_ref(),
            SecretField::OAuthRefreshToken => self.oauth_refresh_token.as_ref(),
            SecretField::OAuthIdToken => self.oauth_id_token.as_ref(),
            SecretField::OAuthAccountId => self.oauth_account_id.as_ref(),
        }
    }

    fn slot(&mut self, field: SecretField) -> &mut Option<Credential> {
        match field {
            SecretField::ApiKey => &mut self.api_key,
            SecretField::OAuthAccessToken => &mut self.oauth_access_token,
            SecretField::OAuthRefreshToken => &mut self.oauth_refresh_token,
            SecretField::OAuthIdToken => &mut self.oauth_id_token,
            SecretField::OAuthAccountId => &mut self.oauth_account_id,
        }
    }

    /// Whether anything is stored for it.
    pub fn is_empty(&self) -> bool {
        SecretField::ALL.iter().all(|f| self.get(*f).is_none())
    }
}

/// A secret value and where it came from.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The value; `Debug` shows `[REDACTED]`.
    pub value: SecretString,
    /// Where it came from.
    pub source: CredentialSource,
}

/// Where a credential came from; shown by `provider list` and `doctor`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// The encrypted secrets file.
    Secrets,
    /// An environment variable (`NETCLAW_Providers__x__ApiKey` or a conventional one such as
    /// `OPENAI_API_KEY`).
    Env {
        /// The variable's name.
        name: String,
    },
    /// Another program's login file, read-only (`CredentialFile`: Codex's `auth.json`).
    File {
        /// The file.
        path: String,
    },
}

impl fmt::Display for CredentialSource {
    /// `secrets`, `env:NAME` or `file:PATH`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Secrets => f.write_str("secrets"),
            Self::Env { name } => write!(f, "env:{name}"),
            Self::File { path } => write!(f, "file:{path}"),
        }
    }
}

/// A problem found while loading that does not stop netclaw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadWarning {
    /// A secrets or identity file is readable by group or others.
    InsecurePermissions(PermissionWarning),
    /// netclaw.json holds a secret field, which is ignored: secrets belong in the secrets file.
    PlaintextSecretIgnored {
        /// The provider.
        provider: String,
        /// The account it was under, when it was under `Accounts`.
        account: Option<String>,
        /// The field.
        field: SecretField,
    },
    /// The secrets file holds secrets for a provider that is not configured.
    OrphanSecrets {
        /// The provider name in the secrets file.
        provider: String,
        /// Configured providers with nothing stored: the secrets may be theirs (an older
        /// netclaw's interrupted rename), so removing them is not suggested.
        unprovided: Vec<String>,
    },
    /// A provider's `CredentialFile` cannot be used; the provider has no credential.
    CredentialFileUnusable {
        /// The provider.
        provider: String,
        /// Why.
        error: String,
    },
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InsecurePermissions(w) => w.fmt(f),
            Self::PlaintextSecretIgnored {
                provider,
                account,
                field,
            } => {
                let key = match account {
                    Some(account) => format!("Providers.{provider}.Accounts.{account}.{field}"),
                    None => format!("Providers.{provider}.{field}"),
                };
                write!(
                    f,
                    "`{key}` in netclaw.json is ignored: move it to the secrets file with `netclaw secrets set {key}` and delete it from netclaw.json"
                )
            }
            Self::CredentialFileUnusable { provider, error } => write!(
                f,
                "`{provider}` reads its login from another program's file, which cannot be used: {error}; log in again there, or `netclaw provider login {provider}` for a login of netclaw's own"
            ),
            Self::OrphanSecrets {
                provider,
                unprovided,
            } if unprovided.is_empty() => write!(
                f,
                "the secrets file holds secrets for `{provider}`, which is not configured: remove them with `netclaw provider remove {provider}`"
            ),
            Self::OrphanSecrets {
                provider,
                unprovided,
            } => write!(
                f,
                "the secrets file holds secrets for `{provider}`, which is not configured, while {} {} none: they may be {}, so netclaw keeps them; see them with `netclaw secrets list`",
                unprovided
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if unprovided.len() == 1 { "has" } else { "have" },
                if unprovided.len() == 1 {
                    "its"
                } else {
                    "theirs"
                },
            ),
        }
    }
}

impl Config {
    /// Reads both files under `paths` and layers them with `env`.
    pub fn load(paths: &Paths, env: &EnvSnapshot) -> Result<Self, ConfigError> {
        ConfigStore::new(paths.clone(), env).load(env)
    }

    /// Layers an already-read document with `env` (decrypting the secrets if not done yet).
    pub fn from_document(doc: &mut ConfigDocument, env: &EnvSnapshot) -> Result<Self, ConfigError> {
        let mut warnings = Vec::new();
        // The file alone first: its shape errors carry line and column.
        let file_settings = doc.settings()?;

        let mut config_layer = doc.config_json().clone();
        if let Some(Value::Object(providers)) = config_layer.get_mut("Providers") {
            for (name, entry) in providers.iter_mut() {
                let Value::Object(entry) = entry else {
                    continue;
                };
                for (account, field, _) in take_secrets(entry) {
                    warnings.push(LoadWarning::PlaintextSecretIgnored {
                        provider: name.clone(),
                        account,
                        field,
                    });
                }
            }
        }

        let file_names: Vec<String> = file_settings.providers.keys().cloned().collect();
        let overrides = env_overrides::collect(env, &file_names);
        // Secret fields from the env layer stay out of figment: they become credentials below.
        let mut overrides = overrides;
        let mut env_secrets: EnvSecrets = BTreeMap::new();
        if let Some(Value::Object(providers)) = overrides.tree.get_mut("Providers") {
            for (name, entry) in providers.iter_mut() {
                let Value::Object(entry) = entry else {
                    continue;
                };
                for (account, field, value) in take_secrets(entry) {
                    let Value::String(value) = value else {
                        continue;
                    };
                    let key = match &account {
                        Some(account) => format!("Providers.{name}.Accounts.{account}.{field}"),
                        None => format!("Providers.{name}.{field}"),
                    };
                    let var = overrides.origins.get(&key).cloned().unwrap_or_default();
                    env_secrets.insert((name.clone(), account, field), (value, var));
                }
            }
            // A provider the env names only for a secret is not thereby configured.
            providers.retain(|_, entry| entry.as_object().is_none_or(|e| !e.is_empty()));
        }

        let paths = doc.paths().clone();
        let figment = Figment::new()
            .merge(JsonLayer::new("defaults", None, defaults()))
            .merge(JsonLayer::new(
                "netclaw.json",
                Some(paths.config_file()),
                config_layer,
            ))
            .merge(JsonLayer::new("env", None, overrides.tree));
        let settings: Settings = figment.extract().map_err(|e| ConfigError::Invalid {
            message: describe_figment_error(&e, &overrides.origins),
        })?;

        // Layer the credentials: secrets file, then `NETCLAW_` env, then conventional variables
        // where nothing else gave one.
        let stored = &doc.secrets()?.providers;
        let mut credentials: BTreeMap<String, ProviderCredentials> = settings
            .providers
            .iter()
            .map(|(name, entry)| (name.clone(), accounts_of(entry)))
            .collect();
        let unprovided: Vec<String> = settings
            .providers
            .iter()
            .filter(|(_, entry)| entry.auth_method != AuthMethod::None)
            .filter(|(name, _)| !stored.keys().any(|s| crate::ProviderName::same(s, name)))
            .map(|(name, _)| name.clone())
            .collect();
        for (stored_name, node) in stored {
            let configured = crate::ProviderName::find_in(credentials.keys(), stored_name).cloned();
            let Some(name) = configured else {
                warnings.push(LoadWarning::OrphanSecrets {
                    provider: stored_name.clone(),
                    unprovided: unprovided.clone(),
                });
                continue;
            };
            let creds = credentials.get_mut(&name).expect("key was just found");
            for (account, secrets) in &node.accounts {
                let account = creds.account_mut(account);
                for field in SecretField::ALL {
                    if let Some(value) = secrets.field(field) {
                        *account.slot(field) = Some(Credential {
                            value: value.clone(),
                            source: CredentialSource::Secrets,
                        });
                    }
                }
            }
        }
        for creds in credentials.values_mut() {
            if creds.accounts.is_empty() {
                *creds = ProviderCredentials::default();
            }
        }
        // A secret the environment names no account for is the first account's.
        for ((name, account, field), (value, var)) in env_secrets {
            if let Some(creds) = credentials.get_mut(&name) {
                let target = match &account {
                    Some(account) => creds.account_mut(account),
                    None => &mut creds.accounts[0],
                };
                *target.slot(field) = Some(Credential {
                    value: SecretString::from(value),
                    source: CredentialSource::Env { name: var },
                });
            }
        }
        for (name, creds) in &mut credentials {
            if let Some(entry) = settings.providers.get(name) {
                apply_conventional_key(entry, &mut creds.accounts[0], env);
            }
        }
        let mut settings = settings;
        for (name, entry) in &mut settings.providers {
            for (account, plain) in &mut entry.accounts {
                let Some(file) = plain.credential_file.clone() else {
                    continue;
                };
                match crate::CodexAuth::read(std::path::Path::new(&file)) {
                    Ok(auth) => {
                        let creds = credentials.entry(name.clone()).or_default();
                        plain.oauth_token_expiry = auth.tokens.as_ref().and_then(|t| t.expires_at);
                        read_codex_login(creds.account_mut(account), auth, &file);
                    }
                    Err(error) => warnings.push(LoadWarning::CredentialFileUnusable {
                        provider: name.clone(),
                        error: error.to_string(),
                    }),
                }
            }
        }

        let mut checked = vec![paths.secrets_file()];
        checked.extend(doc_identity_file(doc));
        warnings.extend(
            checked
                .iter()
                .filter_map(|p| check_private(p))
                .map(LoadWarning::InsecurePermissions),
        );
        Ok(Self {
            settings,
            credentials,
            warnings,
        })
    }

    /// The provider named `name` (exact, else ignoring case) with its credentials.
    pub fn provider(&self, name: &str) -> Option<(&str, &ProviderEntry, &ProviderCredentials)> {
        let (key, entry) = self.settings.provider(name)?;
        let creds = self.credentials.get(key)?;
        Some((key, entry, creds))
    }
}

/// Secrets the environment gives, by provider, account (when it names one) and field: the
/// value and the variable it came from.
type EnvSecrets = BTreeMap<(String, Option<String>, SecretField), (String, String)>;

/// Removes every secret field from a provider's raw entry, its accounts' included, returning
/// each with the account it was under.
fn take_secrets(entry: &mut Map<String, Value>) -> Vec<(Option<String>, SecretField, Value)> {
    let mut taken = Vec::new();
    for field in SecretField::ALL {
        if let Some(value) = entry.shift_remove(field.key()) {
            taken.push((None, field, value));
        }
    }
    if let Some(Value::Object(accounts)) = entry.get_mut("Accounts") {
        for (account, plain) in accounts.iter_mut() {
            let Value::Object(plain) = plain else {
                continue;
            };
            for field in SecretField::ALL {
                if let Some(value) = plain.shift_remove(field.key()) {
                    taken.push((Some(account.clone()), field, value));
                }
            }
        }
        // An account named only for its secrets is not thereby given plain settings.
        accounts.retain(|account, plain| {
            let emptied = plain.as_object().is_some_and(Map::is_empty)
                && taken
                    .iter()
                    .any(|(a, _, _)| a.as_deref() == Some(account.as_str()));
            !emptied
        });
        if accounts.is_empty() {
            entry.shift_remove("Accounts");
        }
    }
    taken
}

/// The accounts `netclaw.json` names for `entry`, in order, with nothing loaded yet.
fn accounts_of(entry: &ProviderEntry) -> ProviderCredentials {
    ProviderCredentials {
        accounts: entry
            .accounts
            .keys()
            .map(|name| AccountCredentials::named(name))
            .collect(),
    }
}

/// Takes a Codex login as an account's credential, every field marked as read from `file`.
fn read_codex_login(creds: &mut AccountCredentials, auth: crate::CodexAuth, file: &str) {
    let from_file = |value: SecretString| Credential {
        value,
        source: CredentialSource::File {
            path: file.to_owned(),
        },
    };
    creds.api_key = auth.api_key.map(from_file);
    if let Some(tokens) = auth.tokens {
        creds.oauth_access_token = Some(from_file(tokens.access_token));
        creds.oauth_refresh_token = tokens.refresh_token.map(from_file);
        creds.oauth_id_token = tokens.id_token.map(from_file);
        creds.oauth_account_id = tokens.account_id.map(SecretString::from).map(from_file);
    }
}

fn doc_identity_file(doc: &ConfigDocument) -> Option<PathBuf> {
    doc.identity_source().file().map(PathBuf::from)
}

/// The conventional variables for a provider type, in the order they are tried, used only
/// when nothing is stored.
pub fn conventional_key_vars(provider_type: &str) -> &'static [&'static str] {
    const TABLE: &[(&str, &[&str])] = &[
        ("openai", &[EnvVars::OPENAI_API_KEY]),
        ("anthropic", &[EnvVars::ANTHROPIC_API_KEY]),
        ("openrouter", &[EnvVars::OPENROUTER_API_KEY]),
        (
            "gemini",
            &[EnvVars::GEMINI_API_KEY, EnvVars::GOOGLE_API_KEY],
        ),
        (
            "github-copilot",
            &[
                EnvVars::COPILOT_GITHUB_TOKEN,
                EnvVars::GH_TOKEN,
                EnvVars::GITHUB_TOKEN,
            ],
        ),
    ];
    TABLE
        .iter()
        .find(|(ty, _)| ty.eq_ignore_ascii_case(provider_type))
        .map_or(&[], |(_, vars)| vars)
}

fn apply_conventional_key(
    entry: &ProviderEntry,
    creds: &mut AccountCredentials,
    env: &EnvSnapshot,
) {
    if creds.api_key.is_some() || creds.oauth_access_token.is_some() || entry.auth_method.is_oauth()
    {
        return;
    }
    let found = conventional_key_vars(&entry.provider_type)
        .iter()
        .find_map(|var| Some((*var, env.get(var)?)));
    if let Some((var, value)) = found {
        creds.api_key = Some(Credential {
            value: SecretString::from(value),
            source: CredentialSource::Env {
                name: var.to_owned(),
            },
        });
    }
}

fn defaults() -> Map<String, Value> {
    match serde_json::to_value(Settings::default()) {
        Ok(Value::Object(m)) => m,
        _ => unreachable!("settings serialize to an object"),
    }
}

/// Figment's message, naming the env variable when the bad value came from one.
fn describe_figment_error(e: &figment::Error, origins: &BTreeMap<String, String>) -> String {
    let mut parts = Vec::new();
    for err in e.clone() {
        let key = err.path.join(".");
        let from = match err.metadata.as_ref().map(|m| m.name.as_ref()) {
            Some("env") => origins
                .get(&key)
                .map(|v| format!("`{v}`"))
                .unwrap_or_else(|| "the environment".to_owned()),
            Some(name) => format!("`{name}`"),
            None => "the configuration".to_owned(),
        };
        parts.push(format!("`{key}` from {from}: {}", err.kind));
    }
    parts.join("; ")
}

/// One layer of JSON as a figment provider, named for error messages.
struct JsonLayer {
    name: &'static str,
    source: Option<PathBuf>,
    value: Map<String, Value>,
}

impl JsonLayer {
    fn new(name: &'static str, source: Option<PathBuf>, value: Map<String, Value>) -> Self {
        Self {
            name,
            source,
            value,
        }
    }
}

impl Provider for JsonLayer {
    fn metadata(&self) -> Metadata {
        let meta = Metadata::named(self.name);
        match &self.source {
            Some(path) => meta.source(figment::Source::File(path.clone())),
            None => meta,
        }
    }

    fn data(&self) -> Result<FigmentMap<Profile, Dict>, figment::Error> {
        let value = figment::value::Value::serialize(&self.value)?;
        let dict = value
            .into_dict()
            .ok_or_else(|| figment::Error::from("a layer must be a JSON object".to_owned()))?;
        Ok(Profile::Default.collect(dict))
    }
}
