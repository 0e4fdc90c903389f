//! Chat client tests: wire snapshots, recorded streams, retries, the Codex backend rules.
