//! Each edge failure is told apart from the vendor's own refusals.

use reqwest::header::{HeaderMap, HeaderValue};

use super::*;

fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (k, v) in pairs {
        map.insert(*k, HeaderValue::from_static(v));
    }
    map
}

const CLOUDFLARE: &str = "<!DOCTYPE html><html><head><title>Just a moment...</title></head>\
    <body><script src=\"/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1\"></script></body></html>";

#[test]
fn a_cdn_challenge_is_known_by_its_header_or_its_page() {
    let html = headers(&[("content-type", "text/html; charset=UTF-8")]);
    assert_eq!(
        EdgeBlock::of_response(403, &html, CLOUDFLARE.as_bytes()),
        Some(EdgeBlock::Challenge)
    );
    let mitigated = headers(&[("cf-mitigated", "challenge")]);
    assert_eq!(
        EdgeBlock::of_response(403, &mitigated, b""),
        Some(EdgeBlock::Challenge)
    );
}

#[test]
fn a_region_block_is_known_by_the_vendors_code_or_text() {
    let json = headers(&[("content-type", "application/json")]);
    let openai = br#"{"error":{"code":"unsupported_country_region_territory","message":"Country, region, or territory not supported","type":"request_forbidden"}}"#;
    assert_eq!(
        EdgeBlock::of_response(403, &json, openai),
        Some(EdgeBlock::RegionBlocked)
    );
    let gemini = br#"{"error":{"code":400,"message":"User location is not supported for the API use.","status":"FAILED_PRECONDITION"}}"#;
    assert_eq!(
        EdgeBlock::of_response(400, &json, gemini),
        Some(EdgeBlock::RegionBlocked)
    );
}

#[test]
fn a_proxy_is_known_by_407_or_a_block_page_where_the_api_answers() {
    assert_eq!(
        EdgeBlock::of_response(407, &HeaderMap::new(), b""),
        Some(EdgeBlock::Proxy)
    );
    let html = headers(&[("content-type", "text/html")]);
    let page =
        b"<html><body><h1>Access to this site is blocked by your organization</h1></body></html>";
    assert_eq!(
        EdgeBlock::of_response(403, &html, page),
        Some(EdgeBlock::Proxy)
    );
    assert_eq!(
        EdgeBlock::of_transport("error sending request: client error (Connect): proxy tunnel: 407"),
        Some(EdgeBlock::Proxy)
    );
}

#[test]
fn the_vendors_own_refusals_are_not_edge_failures() {
    let json = headers(&[("content-type", "application/json")]);
    for (status, body) in [
        (
            403,
            &br#"{"error":{"message":"Your key lacks the model.read scope"}}"#[..],
        ),
        (429, br#"{"error":{"message":"Rate limit reached"}}"#),
        (503, br#"{"error":{"message":"overloaded"}}"#),
    ] {
        assert_eq!(EdgeBlock::of_response(status, &json, body), None);
    }
    // A 404 HTML page is a wrong endpoint, not a proxy.
    let html = headers(&[("content-type", "text/html")]);
    assert_eq!(
        EdgeBlock::of_response(404, &html, b"<html>Not Found</html>"),
        None
    );
    assert_eq!(
        EdgeBlock::of_transport("dns error: failed to lookup address"),
        None
    );
}

#[test]
fn an_unknown_issuer_is_told_apart_from_other_tls_failures() {
    assert!(untrusted_issuer("invalid peer certificate: UnknownIssuer"));
    assert!(untrusted_issuer(
        "self signed certificate in certificate chain"
    ));
    assert!(!untrusted_issuer("invalid peer certificate: Expired"));
}
