//! Loopback stand-ins for every vendor's model listing.

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::KEY;

/// One provider type and how its fake vendor is set up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vendor {
    pub(crate) type_key: &'static str,
    /// Extra `provider add` arguments (the auth), before `--endpoint`.
    pub(crate) auth_args: &'static [&'static str],
    /// What goes after the server's URI in `--endpoint`.
    pub(crate) endpoint_suffix: &'static str,
    /// Whether the API key is piped on stdin.
    pub(crate) takes_key: bool,
}

pub(crate) const API_VENDORS: [Vendor; 5] = [
    Vendor {
        type_key: "openai",
        auth_args: &["--auth", "api-key", "--api-key-stdin"],
        endpoint_suffix: "/v1",
        takes_key: true,
    },
    Vendor {
        type_key: "anthropic",
        auth_args: &["--api-key-stdin"],
        endpoint_suffix: "",
        takes_key: true,
    },
    Vendor {
        type_key: "openrouter",
        auth_args: &["--api-key-stdin"],
        endpoint_suffix: "/api/v1",
        takes_key: true,
    },
    Vendor {
        type_key: "ollama",
        auth_args: &[],
        endpoint_suffix: "",
        takes_key: false,
    },
    Vendor {
        type_key: "openai-compatible",
        auth_args: &["--auth", "api-key", "--api-key-stdin"],
        endpoint_suffix: "",
        takes_key: true,
    },
];

impl Vendor {
    /// Mounts a healthy model listing for this vendor on `server`.
    pub(crate) async fn mount_healthy(&self, server: &MockServer) {
        let bearer = format!("Bearer {KEY}");
        match self.type_key {
            "openai" => {
                Mock::given(method("GET"))
                    .and(path("/v1/models"))
                    .and(header("authorization", bearer.as_str()))
                    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                        "object": "list", "data": [{"id": "gpt-5.5", "object": "model"}]
                    })))
                    .mount(server)
                    .await;
            }
            "anthropic" => {
                Mock::given(method("GET"))
                    .and(path("/v1/models"))
                    .and(header("x-api-key", KEY))
                    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
                        {"type": "model", "id": "claude-opus-4-5", "display_name": "Claude Opus 4.5",
                         "max_input_tokens": 200000, "max_tokens": 64000}
                    ], "has_more": false})))
                    .mount(server)
                    .await;
            }
            "openrouter" => {
                Mock::given(method("GET"))
                    .and(path("/api/v1/models"))
                    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
                        {"id": "deepseek/deepseek-r1", "name": "DeepSeek R1", "context_length": 163840,
                         "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]}}
                    ]})))
                    .mount(server)
                    .await;
            }
            "ollama" => {
                Mock::given(method("GET"))
                    .and(path("/api/tags"))
                    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"models": [
                        {"name": "llama3.2:3b", "model": "llama3.2:3b"}
                    ]})))
                    .mount(server)
                    .await;
                Mock::given(method("POST"))
                    .and(path("/api/show"))
                    .and(body_json(json!({"model": "llama3.2:3b"})))
                    .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                        "model_info": {"general.architecture": "llama", "llama.context_length": 131072},
                        "capabilities": ["completion", "tools"]
                    })))
                    .mount(server)
                    .await;
            }
            _ => {
                Mock::given(method("GET"))
                    .and(path("/v1/models"))
                    .and(header("authorization", bearer.as_str()))
                    .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [
                        {"id": "qwen3-coder", "object": "model", "max_model_len": 65536}
                    ]})))
                    .mount(server)
                    .await;
            }
        }
    }

    /// The `provider add <name> <type> …` arguments for `server`.
    pub(crate) fn add_args(&self, name: &str, server: &MockServer) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "provider".into(),
            "add".into(),
            name.into(),
            self.type_key.into(),
        ];
        args.extend(self.auth_args.iter().map(|s| (*s).to_owned()));
        args.push("--endpoint".into());
        args.push(format!("{}{}", server.uri(), self.endpoint_suffix));
        args
    }

    /// What to pipe on stdin.
    pub(crate) fn stdin(&self) -> &'static str {
        if self.takes_key { KEY } else { "" }
    }
}
