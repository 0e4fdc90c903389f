//! netclaw-daemon: the local HTTP daemon that serves providers, OAuth flows, chat and the gateway.
