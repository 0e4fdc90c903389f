//! Descriptor, probe, model catalog and credentials tests.

mod credentials;
mod models;
mod probe_failures;
mod probe_success;
mod support;
