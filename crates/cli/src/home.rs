//! `Home`: the netclaw home of this invocation: its paths, its config store, the provider types.

use netclaw_config::{ConfigStore, Paths};
use netclaw_providers::descriptor::{ProviderDescriptor, ProviderRegistry};

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
