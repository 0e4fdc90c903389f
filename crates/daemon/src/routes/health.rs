//! `GET /api/health`: open to all local callers; says whether the config on disk is in use.

use axum::Json;
use axum::extract::State;

use crate::api::{Health, HealthStatus};
use crate::state::AppState;

pub(crate) async fn health(State(state): State<AppState>) -> Json<Health> {
    let config_error = state.config_error();
    Json(Health {
        status: if config_error.is_some() {
            HealthStatus::Degraded
        } else {
            HealthStatus::Ok
        },
        version: env!("CARGO_PKG_VERSION").to_owned(),
        pid: std::process::id(),
        started_at: state.started_at(),
        config_loaded_at: Some(state.runtime().loaded_at()),
        config_error,
    })
}
