//! The route table and the layers around it.

mod chat;
mod health;
mod oauth;
mod providers;
mod reload;
mod usage;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) use providers::probe_provider;

/// Largest request body accepted (images in chat requests are the big ones).
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/health", get(health::health))
        .route("/api/providers", get(providers::list))
        .route("/api/providers/{name}/probe", post(providers::probe_one))
        .route("/api/models", get(providers::models))
        .route("/api/usage", get(usage::usage))
        .route("/api/reload", post(reload::reload))
        .route("/api/chat", post(chat::chat))
        .route("/api/provider/oauth/start", post(oauth::start))
        .route("/api/provider/oauth/status/{state}", get(oauth::status))
        .route("/api/provider/oauth/redirect", post(oauth::redirect))
        .route("/v1/models", get(crate::gateway::list_models))
        .route(
            "/v1/chat/completions",
            post(crate::gateway::chat_completions),
        )
        .route("/v1/responses", post(crate::gateway::responses))
        .route("/v1/messages", post(crate::gateway::messages))
        .route(
            "/v1/messages/count_tokens",
            post(crate::gateway::count_tokens),
        )
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::security::front_door,
        ))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no route for `{}`", uri.path()))
}
