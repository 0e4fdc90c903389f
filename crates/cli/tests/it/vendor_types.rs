//! Gemini, Venice.ai and Z.ai through the CLI against loopback fakes (add with a key, live
//! limits in `model list`, chat directly and through the daemon), and the vendors' terms where
//! a subscription login is asked for.

use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::oauth::{start_daemon, stop_daemon};
use crate::support::{KEY, Netclaw};

const ANSWER: &str = concat!(
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hello there\"}}]}\n\n",
    "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
    "data: [DONE]\n\n",
);

/// One new type: its key, endpoint suffix, listing path and body, and the model chatted with.
struct Case {
    type_key: &'static str,
    suffix: &'static str,
    listing: &'static str,
    models: serde_json::Value,
    model: &'static str,
    window: u64,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            type_key: "gemini",
            suffix: "/v1beta/openai",
            listing: "/v1beta/models",
            models: json!({"models": [{"name": "models/gemini-2.5-flash", "inputTokenLimit": 1_048_576,
                "outputTokenLimit": 65536, "supportedGenerationMethods": ["generateContent"]}]}),
            model: "gemini-2.5-flash",
            window: 1_048_576,
        },
        Case {
            type_key: "veniceai",
            suffix: "/api/v1",
            listing: "/api/v1/models",
            models: json!({"data": [{"id": "venice-uncensored",
                "model_spec": {"availableContextTokens": 32768}}]}),
            model: "venice-uncensored",
            window: 32768,
        },
        Case {
            type_key: "zai",
            suffix: "/api/coding/paas/v4",
            listing: "/api/coding/paas/v4/models",
            models: json!({"data": [{"id": "glm-5.3"}]}),
            model: "glm-5.3",
            window: 1_000_000,
        },
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn each_new_type_adds_lists_its_limits_and_chats_directly_and_through_the_daemon() {
    for case in cases() {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path(case.listing))
            .respond_with(ResponseTemplate::new(200).set_body_json(case.models.clone()))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path(format!("{}/chat/completions", case.suffix)))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .and(body_string_contains(case.model))
            .respond_with(ResponseTemplate::new(200).set_body_raw(ANSWER, "text/event-stream"))
            .mount(&server)
            .await;
        let netclaw = Netclaw::new();
        let endpoint = format!("{}{}", server.uri(), case.suffix);
        netclaw
            .run(
                &[
                    "provider",
                    "add",
                    "v",
                    case.type_key,
                    "--api-key-stdin",
                    "--endpoint",
                    &endpoint,
                ],
                KEY,
            )
            .await
            .expect_code(0);
        let list = netclaw.run(&["model", "list", "--json"], "").await;
        let model = &list.json()[0]["models"][0];
        assert_eq!(model["id"], case.model, "{}", case.type_key);
        assert_eq!(
            model["contextWindow"]["value"], case.window,
            "{}: {model}",
            case.type_key
        );
        let target = format!("v/{}", case.model);
        let direct = netclaw.run(&["chat", "-m", &target, "hi"], "").await;
        direct.expect_code(0);
        assert_eq!(direct.stdout, "hello there\n", "{}", case.type_key);
        let daemon = start_daemon(&netclaw);
        let through = netclaw.run(&["chat", "-v", "-m", &target, "hi"], "").await;
        through.expect_code(0);
        assert!(
            through.stderr.contains("through the daemon"),
            "{}",
            through.stderr
        );
        assert_eq!(through.stdout, direct.stdout);
        stop_daemon(&netclaw, daemon).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_subscription_login_where_the_vendor_forbids_it_is_refused_with_its_terms() {
    let netclaw = Netclaw::new();
    for (type_key, rule, keys) in [
        (
            "anthropic",
            "Anthropic does not allow Claude Free, Pro or Max logins",
            "https://console.anthropic.com/settings/keys",
        ),
        (
            "gemini",
            "Google does not allow Gemini CLI or Antigravity logins",
            "https://aistudio.google.com/apikey",
        ),
    ] {
        for auth in ["browser", "device"] {
            let refused = netclaw
                .run(&["provider", "add", "c", type_key, "--auth", auth], "")
                .await;
            refused.expect_code(2);
            assert!(refused.stderr.contains(rule), "{}", refused.stderr);
            assert!(
                refused
                    .stderr
                    .contains(&format!("hint: get a key at {keys}")),
                "{}",
                refused.stderr
            );
        }
    }
    assert!(!netclaw.config_file().exists());
}
