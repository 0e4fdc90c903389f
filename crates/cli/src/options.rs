//! Plain option structs: what a command will do, with clap types left behind.

use std::path::PathBuf;

use netclaw_config::{AuthMethod, ModelRole, OAuthOverrides};

use crate::args::{
    AccountCommand, AuthArg, ChatArgs, Cli, Command, ConfigCommand, DaemonCommand, GatewayCommand,
    KeyCommand, LoginFlags, ModelCommand, OptionalRoleArg, ProviderCommand, RoleArg,
    SecretsCommand,
};

/// Options every command shares.
#[derive(Debug, Clone, Default)]
pub(crate) struct Globals {
    pub(crate) home: Option<PathBuf>,
    pub(crate) json: bool,
    pub(crate) quiet: bool,
    pub(crate) verbose: u8,
}

/// One thing to do.
#[derive(Debug, Clone)]
pub(crate) enum Task {
    Init,
    Usage {
        provider: Option<String>,
        refresh: bool,
    },
    AccountList {
        provider: Option<String>,
    },
    AccountRename {
        account: String,
        new: String,
    },
    AccountRemove {
        account: String,
    },
    AccountOrder {
        provider: String,
        order: String,
    },
    ProviderManager,
    ProviderList,
    ProviderAdd(AddOptions),
    ProviderImport(crate::args::ProviderImportArgs),
    ProviderLogin(LoginOptions),
    ProviderLogout {
        name: String,
    },
    ProviderRemove {
        name: String,
    },
    ProviderRename {
        old: String,
        new: String,
    },
    ProviderProbe {
        name: Option<String>,
    },
    ModelManager,
    ModelList {
        provider: Option<String>,
    },
    ModelSet(ModelSetOptions),
    ModelClear {
        role: ModelRole,
    },
    Chat(ChatOptions),
    DaemonStart {
        port: Option<u16>,
    },
    DaemonStop,
    DaemonStatus,
    DaemonRun {
        port: Option<u16>,
    },
    DaemonLogs {
        lines: usize,
        follow: bool,
    },
    DaemonInstall {
        print: bool,
    },
    DaemonUninstall,
    Doctor,
    SecretsSet {
        key: String,
    },
    KeyCreate {
        name: String,
        models: Vec<String>,
        expires: Option<String>,
    },
    KeyList,
    GatewayEnv {
        key: Option<String>,
        shell: crate::commands::gateway::Shell,
    },
    GatewaySetup {
        client: crate::commands::gateway::Client,
        key: Option<String>,
        write: bool,
    },
    KeyRevoke {
        name: String,
    },
    SecretsList,
    ConfigPath,
    ConfigShow,
    ConfigMigrate,
    Completions(clap_complete::Shell),
}

/// How the user asked to log in.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoginChoice {
    /// `--auth`, if given.
    pub(crate) auth: Option<AuthMethod>,
    pub(crate) no_browser: bool,
    pub(crate) oauth: OAuthFlags,
    pub(crate) api_key_stdin: bool,
}

/// `--issuer`, `--client-id`, `--redirect-uri` and `--scope`: each one given replaces the
/// provider's `OAuth` setting of that name.
#[derive(Debug, Clone, Default)]
pub(crate) struct OAuthFlags {
    pub(crate) issuer: Option<String>,
    pub(crate) client_id: Option<String>,
    pub(crate) redirect_uri: Option<String>,
    pub(crate) scope: Option<String>,
}

impl OAuthFlags {
    /// `existing` with every flag given laid over it; `None` when both are empty.
    pub(crate) fn over(&self, existing: Option<OAuthOverrides>) -> Option<OAuthOverrides> {
        let given = [
            &self.issuer,
            &self.client_id,
            &self.redirect_uri,
            &self.scope,
        ];
        if given.iter().all(|flag| flag.is_none()) {
            return existing;
        }
        let mut oauth = existing.unwrap_or_default();
        let set = |slot: &mut Option<String>, flag: &Option<String>| {
            if let Some(value) = flag {
                *slot = Some(value.clone());
            }
        };
        set(&mut oauth.issuer, &self.issuer);
        set(&mut oauth.client_id, &self.client_id);
        set(&mut oauth.redirect_uri, &self.redirect_uri);
        set(&mut oauth.scope, &self.scope);
        Some(oauth)
    }
}

/// `provider add`.
#[derive(Debug, Clone)]
pub(crate) struct AddOptions {
    pub(crate) name: String,
    pub(crate) provider_type: String,
    pub(crate) endpoint: Option<String>,
    pub(crate) login: LoginChoice,
    pub(crate) skip_probe: bool,
    /// Confirmed up front what `provider add` would ask (GitHub Copilot's terms).
    pub(crate) yes: bool,
    /// GitHub Enterprise: the host (`OAuth.Issuer`) and its API (`VendorOptions.GitHubApiBase`).
    pub(crate) github_host: Option<String>,
    pub(crate) github_api_base: Option<String>,
}

/// `provider login`.
#[derive(Debug, Clone)]
pub(crate) struct LoginOptions {
    pub(crate) name: String,
    pub(crate) account: Option<String>,
    pub(crate) login: LoginChoice,
}

/// `model set`.
#[derive(Debug, Clone)]
pub(crate) struct ModelSetOptions {
    pub(crate) role: ModelRole,
    pub(crate) model: String,
    pub(crate) context_window: Option<u64>,
    /// Refuse a model the provider does not list.
    pub(crate) strict: bool,
}

/// `chat`.
#[derive(Debug, Clone)]
pub(crate) struct ChatOptions {
    pub(crate) model: Option<String>,
    pub(crate) prompt: Option<String>,
    pub(crate) no_daemon: bool,
}

