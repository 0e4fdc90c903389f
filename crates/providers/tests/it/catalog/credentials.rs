//! Credentials against real files and a loopback token endpoint that rotates refresh tokens and
//! rejects reuse: single-flight refresh, cross-store races, invalid_grant, persistence order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use futures_util::future::join_all;
use jiff::{SignedDuration, Timestamp};
use netclaw_config::{
    ConfigStore, CredentialWrite, EnvSnapshot, OAuthOverrides, OAuthTokens, Paths, ProviderEntry,
    ProviderWrite,
};
use netclaw_oauth::ManualClock;
use netclaw_providers::bearer::{Bearer, CredentialError};
use netclaw_providers::credentials::{ConfigTokenStore, CredentialManager, CredentialSource};
use netclaw_providers::descriptor::AuthMethod;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn now() -> Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

/// A token endpoint that issues `access-n`/`refresh-n` and accepts each refresh token once.
#[derive(Debug, Default, Clone)]
struct RotatingServer {
    state: Arc<Mutex<(u32, String)>>,
    refreshes: Arc<AtomicUsize>,
    invalid_grants: Arc<AtomicUsize>,
}

impl RotatingServer {
    fn new() -> Self {
        Self {
            state: Arc::new(Mutex::new((0, "refresh-0".to_owned()))),
            ..Self::default()
        }
    }
}

impl Respond for RotatingServer {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let presented = body["refresh_token"].as_str().unwrap_or_default();
        let mut state = self.state.lock().unwrap();
        if presented != state.1 {
            self.invalid_grants.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(400).set_body_json(json!({
                "error": "invalid_grant", "error_description": "refresh token already used"
            }));
        }
        state.0 += 1;
        state.1 = format!("refresh-{}", state.0);
        self.refreshes.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": format!("access-{}", state.0),
            "refresh_token": state.1,
            "expires_in": 3600
        }))
    }
}

struct Home {
    _dir: tempfile::TempDir,
    paths: Paths,
    env: EnvSnapshot,
}

impl Home {
    /// A home with provider `openai` logged in through OAuth, its token expiring at `expiry`.
    fn with_openai(issuer: &str, expiry: Timestamp) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths::at(dir.path());
        let env = EnvSnapshot::from_pairs([("HOME", dir.path().to_str().unwrap())]);
        let mut entry = ProviderEntry::new("openai");
        entry.auth_method = AuthMethod::OAuthDevice;
        entry.oauth = Some(OAuthOverrides {
            issuer: Some(issuer.to_owned()),
            ..OAuthOverrides::default()
        });
        ConfigStore::new(paths.clone(), &env)
            .write_provider(
                "openai",
                ProviderWrite {
                    entry,
                    credentials: CredentialWrite::OAuth(OAuthTokens {
                        access_token: "access-0".into(),
                        refresh_token: Some("refresh-0".into()),
                        id_token: None,
                        account_id: Some("acct-1".into()),
                        expires_at: Some(expiry),
                    }),
                },
            )
            .unwrap();
        Self {
            _dir: dir,
            paths,
            env,
        }
    }

    /// An independent manager over its own store on this home (as another process would have).
    fn manager(&self, at: Timestamp) -> Arc<CredentialManager> {
        let store = ConfigTokenStore::new(
            ConfigStore::new(self.paths.clone(), &self.env),
            self.env.clone(),
        );
        Arc::new(CredentialManager::new(
            Arc::new(store),
            reqwest::Client::new(),
            Arc::new(ManualClock::new(at)),
            self.env.clone(),
        ))
    }

    /// The providers runtime of this home, at `at`.
    fn runtime(&self, at: Timestamp) -> netclaw_providers::runtime::Runtime {
        let store = ConfigStore::new(self.paths.clone(), &self.env);
        let services = netclaw_providers::runtime::Services::for_home(
            &store,
            &self.env,
            reqwest::Client::new(),
            Arc::new(ManualClock::new(at)),
        );
        netclaw_providers::runtime::Runtime::new(
            Arc::new(services),
            store.load(&self.env).unwrap(),
            at,
        )
    }

    fn stored_secret(
        &self,
        field: fn(&netclaw_config::AccountSecrets) -> Option<&SecretString>,
    ) -> String {
        let mut doc = ConfigStore::new(self.paths.clone(), &self.env)
            .read()
            .unwrap();
        let secrets = doc.provider_secrets("openai").unwrap().unwrap();
        field(secrets.account("default").unwrap())
            .unwrap()
            .expose_secret()
            .to_owned()
    }

    fn files(&self) -> (Vec<u8>, Vec<u8>) {
        (
            std::fs::read(self.paths.config_file()).unwrap(),
            std::fs::read(self.paths.secrets_file()).unwrap(),
        )
    }
}

