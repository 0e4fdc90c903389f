//! Credentials that stay valid: API keys and OAuth tokens refreshed single-flight and persisted.
