//! Unit tests for the secrets payload and identity handling.
