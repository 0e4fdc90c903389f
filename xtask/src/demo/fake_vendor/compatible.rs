//! The OpenAI-compatible side: `GET /v1/models` and `POST /v1/chat/completions`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{COMPATIBLE_CONTEXT_WINDOW, COMPATIBLE_MODEL, DEMO_LABEL, Shared, VendorEvent};

pub(super) fn routes() -> axum::Router<Arc<Shared>> {
    axum::Router::new()
        .route("/v1/models", get(models))
        .route("/v1/chat/completions", post(chat_completions))
}

async fn models(State(shared): State<Arc<Shared>>) -> Json<Value> {
    shared.record(VendorEvent::ModelsListed {
        path: "/v1/models".into(),
    });
    Json(json!({
        "object": "list",
        "data": [{
            "id": COMPATIBLE_MODEL,
            "object": "model",
            "owned_by": DEMO_LABEL,
            "max_model_len": COMPATIBLE_CONTEXT_WINDOW
        }]
    }))
}

async fn chat_completions(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    let path = "/v1/chat/completions";
    let prompt = super::last_user_text(body.get("messages"));
    let model = body
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or(COMPATIBLE_MODEL)
        .to_owned();
    if model != COMPATIBLE_MODEL {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": {
                "message": format!("the {DEMO_LABEL} has no model `{model}`"),
                "type": "invalid_request_error", "code": "model_not_found"
            }})),
        )
            .into_response();
    }
    shared.record(VendorEvent::ChatStarted {
        path: path.into(),
        bearer: super::bearer(&headers),
        prompt: prompt.clone(),
    });
    let deltas = super::answer_deltas(&prompt);
    let prompt_tokens = prompt.split_whitespace().count();
    let completion_tokens = deltas.len();
    let usage = json!({
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens
    });
    let id = "chatcmpl-demo-1";
    if body.get("stream").and_then(Value::as_bool) != Some(true) {
        shared.record(VendorEvent::ChatFinished { path: path.into() });
        return Json(json!({
            "id": id, "object": "chat.completion", "created": 0, "model": model,
            "system_fingerprint": DEMO_LABEL,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": deltas.concat()}}],
            "usage": usage
        }))
        .into_response();
    }
    let chunk = |delta: Value, finish: Value| {
        super::sse::frame(
            "",
            &json!({
                "id": id, "object": "chat.completion.chunk", "created": 0, "model": model,
                "system_fingerprint": DEMO_LABEL,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]
            }),
        )
    };
    let mut frames = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    frames.extend(
        deltas
            .iter()
            .map(|d| chunk(json!({"content": d}), Value::Null)),
    );
    frames.push(chunk(json!({}), json!("stop")));
    frames.push(super::sse::frame(
        "",
        &json!({"id": id, "object": "chat.completion.chunk", "created": 0, "model": model,
                "choices": [], "usage": usage}),
    ));
    frames.push("data: [DONE]\n\n".to_owned());
    super::sse::respond(shared, path, frames, 2)
}
