//! `netclaw gateway env|setup`: what a tool needs to use the daemon's gateway, printed for a
//! shell or written into the tool's own configuration (with a backup).

use jiff::Timestamp;
use netclaw_config::GatewayKeys;
use secrecy::{ExposeSecret, SecretString};

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::home::Home;

/// The shells `gateway env` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Shell {
    /// POSIX shells (`sh`, `bash`, `zsh`).
    Sh,
    /// fish.
    Fish,
    /// PowerShell.
    Powershell,
}

/// The clients `gateway setup` configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Client {
    /// OpenAI's Codex CLI (`~/.codex/config.toml`).
    Codex,
    /// Anthropic's Claude Code (`~/.claude/settings.json`).
    Claude,
}

/// The daemon's base URL (no `/v1`): the running daemon's, else where the configuration makes
/// it listen.
pub(crate) async fn gateway_base(home: &Home, cx: &Context<'_>) -> String {
    if let Some(client) = crate::commands::daemon::running(home).await {
        return client.base_url().trim_end_matches('/').to_owned();
    }
    let daemon = home
        .store
        .load(&cx.env)
        .map(|config| config.settings.daemon)
        .unwrap_or_default();
    format!("http://{}:{}", daemon.host, daemon.port)
}

/// The credential to hand out: a new gateway key `name` (shown now, the only time), or the
/// daemon's current token (which changes at every daemon start).
fn credential(home: &Home, cx: &Context<'_>, key: Option<&str>) -> Result<SecretString, CliError> {
    let Some(name) = key else {
        let token = std::fs::read_to_string(home.paths.daemon_token_file()).map_err(|_| {
            CliError::new("no daemon token: the daemon is not running").with_hint(
                "start it with `netclaw daemon start`, or pass `--key NAME` for a key that survives restarts",
            )
        })?;
        cx.printer.warning(
            "using the daemon token, which changes at every daemon start; `--key NAME` creates a key that lasts",
        );
        return Ok(SecretString::from(token.trim().to_owned()));
    };
    if GatewayKeys::load(&home.paths)?
        .keys
        .iter()
        .any(|k| k.name == name)
    {
        return Err(CliError::usage(format!(
            "the gateway key `{name}` exists, and netclaw keeps only its hash"
        ))
        .with_hint(format!(
            "use the key you saved when you created it, or `netclaw key revoke {name}` and run this again for a new one"
        )));
    }
    let key = GatewayKeys::create(&home.paths, name, Vec::new(), None, Timestamp::now())?;
    cx.printer.message(format!(
        "Created gateway key `{name}` (shown only in what follows)"
    ));
    Ok(key)
}

fn export(shell: Shell, name: &str, value: &str) -> String {
    match shell {
        Shell::Sh => format!("export {name}='{value}'"),
        Shell::Fish => format!("set -gx {name} '{value}'"),
        Shell::Powershell => format!("$env:{name} = '{value}'"),
    }
}

/// `gateway env`.
pub(crate) async fn env(
    cx: &Context<'_>,
    key: Option<&str>,
    shell: Shell,
) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let base = gateway_base(&home, cx).await;
    let credential = credential(&home, cx, key)?;
    let secret = credential.expose_secret();
    for (name, value) in [
        ("OPENAI_BASE_URL", format!("{base}/v1").as_str()),
        ("OPENAI_API_KEY", secret),
        ("ANTHROPIC_BASE_URL", base.as_str()),
        ("ANTHROPIC_AUTH_TOKEN", secret),
    ] {
        cx.printer.data(export(shell, name, value));
    }
    Ok(Exit::Success)
}

/// The Codex CLI snippet pointing at `base`.
fn codex_snippet(base: &str) -> String {
    format!(
        "model = \"default\"\nmodel_provider = \"netclaw\"\n\n[model_providers.netclaw]\nname = \"netclaw\"\nbase_url = \"{base}/v1\"\nenv_key = \"NETCLAW_GATEWAY_KEY\"\nwire_api = \"responses\"\n"
    )
}

/// `gateway setup`.
pub(crate) async fn setup(
    cx: &Context<'_>,
    client: Client,
    key: Option<&str>,
    write: bool,
) -> Result<Exit, CliError> {
    let home = Home::open(cx)?;
    let base = gateway_base(&home, cx).await;
    match client {
        Client::Codex => {
            let snippet = codex_snippet(&base);
            if write {
                let file = codex_config_file(cx)?;
                let merged = merge_codex(&file, &snippet)?;
                write_with_backup(&file, merged.as_bytes())?;
                cx.printer
                    .success(format!("Pointed Codex at netclaw in `{}`", file.display()));
            } else {
                cx.printer.data(snippet.trim_end());
            }
            cx.printer.message(
                "Codex sends the key from NETCLAW_GATEWAY_KEY: `export NETCLAW_GATEWAY_KEY=$(netclaw key create codex)`, then `codex` (pick models as `<provider>/<model>`)",
            );
        }
        Client::Claude => {
            let credential = credential(&home, cx, key)?;
            let settings = serde_json::json!({"env": {
                "ANTHROPIC_BASE_URL": base,
                "ANTHROPIC_AUTH_TOKEN": credential.expose_secret(),
            }});
            if write {
                let file = claude_settings_file(cx)?;
                let merged = merge_claude(&file, &settings)?;
                write_with_backup(&file, merged.as_bytes())?;
                cx.printer.success(format!(
                    "Pointed Claude Code at netclaw in `{}`",
                    file.display()
                ));
            } else {
                cx.printer
                    .data(serde_json::to_string_pretty(&settings).unwrap_or_default());
                cx.printer.message(
                    "merge this into `~/.claude/settings.json` (or run with `--write`), then `claude --model <provider>/<model>`",
                );
            }
        }
    }
    Ok(Exit::Success)
}

