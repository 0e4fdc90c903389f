//! Entry points for the fuzz targets in `fuzz/` and their corpus replay test: untrusted bytes
//! into netclaw-config's parsers. Hidden from the docs; not an API to build on.

use std::path::Path;
use std::sync::OnceLock;

use serde_json::Value;

use crate::model::Settings;
use crate::secrets::{IdentitySource, LoadedIdentity, decrypt_payload};

/// `netclaw.json` bytes: parse, migrate, and read the typed settings.
pub fn config_file(bytes: &[u8]) {
    if let Ok(on_disk) = crate::json_file::parse_config(Path::new("netclaw.json"), bytes.to_vec()) {
        let _ = serde_json::from_value::<Settings>(Value::Object(on_disk.migrated));
    }
}

/// Secrets-file bytes. The first byte chooses: even, the bytes are the file as found (age's
/// framing, then the payload); odd, the rest is a payload encrypted here, so the fuzzer
/// reaches the payload's JSON through a valid age file.
pub fn secrets_file(bytes: &[u8]) {
    let Some((mode, rest)) = bytes.split_first() else {
        return;
    };
    let (identity, source) = fuzz_identity();
    let path = Path::new("secrets.json.age");
    if mode % 2 == 0 {
        let _ = decrypt_payload(path, rest, identity, source);
        return;
    }
    if let Ok(file) = age::encrypt(&identity.recipient, rest) {
        let _ = decrypt_payload(path, &file, identity, source).map(|p| p.providers.len());
    }
}

fn fuzz_identity() -> &'static (LoadedIdentity, IdentitySource) {
    static IDENTITY: OnceLock<(LoadedIdentity, IdentitySource)> = OnceLock::new();
    IDENTITY.get_or_init(|| {
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public();
        (
            LoadedIdentity {
                identity,
                recipient,
            },
            IdentitySource::File {
                path: "identity.txt".into(),
                from_env: false,
            },
        )
    })
}
