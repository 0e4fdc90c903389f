//! `GET /api/usage[?refresh=true]`: every provider's limits, read without spending a turn where
//! the vendor allows it.

use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;

use crate::api::UsageResponse;
use crate::state::AppState;

/// The query of `GET /api/usage`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct UsageQuery {
    /// Read the usage endpoints now instead of the background's last read.
    #[serde(default)]
    refresh: bool,
}

pub(crate) async fn usage(
    State(state): State<AppState>,
    Query(query): Query<UsageQuery>,
) -> Json<UsageResponse> {
    let runtime = state.runtime();
    let providers = runtime.usage(&[], query.refresh).await;
    Json(UsageResponse { providers })
}
