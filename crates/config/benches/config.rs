//! Criterion benchmarks: loading a home with 20 providers (netclaw.json + age decrypt + env
//! layering) and one durable secret write (lock, read, decrypt, encrypt, fsync, rename).
#![allow(
    missing_docs,
    reason = "criterion_group! defines an undocumented function"
)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use netclaw_config::{
    AuthMethod, Config, ConfigStore, CredentialWrite, EnvSnapshot, OAuthTokens, Paths,
    ProviderEntry, ProviderWrite, SecretString,
};

fn home_with_twenty_providers() -> (tempfile::TempDir, Paths) {
    let dir = tempfile::tempdir().expect("temp dir");
    let paths = Paths::at(dir.path().join("home"));
    let store = ConfigStore::new(paths.clone(), &EnvSnapshot::default());
    store
        .update(|doc| -> Result<(), netclaw_config::ConfigError> {
            for i in 0..20 {
                let (ty, credentials) = if i % 2 == 0 {
                    (
                        "openai",
                        CredentialWrite::OAuth(OAuthTokens {
                            access_token: SecretString::from(format!("at-{i}-{}", "x".repeat(900))),
                            refresh_token: Some(SecretString::from(format!("rt-{i}"))),
                            id_token: Some(SecretString::from(format!(
                                "id-{i}-{}",
                                "y".repeat(900)
                            ))),
                            account_id: Some(SecretString::from(format!("acct-{i}"))),
                            expires_at: Some("2030-01-01T00:00:00Z".parse().expect("timestamp")),
                        }),
                    )
                } else {
                    (
                        "anthropic",
                        CredentialWrite::ApiKey(SecretString::from(format!("sk-{i}"))),
                    )
                };
                let mut entry = ProviderEntry::new(ty);
                entry.auth_method = AuthMethod::ApiKey;
                entry.endpoint = Some(format!("https://example.test/{i}"));
                doc.write_provider(
                    &format!("provider-{i}"),
                    ProviderWrite { entry, credentials },
                )?;
            }
            Ok(())
        })
        .expect("populate home");
    (dir, paths)
}

fn benches(c: &mut Criterion) {
    let (_dir, paths) = home_with_twenty_providers();
    let env = EnvSnapshot::from_pairs([("NETCLAW_Daemon__Port", "7100")]);
    c.bench_function(
        "load home with 20 providers (config + secrets decrypt)",
        |b| {
            b.iter(|| {
                let config = Config::load(black_box(&paths), &env).expect("load");
                assert_eq!(config.settings.providers.len(), 20);
                black_box(config)
            });
        },
    );

    let store = ConfigStore::new(paths.clone(), &EnvSnapshot::default());
    let mut n = 0u64;
    c.bench_function("one durable secret write (locked read-modify-write)", |b| {
        b.iter(|| {
            n += 1;
            store
                .set_secret(
                    "Providers.provider-1.ApiKey",
                    SecretString::from(format!("sk-{n}")),
                )
                .expect("write");
        });
    });
}

criterion_group! {
    name = config;
    config = Criterion::default().sample_size(50);
    targets = benches
}
criterion_main!(config);
