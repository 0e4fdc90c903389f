//! `Home`: the netclaw home of this invocation: its paths, its config store, the provider types,
//! and the providers runtime a command uses when no daemon runs.

use std::sync::Arc;

use netclaw_config::{ConfigStore, Paths};
use netclaw_providers::descriptor::{ProviderDescriptor, ProviderRegistry};
use netclaw_providers::runtime::{Runtime, Services};

use crate::context::Context;
use crate::error::CliError;

/// The files of one netclaw home and the registry of provider types.
#[derive(Debug, Clone)]
pub(crate) struct Home {
    pub(crate) paths: Paths,
    pub(crate) store: ConfigStore,
    pub(crate) registry: ProviderRegistry,
}

impl Home {
    /// The home `--home`, `NETCLAW_HOME` or `~/.netclaw` names.
    pub(crate) fn open(cx: &Context<'_>) -> Result<Self, CliError> {
        let paths = cx.paths()?;
        let store = ConfigStore::new(paths.clone(), &cx.env);
        Ok(Self {
            paths,
            store,
            registry: ProviderRegistry::builtin(),
        })
    }

    /// The providers as configured in this home: the files read and decrypted once, then
    /// served from memory for the rest of the command, exactly as the daemon serves them.
    pub(crate) fn runtime(&self, cx: &Context<'_>) -> Result<Runtime, CliError> {
        let config = self.store.load(&cx.env)?;
        let http = crate::http::client()?;
        let services = Services::for_home(
            &self.store,
            &cx.env,
            http,
            Arc::new(netclaw_oauth::SystemClock),
        );
        Ok(Runtime::new(
            Arc::new(services),
            config,
            jiff::Timestamp::now(),
        ))
    }

    /// The descriptor of `type_key`, or an error listing the known types.
    pub(crate) fn descriptor(&self, type_key: &str) -> Result<&ProviderDescriptor, CliError> {
        self.registry.get(type_key).map_err(|e| {
            CliError::usage(e.to_string())
                .with_hint("for example `netclaw provider add local ollama`; see `netclaw provider add --help`")
        })
    }
}

/// An error for a provider name that is not configured.
pub(crate) fn no_such_provider(name: &str) -> CliError {
    CliError::new(format!("no provider named `{name}` is configured")).with_hint(
        "see `netclaw provider list`, or add one with `netclaw provider add <name> <type>`",
    )
}
