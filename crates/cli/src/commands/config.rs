//! `netclaw config path|show|migrate`.

use netclaw_config::{MigrationReport, SecretField};
use serde_json::{Value, json};

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;

/// `config path`: where every file lives.
pub(crate) fn path(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let p = &home.paths;
    let files = [
        ("home", p.home().to_path_buf()),
        ("config", p.config_file()),
        ("secrets", p.secrets_file()),
        ("identity", p.identity_file()),
        ("daemon", p.daemon_info_file()),
        ("log", p.daemon_log_file()),
    ];
    if cx.json() {
        let map: serde_json::Map<String, Value> = files
            .iter()
            .map(|(k, v)| ((*k).to_owned(), json!(v.display().to_string())))
            .collect();
        cx.printer.json(&map);
    } else {
        let rows: Vec<Vec<String>> = files
            .iter()
            .map(|(k, v)| vec![(*k).to_owned(), v.display().to_string()])
            .collect();
        for line in crate::humanize::table(&rows) {
            cx.printer.data(line);
        }
    }
    Ok(Exit::Success)
}

/// `config show`: the effective settings with every secret masked.
pub(crate) fn show(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let config = home.store.load(&cx.env)?;
    let mut value = serde_json::to_value(&config.settings)
        .map_err(|e| CliError::new(format!("cannot encode the settings: {e}")))?;
    if let Some(Value::Object(providers)) = value.get_mut("Providers") {
        for (name, credentials) in &config.credentials {
            let Some(Value::Object(entry)) = providers.get_mut(name) else {
                continue;
            };
            let accounts = entry.entry("Accounts").or_insert_with(|| json!({}));
            for account in &credentials.accounts {
                let Some(accounts) = accounts.as_object_mut() else {
                    break;
                };
                let shown = accounts
                    .entry(account.name.clone())
                    .or_insert_with(|| json!({}));
                for field in SecretField::ALL {
                    if let (Some(credential), Some(shown)) =
                        (account.get(field), shown.as_object_mut())
                    {
                        shown.insert(
                            field.key().to_owned(),
                            json!(format!("******** ({})", credential.source)),
                        );
                    }
                }
            }
        }
    }
    cx.printer.json(&value);
    for warning in &config.warnings {
        cx.printer.warning(warning);
    }
    Ok(Exit::Success)
}

/// `config migrate`: rewrite netclaw.json at the current version, keeping a `.bak`.
pub(crate) fn migrate(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let report = home.store.migrate()?;
    if cx.json() {
        let value = match &report {
            MigrationReport::NoFile => json!({"status": "no_file"}),
            MigrationReport::UpToDate { version } => {
                json!({"status": "up_to_date", "version": version})
            }
            MigrationReport::Migrated { from, to, backup } => json!({
                "status": "migrated", "from": from, "to": to, "backup": backup.display().to_string()
            }),
        };
        cx.printer.json(&value);
        return Ok(Exit::Success);
    }
    match report {
        MigrationReport::NoFile => cx.printer.message(format!(
            "Nothing to migrate: `{}` does not exist (run `netclaw init`)",
            home.paths.config_file().display()
        )),
        MigrationReport::UpToDate { version } => cx.printer.message(format!(
            "`{}` is already at configVersion {version}",
            home.paths.config_file().display()
        )),
        MigrationReport::Migrated { from, to, backup } => cx.printer.success(format!(
            "Migrated `{}` from configVersion {from} to {to}; the old file is `{}`",
            home.paths.config_file().display(),
            backup.display()
        )),
    }
    Ok(Exit::Success)
}
