//! `POST /api/reload`: load the files again now (the watcher does it on its own too).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use crate::api::ReloadResponse;
use crate::error::ApiError;
use crate::state::AppState;

pub(crate) async fn reload(
    State(state): State<AppState>,
) -> Result<Json<ReloadResponse>, ApiError> {
    state.reload("POST /api/reload").await.map_err(|error| {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_config", format!("the configuration on disk was not loaded: {error}"))
            .with_hint("fix the file; the previous configuration stays in use meanwhile (`netclaw doctor` checks it)")
    })?;
    let runtime = state.runtime();
    Ok(Json(ReloadResponse {
        providers: runtime.provider_names(),
        loaded_at: runtime.loaded_at(),
    }))
}
