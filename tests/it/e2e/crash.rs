//! `kill -9` of the daemon while it is renewing a token: the files stay readable, the refresh
//! token that was never answered still works, and a new daemon starts cleanly and renews it.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use xtask::demo::fake_vendor::{ACCOUNT_ID, FakeVendor, FakeVendorOptions, VendorEvent, answer};

use super::support::{Home, Streaming, within};

/// Configures provider `work` (ChatGPT subscription at `vendor`) with tokens the vendor issued
/// by a code exchange, expiring in 100 s: already inside the 2-minute refresh window.
async fn logged_in_with_a_token_due_for_renewal(home: &Home, vendor: &FakeVendor) {
    let tokens: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oauth/token", vendor.uri()))
        .form(&[("grant_type", "authorization_code"), ("code", "setup")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut entry = netclaw_config::ProviderEntry::new("openai");
    entry.auth_method = netclaw_config::AuthMethod::OAuthDevice;
    entry.endpoint = Some(vendor.codex_endpoint());
    entry.oauth = Some(netclaw_config::OAuthOverrides {
        issuer: Some(vendor.uri()),
        ..Default::default()
    });
    let secret = |key: &str| SecretString::from(tokens[key].as_str().unwrap());
    netclaw_config::ConfigStore::new(home.paths(), &home.env_snapshot())
        .write_provider(
            "work",
            netclaw_config::ProviderWrite {
                entry,
                credentials: netclaw_config::CredentialWrite::OAuth(netclaw_config::OAuthTokens {
                    access_token: secret("access_token"),
                    refresh_token: Some(secret("refresh_token")),
                    id_token: Some(secret("id_token")),
                    account_id: Some(SecretString::from(ACCOUNT_ID)),
                    expires_at: Some(jiff::Timestamp::now() + jiff::SignedDuration::from_secs(100)),
                }),
            },
        )
        .unwrap();
}

fn stored_refresh_token(home: &Home) -> String {
    let config = home.load();
    let (_, _, credentials) = config.provider("work").unwrap();
    credentials
        .first()
        .oauth_refresh_token
        .as_ref()
        .unwrap()
        .value
        .expose_secret()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_9_mid_refresh_leaves_readable_files_and_a_daemon_that_restarts_cleanly() {
    let vendor = FakeVendor::start(FakeVendorOptions {
        token_ttl: Duration::from_secs(3600),
        hold_refreshes: true,
        ..Default::default()
    })
    .await
    .unwrap();
    let home = Home::new();
    logged_in_with_a_token_due_for_renewal(&home, &vendor).await;
    let config_before = std::fs::read(home.paths().config_file()).unwrap();
    let mut daemon = home.start_daemon().await;

    // A chat through the daemon needs a renewal first; the vendor holds the refresh request
    // until the daemon is dead.
    let chat = Streaming::spawn(home.netclaw(&["chat", "-m", "work/gpt-demo", "hi"]));
    let started = within(
        "the daemon to ask for a refresh",
        vendor.wait_for(|e| matches!(e, VendorEvent::RefreshStarted { .. })),
    )
    .await;
    assert_eq!(
        started,
        VendorEvent::RefreshStarted {
            presented: "demo-refresh-1".into()
        }
    );
    let dead_pid = daemon.pid();
    daemon.kill_9();
    // The vendor must see the connection close before the hold ends, or it would answer the
    // refresh (rotating the token) to nobody, which is a different test.
    within(
        "the vendor to see the killed daemon's refresh abandoned",
        vendor.wait_for(|e| matches!(e, VendorEvent::RefreshAbandoned { .. })),
    )
    .await;
    vendor.release_refreshes();
    let chat = tokio::task::spawn_blocking(move || chat.finish())
        .await
        .unwrap();
    assert_ne!(chat.code, 0, "the chat cannot succeed without its daemon");

    // Both files read back: the config parses, the secrets decrypt, nothing half-written.
    assert_eq!(
        std::fs::read(home.paths().config_file()).unwrap(),
        config_before
    );
    assert_eq!(stored_refresh_token(&home), "demo-refresh-1");
    let leftovers: Vec<String> = std::fs::read_dir(home.paths().config_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "netclaw.json" && n != "secrets.json.age" && !n.ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");

    // A new daemon starts over the stale run files, and renews with the same refresh token.
    let daemon = home.start_daemon().await;
    assert_ne!(daemon.pid(), dead_pid);
    let status = home.run(&["daemon", "status", "--json"], "").await;
    status.expect_code(0);
    assert_eq!(status.json()["running"], true);
    assert_eq!(status.json()["pid"], daemon.pid());
    let chat = home
        .run(&["chat", "-m", "work/gpt-demo", "hi again"], "")
        .await;
    chat.expect_code(0);
    assert_eq!(chat.stdout, format!("{}\n", answer("hi again")));
    assert!(
        vendor.events().contains(&VendorEvent::Refreshed {
            presented: "demo-refresh-1".into(),
            access_token: "demo-access-2".into(),
            refresh_token: "demo-refresh-2".into(),
        }),
        "{:?}",
        vendor.events()
    );
    assert_eq!(stored_refresh_token(&home), "demo-refresh-2");
    daemon.stop().await;
}
