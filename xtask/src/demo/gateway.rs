//! The gateway step: `POST /v1/chat/completions` on the running daemon, shown as the `curl`
//! command that does the same, with the server-sent events printed as they arrive.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use futures_util::StreamExt;
use netclaw_config::Paths;
use serde_json::json;

use super::GATEWAY_PROMPT;
use super::steps::shell_quote;

/// The daemon's address from `run/daemon.json`.
fn daemon_address(paths: &Paths) -> anyhow::Result<String> {
    let file = paths.daemon_info_file();
    let info: serde_json::Value = serde_json::from_slice(
        &std::fs::read(&file).with_context(|| format!("cannot read `{}`", file.display()))?,
    )
    .with_context(|| format!("`{}` is not JSON", file.display()))?;
    info.get("address")
        .and_then(|a| a.as_str())
        .map(str::to_owned)
        .with_context(|| format!("`{}` names no address", file.display()))
}

/// Sends one streaming chat completion for `model` through the daemon of `home`.
pub(super) async fn show(home: &Path, model: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    let paths = Paths::at(home);
    let url = format!("http://{}/v1/chat/completions", daemon_address(&paths)?);
    let token_file = paths.daemon_token_file();
    let token = std::fs::read_to_string(&token_file)
        .with_context(|| format!("cannot read `{}`", token_file.display()))?;
    let body = json!({
        "model": model,
        "stream": true,
        "messages": [{"role": "user", "content": GATEWAY_PROMPT}]
    });
    writeln!(
        out,
        "$ curl -sN {url} \\\n    -H \"Authorization: Bearer $(cat {})\" \\\n    \
         -H 'Content-Type: application/json' \\\n    -d {}",
        shell_quote(&token_file.display().to_string()),
        shell_quote(&body.to_string()),
    )?;
    out.flush()?;
    let response = reqwest::Client::new()
        .post(&url)
        .bearer_auth(token.trim())
        .json(&body)
        .send()
        .await
        .with_context(|| format!("cannot reach the daemon at `{url}`"))?;
    let status = response.status();
    if !status.is_success() {
        let text = response.text().await.unwrap_or_default();
        bail!("the gateway answered {status}: {text}");
    }
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        out.write_all(&chunk.context("the gateway stream broke")?)?;
        out.flush()?;
    }
    Ok(())
}
