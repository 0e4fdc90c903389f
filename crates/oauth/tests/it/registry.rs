//! The flow registry: start, complete by callback or paste, status without tokens, pruning.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use netclaw_oauth::{CallbackListener, FlowRegistry, FlowStatus, OAuthError, RedirectError};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::json;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{now, openai_client};

fn later(minutes: i64) -> Timestamp {
    now()
        .checked_add(SignedDuration::from_mins(minutes))
        .unwrap()
}

async fn token_server(status: u16) -> MockServer {
    let server = MockServer::start().await;
    let body = if status == 200 {
        json!({"access_token": "at", "refresh_token": "rt", "expires_in": 3600})
    } else {
        json!({"error": "invalid_grant", "error_description": "code expired"})
    };
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn callback_completion_delivers_tokens_to_the_owner_and_status_shows_only_expiry() {
    let server = token_server(200).await;
    let client = openai_client(&server);
    let registry: std::sync::Arc<FlowRegistry<String>> = std::sync::Arc::default();
    let listener = CallbackListener::bind(&[0], "/auth/callback")
        .await
        .unwrap();
    let port = listener.port();
    let redirect_uri = listener.redirect_uri(&client.config().redirect_uri);
    let started = registry
        .start(client, &redirect_uri, "openai".to_owned(), now())
        .unwrap();
    assert_eq!(
        registry.status(&started.state, now()),
        Some(FlowStatus::Pending)
    );
    assert!(
        started
            .authorization_url
            .as_str()
            .contains(&format!("state={}", started.state))
    );

    let (r, state) = (registry.clone(), started.state.clone());
    let serving = tokio::spawn(async move {
        listener
            .serve(
                &state.clone(),
                Duration::from_secs(300),
                |code| async move { r.complete_with_code(&state, &code, now()).await },
            )
            .await
    });
    let url = format!(
        "http://127.0.0.1:{port}/auth/callback?code=c&state={}",
        started.state
    );
    let response = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(url)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let completed = serving.await.unwrap().unwrap();
    assert_eq!(completed.tag, "openai");
    assert_eq!(completed.tokens.access_token.expose_secret(), "at");
    let expires_at = Some("2026-06-23T13:00:00Z".parse().unwrap());
    assert_eq!(
        registry.status(&started.state, later(1)),
        Some(FlowStatus::Completed { expires_at })
    );

    // A second completion of the same flow is refused.
    let again = registry
        .complete_with_code(&started.state, &SecretString::from("c"), now())
        .await
        .unwrap_err();
    assert!(matches!(again, OAuthError::UnknownState { .. }));
    // Kept 10 minutes, then pruned.
    assert!(registry.status(&started.state, later(9)).is_some());
    assert_eq!(registry.status(&started.state, later(10)), None);
}

#[tokio::test]
async fn pasted_redirect_completes_and_unknown_state_is_rejected() {
    let server = token_server(200).await;
    let registry = FlowRegistry::new();
    let redirect = Url::parse("http://localhost:1455/auth/callback").unwrap();
    let started = registry
        .start(openai_client(&server), &redirect, 7_u32, now())
        .unwrap();

    let unknown = registry
        .complete_with_redirect("code=c&state=not-ours", now())
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, OAuthError::UnknownState { ref state } if state == "not-ours"),
        "{unknown:?}"
    );
    let missing = registry
        .complete_with_redirect("http://localhost:1455/auth/callback?code=c", now())
        .await
        .unwrap_err();
    assert!(matches!(
        missing,
        OAuthError::Redirect(RedirectError::MissingState)
    ));
    assert_eq!(
        registry.status(&started.state, now()),
        Some(FlowStatus::Pending)
    );

    let pasted = format!(
        "http://localhost:1455/auth/callback?code=c&state={}",
        started.state
    );
    let completed = registry
        .complete_with_redirect(&pasted, now())
        .await
        .unwrap();
    assert_eq!(completed.tag, 7);
    assert!(matches!(
        registry.status(&started.state, now()),
        Some(FlowStatus::Completed { .. })
    ));
}

#[tokio::test]
async fn failed_exchange_and_listener_failures_are_recorded() {
    let server = token_server(400).await;
    let registry = FlowRegistry::new();
    let redirect = Url::parse("http://localhost:1455/auth/callback").unwrap();
    let a = registry
        .start(openai_client(&server), &redirect, (), now())
        .unwrap();
    let err = registry
        .complete_with_code(&a.state, &SecretString::from("c"), now())
        .await
        .unwrap_err();
    assert!(
        matches!(err, OAuthError::Endpoint { status: 400, .. }),
        "{err:?}"
    );
    match registry.status(&a.state, now()) {
        Some(FlowStatus::Failed { error }) => assert!(error.contains("code expired"), "{error}"),
        other => panic!("expected Failed, got {other:?}"),
    }
    let b = registry
        .start(openai_client(&server), &redirect, (), now())
        .unwrap();
    registry.fail(
        &b.state,
        &OAuthError::Timeout {
            after: Duration::from_secs(300),
        },
        now(),
    );
    assert!(matches!(
        registry.status(&b.state, now()),
        Some(FlowStatus::Failed { .. })
    ));
    assert_eq!(registry.status("never-started", now()), None);
    // Pending flows are pruned too once the retention passes.
    let c = registry
        .start(openai_client(&server), &redirect, (), now())
        .unwrap();
    registry.prune(later(11));
    assert_eq!(registry.status(&c.state, later(11)), None);
}
