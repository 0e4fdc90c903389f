//! netclaw-providers: who the providers are, whether they work, and how to talk to their models.

pub mod backoff;
pub mod bearer;
pub mod chat;
pub mod copilot;
pub mod credentials;
pub mod descriptor;
pub mod edge;
#[doc(hidden)]
pub mod fuzzing;
pub mod models;
pub mod probe;
mod redact;
pub mod resilience;
pub mod runtime;
pub mod similar;
pub mod usage;
