//! `netclaw provider remove` and `provider rename`: both files, model roles, remembered probes.

use netclaw_config::ProviderName;
use netclaw_config::{ConfigError, ModelRole};

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::{Home, no_such_provider};
use crate::probe_state;

enum RemoveRefused {
    Config(ConfigError),
    NotFound,
    InUse { name: String, roles: Vec<ModelRole> },
}

impl From<ConfigError> for RemoveRefused {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

/// `provider remove <name>`: refused while a model role points at the provider.
pub(crate) fn remove(cx: &Context<'_>, name: &str) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let outcome = home.store.update(|doc| {
        let Some(key) = doc.resolve_provider_name(name) else {
            return Err(RemoveRefused::NotFound);
        };
        let settings = doc.settings()?;
        let roles: Vec<ModelRole> = ModelRole::ALL
            .into_iter()
            .filter(|role| {
                settings
                    .models
                    .role(*role)
                    .is_some_and(|r| ProviderName::same(&r.provider, &key))
            })
            .collect();
        if !roles.is_empty() {
            return Err(RemoveRefused::InUse { name: key, roles });
        }
        doc.remove_provider(&key)?;
        Ok(key)
    });
    match outcome {
        Ok(key) => {
            probe_state::forget(&home.paths, &key, None);
            cx.printer.success(format!("Removed provider `{key}`"));
            Ok(Exit::Success)
        }
        Err(RemoveRefused::NotFound) => Err(no_such_provider(name)),
        Err(RemoveRefused::Config(e)) => Err(e.into()),
        Err(RemoveRefused::InUse { name, roles }) => {
            let keys: Vec<&str> = roles.iter().map(|r| r.key()).collect();
            let mut hint =
                String::from("run `netclaw model set <role> <provider>/<model>` to reassign");
            if roles.iter().any(|r| *r != ModelRole::Main) {
                hint.push_str(
                    ", or `netclaw model clear <fallback|compaction>` for optional roles",
                );
            }
            Err(CliError::new(format!(
                "cannot remove provider `{name}`: referenced by model role(s): {}",
                keys.join(", ")
            ))
            .with_hint(hint))
        }
    }
}

/// `provider rename <old> <new>`: both files and every model role.
pub(crate) fn rename(cx: &Context<'_>, old: &str, new: &str) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let (from, roles) = home.store.update(|doc| {
        let Some(from) = doc.resolve_provider_name(old) else {
            return Err(ConfigError::ProviderNotFound {
                name: old.to_owned(),
            });
        };
        let settings = doc.settings()?;
        let roles: Vec<&'static str> = ModelRole::ALL
            .into_iter()
            .filter(|role| {
                settings
                    .models
                    .role(*role)
                    .is_some_and(|r| ProviderName::same(&r.provider, &from))
            })
            .map(ModelRole::key)
            .collect();
        doc.rename_provider(&from, new)?;
        Ok((from, roles))
    })?;
    probe_state::forget(&home.paths, &from, Some(new));
    cx.printer
        .success(format!("Renamed provider `{from}` to `{new}`"));
    if !roles.is_empty() {
        cx.printer
            .message(format!("Reassigned model role(s): {}", roles.join(", ")));
    }
    Ok(Exit::Success)
}
