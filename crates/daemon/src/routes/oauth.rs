//! `POST /api/provider/oauth/start`, `GET /api/provider/oauth/status/{state}`,
//! `POST /api/provider/oauth/redirect`: browser logins the daemon completes and stores itself.

use axum::Json;
use axum::extract::{Path, State};

use crate::api::{
    OAuthRedirectRequest, OAuthStartRequest, OAuthStartResponse, OAuthStatusResponse,
};
use crate::error::ApiError;
use crate::state::AppState;

pub(crate) async fn start(
    State(state): State<AppState>,
    Json(request): Json<OAuthStartRequest>,
) -> Result<Json<OAuthStartResponse>, ApiError> {
    let started = state
        .flows()
        .start(
            &state,
            &request.provider,
            request.name.as_deref(),
            request.account.as_deref(),
        )
        .await?;
    Ok(Json(OAuthStartResponse {
        authorization_url: started.authorization_url.to_string(),
        state: started.state,
    }))
}

pub(crate) async fn status(
    State(state): State<AppState>,
    Path(flow): Path<String>,
) -> Result<Json<OAuthStatusResponse>, ApiError> {
    state.flows().status(&state, &flow).map(Json)
}

pub(crate) async fn redirect(
    State(state): State<AppState>,
    Json(request): Json<OAuthRedirectRequest>,
) -> Result<Json<OAuthStatusResponse>, ApiError> {
    state
        .flows()
        .complete_redirect(&state, &request.url)
        .await
        .map(Json)
}