async fn rotating_token_endpoint(expected_refreshes: u64) -> (MockServer, RotatingServer) {
    let server = MockServer::start().await;
    let rotating = RotatingServer::new();
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(rotating.clone())
        .expect(expected_refreshes)
        .mount(&server)
        .await;
    (server, rotating)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_callers_share_one_refresh() {
    let (server, rotating) = rotating_token_endpoint(1).await;
    let home = Home::with_openai(&server.uri(), now() - SignedDuration::from_mins(1));
    let manager = home.manager(now());
    let bearers = join_all((0..20).map(|_| {
        let manager = Arc::clone(&manager);
        tokio::spawn(async move { manager.bearer("openai").await })
    }))
    .await;
    for bearer in bearers {
        let bearer = bearer.unwrap().unwrap();
        assert_eq!(bearer.token.expose_secret(), "access-1");
        assert_eq!(bearer.account_id.as_deref(), Some("acct-1"));
    }
    assert_eq!(rotating.refreshes.load(Ordering::SeqCst), 1);
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_stores_on_one_home_race_without_reusing_a_refresh_token() {
    let (server, rotating) = rotating_token_endpoint(1).await;
    let home = Home::with_openai(&server.uri(), now() + SignedDuration::from_secs(30));
    let (a, b) = (home.manager(now()), home.manager(now()));
    let (ra, rb) = tokio::join!(
        tokio::spawn({
            let a = Arc::clone(&a);
            async move { a.bearer("openai").await }
        }),
        tokio::spawn({
            let b = Arc::clone(&b);
            async move { b.bearer("openai").await }
        }),
    );
    let (ra, rb) = (ra.unwrap().unwrap(), rb.unwrap().unwrap());
    assert_eq!(ra.token.expose_secret(), "access-1");
    assert_eq!(rb.token.expose_secret(), "access-1");
    assert_eq!(rotating.invalid_grants.load(Ordering::SeqCst), 0);
    assert_eq!(
        home.stored_secret(|s| s.oauth_refresh_token.as_ref()),
        "refresh-1"
    );
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotated_tokens_are_on_disk_before_the_access_token_is_handed_out() {
    let (server, _rotating) = rotating_token_endpoint(1).await;
    let home = Home::with_openai(&server.uri(), now() - SignedDuration::from_mins(5));
    let bearer = home.manager(now()).bearer("openai").await.unwrap();
    assert_eq!(bearer.token.expose_secret(), "access-1");
    // Read back through a fresh store: every rotated value is there already.
    assert_eq!(
        home.stored_secret(|s| s.oauth_refresh_token.as_ref()),
        "refresh-1"
    );
    assert_eq!(
        home.stored_secret(|s| s.oauth_access_token.as_ref()),
        "access-1"
    );
    assert_eq!(
        home.stored_secret(|s| s.oauth_account_id.as_ref()),
        "acct-1"
    );
    let entry = ConfigStore::new(home.paths.clone(), &home.env)
        .read()
        .unwrap()
        .provider("openai")
        .unwrap()
        .unwrap();
    assert_eq!(
        entry.first_token_expiry(),
        Some(now() + SignedDuration::from_hours(1))
    );
    // Another process now finds a valid token and does not refresh (the mock expects one call).
    let other = home.manager(now()).bearer("openai").await.unwrap();
    assert_eq!(other.token.expose_secret(), "access-1");
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_grant_requires_a_new_login_and_writes_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .expect(1)
        .mount(&server)
        .await;
    let home = Home::with_openai(&server.uri(), now() - SignedDuration::from_mins(1));
    let before = home.files();
    let manager = home.manager(now());
    let err = manager.bearer("openai").await.unwrap_err();
    assert!(
        matches!(err, CredentialError::ReauthRequired { ref provider } if provider == "openai"),
        "{err:?}"
    );
    assert_eq!(home.files(), before, "both files must be byte-identical");
    assert!(manager.needs_reauth("openai"));
    // Asking again does not hammer the token endpoint (it expects exactly one call).
    let again = manager.bearer("openai").await.unwrap_err();
    assert!(matches!(again, CredentialError::ReauthRequired { .. }));
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_rejection_forces_one_refresh_and_then_returns_the_newer_token() {
    let (server, _rotating) = rotating_token_endpoint(1).await;
    let home = Home::with_openai(&server.uri(), now() + SignedDuration::from_hours(1));
    let manager = home.manager(now());
    let source = manager.bearer_source("openai");
    let first = source.bearer().await.unwrap();
    assert_eq!(
        first.token.expose_secret(),
        "access-0",
        "valid tokens are not refreshed"
    );
    let renewed = source.after_rejection(&first).await.unwrap();
    assert_eq!(renewed.token.expose_secret(), "access-1");
    // A second request that was rejected with the old token gets the newer one, no refresh.
    let stale = Bearer {
        token: "access-0".into(),
        account_id: None,
    };
    let again = manager.after_rejection("openai", &stale).await.unwrap();
    assert_eq!(again.token.expose_secret(), "access-1");
    server.verify().await;
}

#[tokio::test]
async fn api_keys_come_from_secrets_else_the_conventional_variable() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let env = EnvSnapshot::from_pairs([("OPENAI_API_KEY", "sk-from-env")]);
    let store = ConfigStore::new(paths.clone(), &env);
    for (name, key) in [("stored", Some("sk-stored")), ("fromenv", None)] {
        let mut entry = ProviderEntry::new("openai");
        entry.auth_method = AuthMethod::ApiKey;
        let credentials = key.map_or(CredentialWrite::Keep, |k| CredentialWrite::ApiKey(k.into()));
        store
            .write_provider(name, ProviderWrite { entry, credentials })
            .unwrap();
    }
    let manager = CredentialManager::new(
        Arc::new(ConfigTokenStore::new(store, env.clone())),
        reqwest::Client::new(),
        Arc::new(ManualClock::new(now())),
        env,
    );
    let stored = manager.resolve("stored").await.unwrap();
    assert_eq!(stored.source, CredentialSource::Secrets);
    assert_eq!(stored.bearer.unwrap().token.expose_secret(), "sk-stored");
    let from_env = manager.resolve("FromEnv").await.unwrap();
    assert_eq!(
        from_env.source,
        CredentialSource::Env("OPENAI_API_KEY".into())
    );
    assert_eq!(from_env.source.to_string(), "env OPENAI_API_KEY");
    assert!(matches!(
        manager.bearer("missing").await.unwrap_err(),
        CredentialError::NotConfigured { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probing_a_configured_provider_refreshes_first_and_reports_reauth() {
    let (server, _rotating) = rotating_token_endpoint(1).await;
    Mock::given(method("GET"))
        .and(path("/backend-api/codex/models"))
        .and(wiremock::matchers::header(
            "authorization",
            "Bearer access-1",
        ))
        .and(wiremock::matchers::header("chatgpt-account-id", "acct-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
            {"slug": "gpt-5.5", "context_window": 272000, "input_modalities": ["text"]}
        ]})))
        .expect(1)
        .mount(&server)
        .await;
    let home = Home::with_openai(&server.uri(), now() - SignedDuration::from_mins(1));
    let mut entry = ConfigStore::new(home.paths.clone(), &home.env)
        .read()
        .unwrap()
        .provider("openai")
        .unwrap()
        .unwrap();
    entry.endpoint = Some(format!("{}/backend-api/codex", server.uri()));
    ConfigStore::new(home.paths.clone(), &home.env)
        .write_provider(
            "openai",
            ProviderWrite {
                entry,
                credentials: CredentialWrite::Keep,
            },
        )
        .unwrap();
    let runtime = home.runtime(now());
    let report = runtime.probe("openai").await;
    assert!(report.is_ok(), "{:?}", report.message);
    assert_eq!(report.models[0].id, "gpt-5.5");

    let missing = runtime.probe("nope").await;
    assert_eq!(
        missing.class,
        netclaw_providers::probe::ProbeClass::NotConfigured
    );
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probing_after_a_refused_refresh_is_reauth_required() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    let home = Home::with_openai(&server.uri(), now() - SignedDuration::from_mins(1));
    let report = home.runtime(now()).probe("openai").await;
    assert_eq!(
        report.class,
        netclaw_providers::probe::ProbeClass::ReauthRequired
    );
    insta::assert_snapshot!(report.message.unwrap(), @"the login of provider `openai` has expired; run `netclaw provider login openai`");
}
