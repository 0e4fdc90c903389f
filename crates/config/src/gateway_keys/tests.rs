//! Gateway keys: stored only as hashes, found by them, scoped to models.
use super::{GatewayKey, GatewayKeys, key_hash};
use crate::Paths;
use secrecy::ExposeSecret;

#[test]
fn a_key_is_stored_only_as_its_hash_and_found_by_it() {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths::at(dir.path());
    let now = jiff::Timestamp::UNIX_EPOCH;
    let key = GatewayKeys::create(&paths, "editor", Vec::new(), None, now).unwrap();
    assert!(key.expose_secret().starts_with("nck_"));
    let stored = std::fs::read_to_string(paths.gateway_keys_file()).unwrap();
    assert!(!stored.contains(key.expose_secret()), "{stored}");
    assert!(stored.contains(&key_hash(key.expose_secret().as_bytes())));
    let keys = GatewayKeys::load(&paths).unwrap();
    assert_eq!(keys.find(&key).unwrap().name, "editor");
    assert!(keys.find(&"nck_other".into()).is_none());
    assert!(GatewayKeys::create(&paths, "editor", Vec::new(), None, now).is_err());
    assert!(GatewayKeys::revoke(&paths, "editor").unwrap());
    assert!(GatewayKeys::load(&paths).unwrap().find(&key).is_none());
}

#[test]
fn a_scoped_key_allows_only_its_models() {
    let key = GatewayKey {
        name: "k".into(),
        hash: String::new(),
        shown: String::new(),
        created: jiff::Timestamp::UNIX_EPOCH,
        models: vec!["work/gpt-5.5".into(), "local/*".into()],
        expires: None,
    };
    assert!(key.allows("work/gpt-5.5"));
    assert!(key.allows("WORK/gpt-5.5"));
    assert!(key.allows("local/llama3"));
    assert!(!key.allows("work/gpt-5-mini"));
    assert!(!key.allows("claude/sonnet"));
}