fn user_home(cx: &Context<'_>) -> Result<std::path::PathBuf, CliError> {
    cx.env
        .get(netclaw_config::EnvVars::HOME)
        .map(std::path::PathBuf::from)
        .ok_or_else(|| {
            CliError::new("`HOME` is not set; netclaw cannot find the client's configuration")
        })
}

/// The Codex CLI's home: `$CODEX_HOME`, else `~/.codex`.
pub(crate) fn codex_home(cx: &Context<'_>) -> Result<std::path::PathBuf, CliError> {
    Ok(match cx.env.get(netclaw_config::EnvVars::CODEX_HOME) {
        Some(dir) => std::path::PathBuf::from(dir),
        None => user_home(cx)?.join(".codex"),
    })
}

fn codex_config_file(cx: &Context<'_>) -> Result<std::path::PathBuf, CliError> {
    Ok(codex_home(cx)?.join("config.toml"))
}

fn claude_settings_file(cx: &Context<'_>) -> Result<std::path::PathBuf, CliError> {
    Ok(user_home(cx)?.join(".claude/settings.json"))
}

fn read_text(file: &std::path::Path) -> Result<Option<String>, CliError> {
    match netclaw_config::fs::read_if_exists(file)? {
        None => Ok(None),
        Some(bytes) => String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| CliError::new(format!("`{}` is not text", file.display()))),
    }
}

/// The Codex configuration with netclaw's provider set (other settings kept; comments are not,
/// which is why the old file is kept as `.bak`).
fn merge_codex(file: &std::path::Path, snippet: &str) -> Result<String, CliError> {
    let parse = |text: &str| {
        text.parse::<toml::Value>().map_err(|e| {
            CliError::new(format!("`{}` is not valid TOML", file.display())).with_cause(e)
        })
    };
    let ours = parse(snippet)?;
    let mut merged = match read_text(file)? {
        Some(text) => parse(&text)?,
        None => toml::Value::Table(toml::value::Table::new()),
    };
    let (Some(table), toml::Value::Table(ours)) = (merged.as_table_mut(), ours) else {
        return Err(CliError::new(format!(
            "`{}` is not a TOML table",
            file.display()
        )));
    };
    for (key, value) in ours {
        match (table.get_mut(&key), value) {
            (Some(toml::Value::Table(existing)), toml::Value::Table(new)) => existing.extend(new),
            (_, value) => {
                table.insert(key, value);
            }
        }
    }
    toml::to_string(&merged)
        .map_err(|e| CliError::new("cannot write the Codex configuration").with_cause(e))
}

/// Claude Code's settings with netclaw's `env` entries set (everything else kept).
fn merge_claude(file: &std::path::Path, ours: &serde_json::Value) -> Result<String, CliError> {
    let mut merged = match read_text(file)? {
        Some(text) => serde_json::from_str::<serde_json::Value>(&text).map_err(|e| {
            CliError::new(format!("`{}` is not valid JSON", file.display())).with_cause(e)
        })?,
        None => serde_json::json!({}),
    };
    let Some(settings) = merged.as_object_mut() else {
        return Err(CliError::new(format!(
            "`{}` is not a JSON object",
            file.display()
        )));
    };
    let env = settings
        .entry("env")
        .or_insert_with(|| serde_json::json!({}));
    if let (Some(env), Some(ours)) = (env.as_object_mut(), ours["env"].as_object()) {
        env.extend(ours.clone());
    }
    Ok(serde_json::to_string_pretty(&merged).unwrap_or_default() + "\n")
}

/// Writes `bytes` to `file`, keeping what was there as `<file>.bak`.
fn write_with_backup(file: &std::path::Path, bytes: &[u8]) -> Result<(), CliError> {
    if let Some(old) = netclaw_config::fs::read_if_exists(file)? {
        let mut backup = file.as_os_str().to_owned();
        backup.push(".bak");
        netclaw_config::fs::write_atomic(std::path::Path::new(&backup), &old)?;
    }
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            CliError::new(format!("cannot create `{}`", dir.display())).with_cause(e)
        })?;
    }
    netclaw_config::fs::write_atomic(file, bytes)?;
    Ok(())
}
