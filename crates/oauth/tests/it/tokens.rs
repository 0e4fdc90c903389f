//! Refresh (form vs JSON, rotation, reauth errors) and revocation against wiremock.

use jiff::Timestamp;
use netclaw_oauth::{OAuthError, ReauthReason, RevokeOutcome, TokenSet};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{form, header, now, openai_client, standard_client};

fn previous() -> TokenSet {
    TokenSet {
        access_token: SecretString::from("access-old"),
        refresh_token: Some(SecretString::from("refresh-old")),
        id_token: None,
        expires_at: Some(Timestamp::MIN),
        account_id: Some("acct-old".into()),
    }
}

async fn token_endpoint(server: &MockServer, route: &str, status: u16, body: Value) {
    Mock::given(method("POST"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::test]
async fn openai_refresh_is_json_and_keeps_omitted_fields() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        "/oauth/token",
        200,
        json!({"access_token": "access-new", "expires_in": 3600}),
    )
    .await;
    let tokens = openai_client(&server)
        .refresh(&previous(), now())
        .await
        .unwrap();
    assert_eq!(tokens.access_token.expose_secret(), "access-new");
    assert_eq!(tokens.refresh_token.unwrap().expose_secret(), "refresh-old");
    assert_eq!(tokens.account_id.as_deref(), Some("acct-old"));
    assert_eq!(
        tokens.expires_at,
        Some("2026-06-23T13:00:00Z".parse().unwrap())
    );
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(header(request, "content-type"), "application/json");
    insta::assert_json_snapshot!("openai_refresh_body", request.body_json::<Value>().unwrap());
}

#[tokio::test]
async fn standard_refresh_is_a_form_and_rotation_overwrites() {
    let server = MockServer::start().await;
    token_endpoint(
        &server,
        "/token",
        200,
        json!({"access_token": "access-new", "refresh_token": "refresh-new", "account_id": "acct-new"}),
    )
    .await;
    let tokens = standard_client(&server)
        .refresh(&previous(), now())
        .await
        .unwrap();
    assert_eq!(tokens.refresh_token.unwrap().expose_secret(), "refresh-new");
    assert_eq!(tokens.account_id.as_deref(), Some("acct-new"));
    assert_eq!(
        tokens.expires_at, None,
        "the new expiry wins, even when absent"
    );
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(
        header(request, "content-type"),
        "application/x-www-form-urlencoded"
    );
    insta::assert_debug_snapshot!("standard_refresh_form", form(&request.body));
}

async fn refresh_error(status: u16, body: Value) -> OAuthError {
    let server = MockServer::start().await;
    token_endpoint(&server, "/oauth/token", status, body).await;
    openai_client(&server)
        .refresh(&previous(), now())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn invalid_grant_and_openai_codes_require_reauth() {
    let cases = [
        (
            400,
            json!({"error": "invalid_grant", "error_description": "Refresh token revoked"}),
            ReauthReason::InvalidGrant,
        ),
        (
            401,
            json!({"error": {"code": "refresh_token_reused", "message": "already used"}}),
            ReauthReason::RefreshTokenReused,
        ),
        (
            401,
            json!({"error": {"code": "refresh_token_expired"}}),
            ReauthReason::RefreshTokenExpired,
        ),
        (
            400,
            json!({"code": "refresh_token_invalidated"}),
            ReauthReason::RefreshTokenInvalidated,
        ),
        (401, json!({}), ReauthReason::Unauthorized),
    ];
    for (status, body, expected) in cases {
        let err = refresh_error(status, body).await;
        assert!(err.is_reauth_required(), "{err:?}");
        assert!(
            matches!(err, OAuthError::ReauthRequired { reason, .. } if reason == expected),
            "{err:?}"
        );
        assert!(err.to_string().contains("netclaw provider login"), "{err}");
    }
    let no_refresh = TokenSet {
        refresh_token: None,
        ..previous()
    };
    let server = MockServer::start().await;
    let err = openai_client(&server)
        .refresh(&no_refresh, now())
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        OAuthError::ReauthRequired {
            reason: ReauthReason::NoRefreshToken,
            ..
        }
    ));
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request without a refresh token"
    );
}

#[tokio::test]
async fn other_errors_carry_status_and_server_error_but_never_a_token() {
    let err = refresh_error(
        503,
        json!({"error": "temporarily_unavailable", "error_description": "try later"}),
    )
    .await;
    match &err {
        OAuthError::Endpoint {
            status,
            error,
            description,
            ..
        } => {
            assert_eq!(*status, 503);
            assert_eq!(error.as_deref(), Some("temporarily_unavailable"));
            assert_eq!(description.as_deref(), Some("try later"));
        }
        other => panic!("expected Endpoint, got {other:?}"),
    }
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("refresh-old") && !shown.contains("access-old"),
        "{shown}"
    );
    assert!(
        err.to_string()
            .ends_with("/oauth/token` returned HTTP 503: `temporarily_unavailable`: try later"),
        "{err}"
    );
}

#[tokio::test]
async fn revoke_where_advertised() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/revoke"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let outcome = standard_client(&server).revoke(&previous()).await.unwrap();
    assert_eq!(outcome, RevokeOutcome::Revoked);
    let request = &server.received_requests().await.unwrap()[0];
    insta::assert_debug_snapshot!("rfc7009_revoke_form", form(&request.body));

    let mut config = standard_client(&server).config().clone();
    config.endpoints.revocation = None;
    let unsupported = netclaw_oauth::OAuthClient::new(crate::support::http(), config).unwrap();
    assert_eq!(
        unsupported.revoke(&previous()).await.unwrap(),
        RevokeOutcome::NotSupported
    );
}
