//! netclaw-config: the only crate that knows netclaw's file layout, env var names and encryption.
//!
//! Everything else receives a [`Paths`] and an [`EnvSnapshot`] and asks this crate to read or write.

mod env;
mod paths;

pub use env::{EnvSnapshot, EnvVars};
pub use paths::{Paths, PathsError};
