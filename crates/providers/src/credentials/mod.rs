//! Credentials that stay valid: API keys and OAuth tokens refreshed single-flight and persisted.

mod account_id;

#[cfg(test)]
mod tests;

pub use account_id::{account_id_for, account_id_from_jwt};
