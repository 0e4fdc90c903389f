//! RFC 8414 / OIDC discovery against wiremock, feeding `OAuthClient::discover`.

use netclaw_oauth::{OAuthClient, OAuthClientConfig, OAuthError, discover};
use serde_json::json;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::http;

fn metadata(issuer: &str) -> serde_json::Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "device_authorization_endpoint": format!("{issuer}/device"),
        "revocation_endpoint": format!("{issuer}/revoke"),
        "jwks_uri": format!("{issuer}/jwks"),
        "code_challenge_methods_supported": ["S256"]
    })
}

#[tokio::test]
async fn falls_back_from_oidc_to_rfc8414_and_explicit_endpoints_win() {
    let server = MockServer::start().await;
    let issuer = format!("{}/tenant", server.uri());
    Mock::given(method("GET"))
        .and(path("/.well-known/oauth-authorization-server/tenant"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata(&issuer)))
        .mount(&server)
        .await;
    let mut config = OAuthClientConfig::standard(
        Url::parse(&issuer).unwrap(),
        "cli",
        Url::parse("http://127.0.0.1:0/cb").unwrap(),
    );
    config.endpoints.token = Some(Url::parse("http://127.0.0.1:9/explicit-token").unwrap());
    let client = OAuthClient::discover(http(), config).await.unwrap();
    let e = client.endpoints();
    assert_eq!(e.token.as_str(), "http://127.0.0.1:9/explicit-token");
    assert_eq!(
        e.authorization.as_ref().unwrap().as_str(),
        format!("{issuer}/authorize")
    );
    assert_eq!(
        e.device_authorization.as_ref().unwrap().as_str(),
        format!("{issuer}/device")
    );
    assert_eq!(
        e.revocation.as_ref().unwrap().as_str(),
        format!("{issuer}/revoke")
    );
    assert_eq!(e.jwks.as_ref().unwrap().as_str(), format!("{issuer}/jwks"));
    let paths: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        [
            "/tenant/.well-known/openid-configuration",
            "/.well-known/oauth-authorization-server/tenant"
        ]
    );
}

#[tokio::test]
async fn oidc_document_first_and_issuer_must_match() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(metadata("https://someone-else.example")),
        )
        .mount(&server)
        .await;
    let err = discover(&http(), &Url::parse(&server.uri()).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::InvalidResponse { .. }), "{err:?}");
    assert!(err.to_string().contains("someone-else"), "{err}");
}

#[tokio::test]
async fn no_metadata_is_a_config_error_listing_what_was_tried() {
    let server = MockServer::start().await;
    let err = discover(&http(), &Url::parse(&server.uri()).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::Config { .. }), "{err:?}");
    assert!(
        err.to_string().contains("openid-configuration` (404)"),
        "{err}"
    );
}

// RFC 8032 §7.1 test 1 key pair: PKCS#8 v1 DER for signing, the raw public key for the JWKS.
const SEED_HEX: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
const PUBLIC_HEX: &str = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn sign(claims: &serde_json::Value) -> secrecy::SecretString {
    let mut der = hex("302e020100300506032b657004220420");
    der.extend(hex(SEED_HEX));
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some("key-1".into());
    let key = jsonwebtoken::EncodingKey::from_ed_der(&der);
    secrecy::SecretString::from(jsonwebtoken::encode(&header, claims, &key).unwrap())
}

#[tokio::test]
async fn id_token_is_verified_against_the_discovered_jwks() {
    use base64::Engine as _;
    let server = MockServer::start().await;
    let issuer = server.uri();
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata(&issuer)))
        .mount(&server)
        .await;
    let x = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hex(PUBLIC_HEX));
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "kid": "key-1", "use": "sig", "x": x}
        ]})))
        .mount(&server)
        .await;
    let config = OAuthClientConfig::standard(
        Url::parse(&issuer).unwrap(),
        "cli",
        Url::parse("http://127.0.0.1:0/cb").unwrap(),
    );
    let client = OAuthClient::discover(http(), config).await.unwrap();
    let now = crate::support::now();
    let exp = now.as_second() + 600;
    let good = sign(&json!({"iss": issuer, "aud": "cli", "exp": exp, "sub": "user-1"}));
    let claims = client.verify_id_token(&good, now).await.unwrap();
    assert_eq!(claims.sub.as_deref(), Some("user-1"));

    let wrong_audience = sign(&json!({"iss": issuer, "aud": "other", "exp": exp}));
    let err = client
        .verify_id_token(&wrong_audience, now)
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::Jwt { .. }), "{err:?}");
    let expired = sign(&json!({"iss": issuer, "aud": "cli", "exp": now.as_second() - 3600}));
    let err = client.verify_id_token(&expired, now).await.unwrap_err();
    assert_eq!(err.to_string(), "the id_token has expired");
}

#[tokio::test]
async fn a_login_whose_id_token_the_server_did_not_sign_is_refused() {
    use base64::Engine as _;
    use secrecy::ExposeSecret as _;
    let server = MockServer::start().await;
    let issuer = server.uri();
    Mock::given(method("GET"))
        .and(path("/.well-known/openid-configuration"))
        .respond_with(ResponseTemplate::new(200).set_body_json(metadata(&issuer)))
        .mount(&server)
        .await;
    // The server publishes a key the id_tokens below were not signed with.
    let other_key = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode([7u8; 32]);
    Mock::given(method("GET"))
        .and(path("/jwks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"keys": [
            {"kty": "OKP", "crv": "Ed25519", "kid": "key-1", "use": "sig", "x": other_key}
        ]})))
        .mount(&server)
        .await;
    let now = crate::support::now();
    let forged = sign(&json!({"iss": issuer, "aud": "cli", "exp": now.as_second() + 600}));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "at", "refresh_token": "rt", "expires_in": 3600,
            "token_type": "Bearer", "id_token": forged.expose_secret()
        })))
        .mount(&server)
        .await;
    let config = OAuthClientConfig::standard(
        Url::parse(&issuer).unwrap(),
        "cli",
        Url::parse("http://127.0.0.1:0/cb").unwrap(),
    );
    let client = OAuthClient::discover(http(), config).await.unwrap();
    let pending = client
        .start_authorization(&Url::parse("http://127.0.0.1:1455/cb").unwrap())
        .unwrap();
    let err = client
        .exchange_code(&pending, &secrecy::SecretString::from("code"), now)
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::Jwt { .. }), "{err:?}");
}
