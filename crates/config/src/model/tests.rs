//! Unit tests for the settings model.
