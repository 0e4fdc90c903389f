//! PKCE vector from RFC 7636 appendix B, and the shape of generated values.

use super::*;

#[test]
fn rfc7636_appendix_b_vector() {
    let pkce = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    assert_eq!(
        pkce.challenge(),
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    );
}

#[test]
fn generated_verifier_and_state_are_43_url_safe_chars_and_differ() {
    let a = Pkce::generate().unwrap();
    let b = Pkce::generate().unwrap();
    assert_eq!(a.verifier_str().len(), 43);
    assert!(
        a.verifier_str()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
    );
    assert_ne!(a.verifier_str(), b.verifier_str());
    assert_eq!(a.challenge(), s256_challenge(a.verifier_str()));
    let s1 = generate_state().unwrap();
    assert_eq!(s1.len(), 43);
    assert_ne!(s1, generate_state().unwrap());
}

#[test]
fn debug_never_shows_the_verifier() {
    let pkce = Pkce::from_verifier("super-secret-verifier-value");
    let shown = format!("{pkce:?}");
    assert!(!shown.contains("super-secret"), "{shown}");
}