impl Cli {
    /// Splits the parsed arguments into shared options and the task.
    pub(crate) fn into_options(self) -> (Globals, Task) {
        let globals = Globals {
            home: self.home,
            json: self.json,
            quiet: self.quiet,
            verbose: self.verbose,
        };
        (globals, task(self.command))
    }
}

fn task(command: Command) -> Task {
    match command {
        Command::Init => Task::Init,
        Command::Provider { command: None } => Task::ProviderManager,
        Command::Provider {
            command: Some(command),
        } => provider_task(command),
        Command::Model { command: None } => Task::ModelManager,
        Command::Model {
            command: Some(command),
        } => model_task(command),
        Command::Chat(args) => Task::Chat(chat_options(args)),
        Command::Daemon { command } => match command {
            DaemonCommand::Start { port } => Task::DaemonStart { port },
            DaemonCommand::Stop => Task::DaemonStop,
            DaemonCommand::Status => Task::DaemonStatus,
            DaemonCommand::Run { port } => Task::DaemonRun { port },
            DaemonCommand::Logs { lines, follow } => Task::DaemonLogs { lines, follow },
            DaemonCommand::Install { print } => Task::DaemonInstall { print },
            DaemonCommand::Uninstall => Task::DaemonUninstall,
        },
        Command::Doctor => Task::Doctor,
        Command::Usage { provider, refresh } => Task::Usage { provider, refresh },
        Command::Account { command } => match command {
            AccountCommand::List { provider } => Task::AccountList { provider },
            AccountCommand::Rename { account, new } => Task::AccountRename { account, new },
            AccountCommand::Remove { account } => Task::AccountRemove { account },
            AccountCommand::Order { provider, order } => Task::AccountOrder { provider, order },
        },
        Command::Gateway { command } => match command {
            GatewayCommand::Env { key, shell } => Task::GatewayEnv { key, shell },
            GatewayCommand::Setup { client, key, write } => {
                Task::GatewaySetup { client, key, write }
            }
        },
        Command::Key { command } => match command {
            KeyCommand::Create {
                name,
                models,
                expires,
            } => Task::KeyCreate {
                name,
                models,
                expires,
            },
            KeyCommand::List => Task::KeyList,
            KeyCommand::Revoke { name } => Task::KeyRevoke { name },
        },
        Command::Secrets { command } => match command {
            SecretsCommand::Set { key } => Task::SecretsSet { key },
            SecretsCommand::List => Task::SecretsList,
        },
        Command::Config { command } => match command {
            ConfigCommand::Path => Task::ConfigPath,
            ConfigCommand::Show => Task::ConfigShow,
            ConfigCommand::Migrate => Task::ConfigMigrate,
        },
        Command::Completions { shell } => Task::Completions(shell),
    }
}

fn provider_task(command: ProviderCommand) -> Task {
    match command {
        ProviderCommand::List => Task::ProviderList,
        ProviderCommand::Add(args) => Task::ProviderAdd(AddOptions {
            name: args.name,
            provider_type: args.provider_type,
            endpoint: args.endpoint,
            login: login_choice(args.login, args.api_key_stdin),
            skip_probe: args.skip_probe,
            yes: args.yes,
            github_host: args.github_host,
            github_api_base: args.github_api_base,
        }),
        ProviderCommand::Login(args) => Task::ProviderLogin(LoginOptions {
            name: args.name,
            account: args.account,
            login: login_choice(args.login, args.api_key_stdin),
        }),
        ProviderCommand::Logout { name } => Task::ProviderLogout { name },
        ProviderCommand::Remove { name } => Task::ProviderRemove { name },
        ProviderCommand::Rename { old, new } => Task::ProviderRename { old, new },
        ProviderCommand::Probe { name, all: _ } => Task::ProviderProbe { name },
        ProviderCommand::Import(args) => Task::ProviderImport(args),
    }
}

fn model_task(command: ModelCommand) -> Task {
    match command {
        ModelCommand::List { provider } => Task::ModelList { provider },
        ModelCommand::Set {
            role,
            model,
            context_window,
            strict,
        } => Task::ModelSet(ModelSetOptions {
            role: role_of(role),
            model,
            context_window,
            strict,
        }),
        ModelCommand::Clear { role } => Task::ModelClear {
            role: match role {
                OptionalRoleArg::Main => ModelRole::Main,
                OptionalRoleArg::Fallback => ModelRole::Fallback,
                OptionalRoleArg::Compaction => ModelRole::Compaction,
            },
        },
    }
}

fn chat_options(args: ChatArgs) -> ChatOptions {
    let prompt = (!args.prompt.is_empty()).then(|| args.prompt.join(" "));
    ChatOptions {
        model: args.model,
        prompt,
        no_daemon: args.no_daemon,
    }
}

fn login_choice(flags: LoginFlags, api_key_stdin: bool) -> LoginChoice {
    LoginChoice {
        auth: flags.auth.map(auth_of),
        no_browser: flags.no_browser,
        oauth: OAuthFlags {
            issuer: flags.issuer,
            client_id: flags.client_id,
            redirect_uri: flags.redirect_uri,
            scope: flags.scope,
        },
        api_key_stdin,
    }
}

fn auth_of(arg: AuthArg) -> AuthMethod {
    match arg {
        AuthArg::Device => AuthMethod::OAuthDevice,
        AuthArg::Browser => AuthMethod::OAuthPkce,
        AuthArg::ApiKey => AuthMethod::ApiKey,
        AuthArg::None => AuthMethod::None,
    }
}

fn role_of(arg: RoleArg) -> ModelRole {
    match arg {
        RoleArg::Main => ModelRole::Main,
        RoleArg::Fallback => ModelRole::Fallback,
        RoleArg::Compaction => ModelRole::Compaction,
    }
}
