//! Paste-redirect cases, with the messages users see.

use secrecy::ExposeSecret as _;

use super::*;

fn ok(input: &str) -> RedirectParams {
    parse_redirect(input).unwrap()
}

fn err(input: &str) -> String {
    parse_redirect(input).unwrap_err().to_string()
}

#[test]
fn full_url() {
    let p = ok("http://localhost:1455/auth/callback?code=abc&state=xyz");
    assert_eq!(p.code.expose_secret(), "abc");
    assert_eq!(p.state, "xyz");
}

#[test]
fn full_url_with_whitespace_other_host_and_extra_params() {
    let p = ok("  https://example.com:9/other?scope=openid+profile&state=s%2F1&code=c%20d\n");
    assert_eq!(p.code.expose_secret(), "c d");
    assert_eq!(p.state, "s/1");
}

#[test]
fn bare_query_with_and_without_question_mark() {
    assert_eq!(ok("code=abc&state=xyz").state, "xyz");
    assert_eq!(ok("?state=xyz&code=abc").code.expose_secret(), "abc");
}

#[test]
fn empty() {
    assert_eq!(err(""), "URL is empty");
    assert_eq!(err("   \n"), "URL is empty");
}

#[test]
fn not_a_url() {
    assert_eq!(
        err("hello there"),
        "Not a valid URL. Paste the full redirect URL from your browser's address bar"
    );
    assert_eq!(
        err("/auth/callback"),
        "Not a valid URL. Paste the full redirect URL from your browser's address bar"
    );
}

#[test]
fn missing_code_or_state() {
    assert_eq!(
        err("http://localhost:1455/auth/callback?state=xyz"),
        "URL is missing the `code` parameter. Make sure you paste the complete URL after authorization"
    );
    assert_eq!(
        err("http://localhost:1455/auth/callback?code=&state=xyz"),
        "URL is missing the `code` parameter. Make sure you paste the complete URL after authorization"
    );
    assert_eq!(
        err("http://localhost:1455/auth/callback?code=abc"),
        "URL is missing the `state` parameter. Make sure you paste the complete URL after authorization"
    );
}

#[test]
fn error_redirect_is_denied_with_description() {
    let e = parse_redirect("http://localhost:1455/auth/callback?error=access_denied&error_description=User+said+no&state=x")
        .unwrap_err();
    match e {
        OAuthError::Denied { error, description } => {
            assert_eq!(error, "access_denied");
            assert_eq!(description.as_deref(), Some("User said no"));
        }
        other => panic!("expected Denied, got {other:?}"),
    }
}

#[test]
fn state_check() {
    let p = ok("code=abc&state=xyz");
    assert_eq!(p.check_state("xyz"), Ok(()));
    assert_eq!(p.check_state("xyZ"), Err(RedirectError::StateMismatch));
    assert_eq!(p.check_state("xy"), Err(RedirectError::StateMismatch));
}

#[test]
fn debug_hides_the_code() {
    let shown = format!("{:?}", ok("code=topsecretcode&state=xyz"));
    assert!(!shown.contains("topsecretcode"), "{shown}");
}
