//! The route table and the layers around it.

mod gateway_error;
mod health;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;

use crate::error::ApiError;
use crate::state::AppState;

pub(crate) use gateway_error::gateway_error;

/// Largest request body accepted (images in chat requests are the big ones).
pub(crate) const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/health", get(health::health))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::security::guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::security::trace_requests,
        ))
        .with_state(state)
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no route for `{}`", uri.path()))
}
