//! Which metadata URLs discovery tries.

use super::*;

fn urls(issuer: &str) -> Vec<String> {
    metadata_urls(&Url::parse(issuer).unwrap())
        .into_iter()
        .map(String::from)
        .collect()
}

#[test]
fn issuer_without_path() {
    assert_eq!(
        urls("https://id.example/"),
        vec![
            "https://id.example/.well-known/openid-configuration",
            "https://id.example/.well-known/oauth-authorization-server",
        ]
    );
}

#[test]
fn issuer_with_path_inserts_rfc8414_segment() {
    assert_eq!(
        urls("https://id.example/tenant/a"),
        vec![
            "https://id.example/tenant/a/.well-known/openid-configuration",
            "https://id.example/.well-known/oauth-authorization-server/tenant/a",
            "https://id.example/tenant/a/.well-known/oauth-authorization-server",
        ]
    );
}
