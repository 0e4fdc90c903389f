//! Command dispatch: one module per command group.

mod account;
mod chat;
mod completions;
mod config;
pub(crate) mod daemon;
mod daemon_service;
mod doctor;
pub(crate) mod gateway;
mod init;
mod key;
mod manager;
mod model;
pub(crate) mod provider;
mod secrets;
mod usage;

use crate::context::Context;
use crate::error::{CliError, Exit};
use crate::options::Task;

/// Runs `task`; `Ok` carries the exit code of a command that finished (probe may say 2).
pub(crate) async fn run(task: Task, cx: &Context<'_>) -> Result<Exit, CliError> {
    let writes = may_write_config(&task);
    let outcome = dispatch(task, cx).await;
    if writes && outcome.is_ok() {
        reload_running_daemon(cx).await;
    }
    outcome
}

/// Whether `task` may change netclaw.json or the secrets file.
fn may_write_config(task: &Task) -> bool {
    matches!(
        task,
        Task::ConfigMigrate
            | Task::SecretsSet { .. }
            | Task::ProviderAdd(_)
            | Task::ProviderImport(_)
            | Task::ProviderLogin(_)
            | Task::ProviderLogout { .. }
            | Task::AccountRename { .. }
            | Task::AccountRemove { .. }
            | Task::AccountOrder { .. }
            | Task::ProviderRemove { .. }
            | Task::ProviderRename { .. }
            | Task::ModelSet(_)
            | Task::ModelClear { .. }
            | Task::Init
            | Task::ProviderManager
            | Task::ModelManager
    )
}

/// A running daemon serves what this command wrote from the next request on, instead of
/// after its file watcher's next look (best effort: the watcher catches up anyway).
async fn reload_running_daemon(cx: &Context<'_>) {
    if let Ok(home) = crate::home::Home::open(cx)
        && let Some(client) = daemon::running(&home).await
    {
        let _ = client.reload().await;
    }
}

async fn dispatch(task: Task, cx: &Context<'_>) -> Result<Exit, CliError> {
    match task {
        Task::Completions(shell) => completions::run(cx, shell),
        Task::ConfigPath => config::path(cx),
        Task::ConfigShow => config::show(cx),
        Task::ConfigMigrate => config::migrate(cx),
        Task::SecretsSet { key } => secrets::set(cx, &key),
        Task::SecretsList => secrets::list(cx),
        Task::KeyCreate {
            name,
            models,
            expires,
        } => key::create(cx, &name, models, expires.as_deref()).await,
        Task::KeyList => key::list(cx),
        Task::GatewayEnv { key, shell } => gateway::env(cx, key.as_deref(), shell).await,
        Task::GatewaySetup { client, key, write } => {
            gateway::setup(cx, client, key.as_deref(), write).await
        }
        Task::KeyRevoke { name } => key::revoke(cx, &name),
        Task::ProviderAdd(options) => provider::add::run(cx, options).await,
        Task::ProviderImport(args) => provider::import::run(cx, args).await,
        Task::ProviderProbe { name } => provider::probe::run(cx, name.as_deref()).await,
        Task::ProviderLogin(options) => provider::login::login(cx, options).await,
        Task::AccountList { provider } => account::list(cx, provider.as_deref()),
        Task::AccountRename { account, new } => account::rename(cx, &account, &new),
        Task::AccountRemove { account } => account::remove(cx, &account),
        Task::AccountOrder { provider, order } => account::order(cx, &provider, &order),
        Task::ProviderLogout { name } => provider::login::logout(cx, &name).await,
        Task::ProviderList => provider::list::run(cx),
        Task::ProviderRemove { name } => provider::manage::remove(cx, &name),
        Task::ProviderRename { old, new } => provider::manage::rename(cx, &old, &new),
        Task::ModelSet(options) => model::roles::set(cx, &options),
        Task::ModelClear { role } => model::roles::clear(cx, role),
        Task::DaemonRun { port } => daemon::run(cx, port).await,
        Task::DaemonStart { port } => daemon::start(cx, port).await,
        Task::DaemonStop => daemon::stop(cx).await,
        Task::DaemonStatus => daemon::status(cx).await,
        Task::DaemonLogs { lines, follow } => daemon::logs(cx, lines, follow).await,
        Task::DaemonInstall { print } => daemon_service::install(cx, print),
        Task::DaemonUninstall => daemon_service::uninstall(cx),
        Task::Chat(options) => chat::run(cx, options).await,
        Task::Init => init::run(cx).await,
        Task::ModelList { provider } => model::list::run(cx, provider.as_deref()).await,
        Task::Doctor => doctor::run(cx).await,
        Task::Usage { provider, refresh } => usage::run(cx, provider.as_deref(), refresh).await,
        Task::ProviderManager => manager::providers(cx).await,
        Task::ModelManager => manager::models(cx).await,
    }
}
