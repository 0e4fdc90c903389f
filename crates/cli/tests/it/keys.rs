//! `netclaw key create|list|revoke`: the key is printed once, alone on stdout; listings never
//! show it; durations and model names are checked where they are typed.

use crate::support::Netclaw;

#[tokio::test(flavor = "multi_thread")]
async fn a_key_is_shown_once_listed_without_it_and_revoked() {
    let netclaw = Netclaw::new();
    let created = netclaw
        .run(
            &[
                "key",
                "create",
                "codex",
                "--models",
                "work/gpt-5.5,local/*",
                "--expires",
                "30d",
            ],
            "",
        )
        .await;
    created.expect_code(0);
    let key = created.stdout.trim().to_owned();
    assert!(key.starts_with("nck_") && key.len() > 40, "{key}");
    assert!(
        created.stderr.contains("shown only now"),
        "{}",
        created.stderr
    );

    let list = netclaw.run(&["key", "list", "--json"], "").await;
    list.expect_code(0);
    assert!(!list.mentions(&key));
    let rows = list.json();
    assert_eq!(rows[0]["name"], "codex");
    assert_eq!(
        rows[0]["models"],
        serde_json::json!(["work/gpt-5.5", "local/*"])
    );
    assert!(rows[0]["expires"].is_string());
    assert_eq!(rows[0]["lastUsed"], serde_json::Value::Null);
    let stored = std::fs::read_to_string(netclaw.home().join("config/gateway-keys.json")).unwrap();
    assert!(!stored.contains(&key));

    netclaw
        .run(&["key", "create", "codex"], "")
        .await
        .expect_code(2);
    netclaw
        .run(&["key", "revoke", "codex"], "")
        .await
        .expect_code(0);
    let gone = netclaw.run(&["key", "revoke", "codex"], "").await;
    gone.expect_code(1);
    assert!(gone.stderr.contains("netclaw key list"), "{}", gone.stderr);
}

#[tokio::test(flavor = "multi_thread")]
async fn typos_in_durations_and_model_names_are_caught() {
    let netclaw = Netclaw::new();
    let bad_duration = netclaw
        .run(&["key", "create", "x", "--expires", "thirty"], "")
        .await;
    bad_duration.expect_code(2);
    assert!(
        bad_duration.stderr.contains("`30d`"),
        "{}",
        bad_duration.stderr
    );
    let bad_model = netclaw
        .run(&["key", "create", "x", "--models", "gpt-5.5"], "")
        .await;
    bad_model.expect_code(2);
    assert!(
        bad_model.stderr.contains("<provider>/<model>"),
        "{}",
        bad_model.stderr
    );
    assert!(!netclaw.home().join("config/gateway-keys.json").exists());
}
