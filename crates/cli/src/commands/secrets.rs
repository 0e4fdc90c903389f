//! `netclaw secrets set <dotted.key>` (value from stdin or a hidden prompt) and `secrets list`.

use secrecy::ExposeSecret;

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;

/// `secrets set`: stores one secret, encrypted.
pub(crate) fn set(cx: &Context<'_>, key: &str) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let value = if cx.input.is_tty() {
        cx.prompter()
            .password(&format!("Value for {key}"))
            .map_err(|e| {
                e.into_cli(&format!(
                    "`printf %s \"$VALUE\" | netclaw secrets set {key}`"
                ))
            })?
    } else {
        cx.input.read_secret()?
    };
    if value.expose_secret().is_empty() {
        return Err(CliError::usage("the secret is empty").with_hint(format!(
            "pipe the value on stdin: `printf %s \"$VALUE\" | netclaw secrets set {key}`"
        )));
    }
    home.store.set_secret(key, value)?;
    cx.printer.success(format!(
        "Set `{key}` (encrypted in `{}`)",
        home.paths.secrets_file().display()
    ));
    Ok(Exit::Success)
}

/// `secrets list`: names only, never values.
pub(crate) fn list(cx: &Context<'_>) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let names = home.store.secret_names()?;
    if cx.json() {
        cx.printer.json(&names);
    } else if names.is_empty() {
        cx.printer.message("No secrets stored.");
    } else {
        for name in names {
            cx.printer.data(name);
        }
    }
    Ok(Exit::Success)
}
