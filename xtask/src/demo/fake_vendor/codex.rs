//! The Codex backend side (`{uri}/backend-api/codex`): `GET /models` and `POST /responses`,
//! both only for a bearer the issuer handed out with the matching `ChatGPT-Account-Id`.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{ACCOUNT_ID, CODEX_MODELS, DEMO_LABEL, Shared, VendorEvent};

const MODELS: &str = "/backend-api/codex/models";
const RESPONSES: &str = "/backend-api/codex/responses";

pub(super) fn routes() -> axum::Router<Arc<Shared>> {
    axum::Router::new()
        .route(MODELS, get(models))
        .route(RESPONSES, post(responses))
}

/// `None` when the request may pass, else the 401 to send.
fn refuse(shared: &Shared, headers: &HeaderMap, path: &str) -> Option<Response> {
    let bearer = super::bearer(headers);
    let account = headers
        .get("chatgpt-account-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if shared.knows_access_token(&bearer) && account == ACCOUNT_ID {
        return None;
    }
    shared.record(VendorEvent::Unauthorized { path: path.into() });
    Some(
        (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {
                "message": format!("the {DEMO_LABEL} does not know this token or account"),
                "type": "invalid_request_error", "code": "invalid_api_key"
            }})),
        )
            .into_response(),
    )
}

async fn models(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if let Some(refused) = refuse(&shared, &headers, MODELS) {
        return refused;
    }
    shared.record(VendorEvent::ModelsListed {
        path: MODELS.into(),
    });
    let models: Vec<Value> = CODEX_MODELS
        .iter()
        .enumerate()
        .map(|(priority, (slug, name, window))| {
            json!({
                "slug": slug, "display_name": name,
                "description": format!("A model of the {DEMO_LABEL}"),
                "visibility": "list", "supported_in_api": true, "priority": priority,
                "context_window": window, "input_modalities": ["text", "image"]
            })
        })
        .chain(std::iter::once(json!({
            "slug": "gpt-demo-internal", "display_name": "Hidden", "visibility": "hide",
            "context_window": 8192, "input_modalities": ["text"]
        })))
        .collect();
    Json(json!({ "models": models })).into_response()
}

async fn responses(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> Response {
    if let Some(refused) = refuse(&shared, &headers, RESPONSES) {
        return refused;
    }
    let prompt = super::last_user_text(body.get("input"));
    shared.record(VendorEvent::ChatStarted {
        path: RESPONSES.into(),
        bearer: super::bearer(&headers),
        prompt: prompt.clone(),
    });
    let deltas = super::answer_deltas(&prompt);
    let text = deltas.concat();
    let frame = super::sse::frame;
    let mut frames = vec![
        frame(
            "response.created",
            &json!({"type": "response.created",
                    "response": {"id": "resp_demo", "status": "in_progress"}}),
        ),
        frame(
            "response.output_item.added",
            &json!({"type": "response.output_item.added", "output_index": 0,
                    "item": {"type": "message", "id": "msg_demo", "role": "assistant", "content": []}}),
        ),
    ];
    frames.extend(deltas.iter().map(|delta| {
        frame(
            "response.output_text.delta",
            &json!({"type": "response.output_text.delta", "item_id": "msg_demo",
                    "output_index": 0, "content_index": 0, "delta": delta}),
        )
    }));
    frames.push(frame(
        "response.output_item.done",
        &json!({"type": "response.output_item.done", "output_index": 0,
                "item": {"type": "message", "id": "msg_demo", "role": "assistant",
                         "content": [{"type": "output_text", "text": text}]}}),
    ));
    let input_tokens = prompt.split_whitespace().count();
    frames.push(frame(
        "response.completed",
        &json!({"type": "response.completed",
                "response": {"id": "resp_demo", "status": "completed",
                             "usage": {"input_tokens": input_tokens, "output_tokens": deltas.len(),
                                       "total_tokens": input_tokens + deltas.len()}}}),
    ));
    // Pause (when held) after the first text delta: the answer has visibly started.
    super::sse::respond(shared, RESPONSES, frames, 3)
}
