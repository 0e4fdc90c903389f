//! netclaw-oauth: the OAuth 2.0 protocol as netclaw's providers need it; no files, no prompts.
