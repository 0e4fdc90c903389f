//! netclaw-providers: who the providers are, whether they work, and how to talk to their models.

pub mod bearer;
