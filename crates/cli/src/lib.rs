//! netclaw-cli: the `netclaw` command line; the only crate that prints or prompts.
