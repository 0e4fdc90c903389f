//! The clap command tree: low-level arguments, turned into [`crate::options`] before any work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use netclaw_config::EnvVars;

const EXAMPLES: &str = "\
Examples:
  netclaw init                                        set up a first provider, step by step
  netclaw provider add work openai                    ChatGPT subscription (device code login)
  netclaw provider add claude anthropic               asks for the API key (hidden)
  netclaw provider add local ollama --endpoint http://gpu-box:11434
  netclaw provider list --json
  netclaw model set main work/gpt-5.5
  git diff | netclaw chat \"review this\"

Exit codes:
  0  success
  1  the command failed (a probe failed, a file could not be read, …)
  2  usage error, or `provider probe`: a login expires soon and cannot be renewed
  130  interrupted";

/// The command tree, with `netclaw --help` ending in the environment variables netclaw reads
/// (from [`netclaw_config::EnvVars::DOCUMENTED`], the one place that reads them).
pub(crate) fn command_with_environment() -> clap::Command {
    use clap::CommandFactory;
    // A name too long for the column gets a line of its own, so descriptions never wrap.
    const WIDTH: usize = 22;
    let variables: Vec<String> = EnvVars::DOCUMENTED
        .iter()
        .map(|(name, what)| {
            if name.chars().count() > WIDTH {
                format!("  {name}\n  {:WIDTH$}  {what}", "")
            } else {
                format!("  {name:<WIDTH$}  {what}")
            }
        })
        .collect();
    let add_help = format!("{}\n\n{PROVIDER_EXAMPLES}", provider_types());
    Cli::command()
        .mut_subcommand("provider", |provider| {
            provider.mut_subcommand("add", |add| add.after_help(add_help))
        })
        .after_help(format!(
            "{EXAMPLES}\n\n`netclaw --help` also lists the environment variables netclaw reads."
        ))
        .after_long_help(format!(
            "{EXAMPLES}\n\nEnvironment:\n{}",
            variables.join("\n")
        ))
}

/// Every provider type with the ways it signs in, and why a type offers no subscription
/// login, for `provider add --help`.
fn provider_types() -> String {
    let registry = netclaw_providers::descriptor::ProviderRegistry::builtin();
    let types = registry.all();
    let width = types.iter().map(|d| d.type_key.len()).max().unwrap_or(0);
    let mut lines = vec!["Provider types and their --auth (the first is the default):".to_owned()];
    for d in types {
        let auth: Vec<&str> = d
            .auth_methods()
            .map(crate::commands::provider::add::auth_flag)
            .collect();
        let note = if d.subscription_terms.is_some() {
            "  (no subscription login: the vendor forbids it in other tools)"
        } else {
            ""
        };
        lines.push(format!(
            "  {:<width$}  {}{note}",
            d.type_key,
            auth.join(", ")
        ));
    }
    lines.join("\n")
}

/// Where the options every command takes are listed, apart from the command's own.
const GLOBAL: &str = "Global options";

/// netclaw: use every LLM you pay for from one place.
#[derive(Debug, Parser)]
#[command(
    name = "netclaw",
    version,
    about = "Use every LLM you pay for from one place",
    after_help = EXAMPLES,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub(crate) struct Cli {
    /// The netclaw home (default `$NETCLAW_HOME`, else `~/.netclaw`).
    #[arg(long, global = true, value_name = "DIR", help_heading = GLOBAL)]
    pub(crate) home: Option<PathBuf>,
    /// Machine-readable JSON on stdout (listings and status commands).
    #[arg(long, global = true, help_heading = GLOBAL)]
    pub(crate) json: bool,
    /// Print only data and errors.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub(crate) quiet: bool,
    /// More detail (token usage, timings, technical causes).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    pub(crate) verbose: u8,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Set up a provider and a main model, step by step.
    #[command(after_help = "Examples:\n  netclaw init\n  netclaw --home /tmp/nc init")]
    Init,
    /// Add, log in to, check and remove providers (no subcommand: interactive manager).
    #[command(after_help = PROVIDER_EXAMPLES)]
    Provider {
        #[command(subcommand)]
        command: Option<ProviderCommand>,
    },
    /// List models and choose which one serves each role (no subcommand: interactive).
    #[command(after_help = MODEL_EXAMPLES)]
    Model {
        #[command(subcommand)]
        command: Option<ModelCommand>,
    },
    /// Chat with a model; streams the answer.
    #[command(after_help = CHAT_EXAMPLES)]
    Chat(ChatArgs),
    /// Start, stop and inspect the local daemon.
    #[command(after_help = DAEMON_EXAMPLES)]
    Daemon {
        #[command(subcommand)]
        command: DaemonCommand,
    },
    /// How much of each subscription and key is used: every limit window, when it resets,
    /// credits, and which window binds.
    #[command(after_help = USAGE_EXAMPLES)]
    Usage {
        /// Only this provider (`work`), or one of its accounts (`work/personal`).
        provider: Option<String>,
        /// Read the vendors' usage endpoints now (default: the daemon's last read, at most 5
        /// minutes old).
        #[arg(long)]
        refresh: bool,
    },
    /// List, rename, remove and order the accounts of a provider (several logins of one
    /// provider, each with its own limits).
    #[command(after_help = ACCOUNT_EXAMPLES)]
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Check configuration, permissions, secrets, the daemon and every provider.
    #[command(after_help = "Examples:\n  netclaw doctor\n  netclaw doctor --json")]
    Doctor,
    /// Print or write what a tool needs to use the daemon's gateway.
    #[command(after_help = GATEWAY_EXAMPLES)]
    Gateway {
        #[command(subcommand)]
        command: GatewayCommand,
    },
    /// Create, list and revoke gateway keys for the tools you point at the daemon.
    #[command(after_help = KEY_EXAMPLES)]
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Store and list encrypted secrets.
    #[command(after_help = SECRETS_EXAMPLES)]
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
    },
    /// Show and migrate the configuration.
    #[command(after_help = CONFIG_EXAMPLES)]
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  netclaw completions bash > ~/.local/share/bash-completion/completions/netclaw\n  netclaw completions zsh > ~/.zfunc/_netclaw"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

const ACCOUNT_EXAMPLES: &str = "\
Examples:
  netclaw provider login work --account personal     a second ChatGPT login on `work`
  netclaw account list work
  netclaw account order work round-robin
  netclaw account rename work/personal home
  netclaw account remove work/home

Each account has its own login, limits, usage and cooldown. A new conversation goes to the
first account that can answer (`first-available`), the next in turn (`round-robin`) or the
least used (`least-used`); a conversation stays on its account while it works.";

#[derive(Debug, Subcommand)]
pub(crate) enum AccountCommand {
    /// List accounts: login, who it belongs to, token state, cooldown.
    #[command(after_help = "Examples:\n  netclaw account list\n  netclaw account list work --json")]
    List {
        /// Only this provider's accounts.
        provider: Option<String>,
    },
    /// Rename an account in both files.
    #[command(after_help = "Examples:\n  netclaw account rename work/personal home")]
    Rename {
        /// The account, as `provider/account`.
        account: String,
        /// Its new name.
        new: String,
    },
    /// Remove one account and its stored secrets; the provider's other accounts stay.
    #[command(after_help = "Examples:\n  netclaw account remove work/old")]
    Remove {
        /// The account, as `provider/account`.
        account: String,
    },
    /// Set which account a new conversation tries first.
    #[command(
        after_help = "Examples:\n  netclaw account order work round-robin\n  netclaw account order work least-used"
    )]
    Order {
        /// The provider.
        provider: String,
        /// `first-available` (default), `round-robin` or `least-used`.
        #[arg(value_parser = ["first-available", "round-robin", "least-used"])]
        order: String,
    },
}

const USAGE_EXAMPLES: &str = "\
Examples:
  netclaw usage                       every provider
  netclaw usage work --refresh        read ChatGPT's usage now (spends no turn)
  netclaw usage --json

A ChatGPT subscription's windows are read from its usage endpoint without spending a turn; an
OpenRouter key's spend from its key endpoint; other keys show the limits their last answer
reported. Window lengths are the server's: plans change them.";

const PROVIDER_EXAMPLES: &str = "\
Examples:
  netclaw provider add work openai                       ChatGPT subscription, device code
  netclaw provider add work openai --auth browser        ChatGPT subscription, browser login
  printf %s \"$KEY\" | netclaw provider add api openai --auth api-key --api-key-stdin
  netclaw provider add local ollama --endpoint http://gpu-box:11434
  netclaw provider login work
  netclaw provider probe --all";

#[derive(Debug, Subcommand)]
pub(crate) enum ProviderCommand {
    #[command(after_help = "Examples:\n  netclaw provider list\n  netclaw provider list --json")]
    /// List providers with their credential source, token expiry and last probe.
    List,
    /// Add a provider; validates it with a live probe before anything is written.
    #[command(after_help = PROVIDER_EXAMPLES)]
    Add(ProviderAddArgs),
    /// Log in again in place (keeps name, endpoint and model roles), or add an account.
    #[command(
        after_help = "Examples:\n  netclaw provider login work\n  netclaw provider login work --auth device\n  netclaw provider login work --account personal   a second account of `work`\n  netclaw provider login work/personal              the same"
    )]
    Login(ProviderLoginArgs),
    #[command(
        after_help = "Examples:\n  netclaw provider logout work        revokes the login where the server allows it"
    )]
    /// Delete a provider's (or one account's) stored tokens.
    Logout {
        /// The provider, or `provider/account`.
        name: String,
    },
    #[command(
        after_help = "Examples:\n  netclaw provider remove old-key\n  netclaw model set main work/gpt-5.5 && netclaw provider remove old-key"
    )]
    /// Remove a provider from both files (refused while a model role uses it).
    Remove {
        /// The provider.
        name: String,
    },
    #[command(after_help = "Examples:\n  netclaw provider rename openai work")]
    /// Rename a provider in both files and in the model roles.
    Rename {
        /// The current name.
        old: String,
        /// The new name.
        new: String,
    },
    /// Check providers live (exit 0 ok, 1 failed, 2 a login expires soon and cannot be renewed).
    /// Import a login another tool made (Codex CLI: `$CODEX_HOME/auth.json`).
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ProviderImportArgs),
    #[command(
        after_help = "Examples:\n  netclaw provider probe work\n  netclaw provider probe --all --json"
    )]
    Probe {
        /// The provider (default: all).
        name: Option<String>,
        /// Probe every provider.
        #[arg(long, conflicts_with = "name")]
        all: bool,
    },
}

/// How to authenticate, as the user spells it on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuthArg {
    /// OAuth device code (ChatGPT subscription, headless friendly).
    Device,
    /// OAuth in the browser (authorization code with PKCE).
    Browser,
    /// An API key (hidden prompt or `--api-key-stdin`).
    ApiKey,
    /// No credential (local servers).
    None,
}

#[derive(Debug, Args)]
pub(crate) struct ProviderAddArgs {
    /// A name for the provider (letters, digits, `-`, `_`).
    pub(crate) name: String,
    /// The provider type: openai, anthropic, openrouter, ollama, openai-compatible.
    #[arg(value_name = "TYPE")]
    pub(crate) provider_type: String,
    #[command(flatten)]
    pub(crate) login: LoginFlags,
    /// The API endpoint, an absolute http(s) URL (default: the vendor's).
    #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
    pub(crate) endpoint: Option<String>,
    /// Read the API key from stdin (never pass keys as arguments).
    #[arg(long)]
    pub(crate) api_key_stdin: bool,
    /// Save without the live check (for a server that is not reachable from here yet); check
    /// it later with `netclaw provider probe <name>`.
    #[arg(long)]
    pub(crate) skip_probe: bool,
    /// Answer yes to what adding the type asks to confirm (GitHub Copilot's terms).
    #[arg(long, short = 'y')]
    pub(crate) yes: bool,
    /// GitHub Enterprise (github-copilot): the GitHub host to log in at.
    #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
    pub(crate) github_host: Option<String>,
    /// GitHub Enterprise (github-copilot): its API, where the Copilot token is obtained
    /// (default `https://api.<host>`).
    #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
    pub(crate) github_api_base: Option<String>,
}

const IMPORT_EXAMPLES: &str = "\
Examples:
  netclaw provider import codex                       copy Codex's ChatGPT login into netclaw
  netclaw provider import codex --read-only           use it without ever refreshing it
  netclaw provider import codex --from /mnt/old/.codex/auth.json --name old

A refresh token works once: after netclaw's first refresh of a copied login, Codex's own copy
stops working (log in to Codex again, or import with --read-only, where netclaw only reads
Codex's file and Codex keeps renewing it). netclaw never writes Codex's file.";

/// Where a login can be imported from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ImportSource {
    /// OpenAI's Codex CLI (`$CODEX_HOME/auth.json`, default `~/.codex/auth.json`).
    Codex,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct ProviderImportArgs {
    /// The tool whose login to import.
    #[arg(value_enum)]
    pub(crate) source: ImportSource,
    /// The login file (default: `$CODEX_HOME/auth.json`, else `~/.codex/auth.json`).
    #[arg(long, value_name = "PATH")]
    pub(crate) from: Option<std::path::PathBuf>,
    /// The provider's name.
    #[arg(long, default_value = "codex")]
    pub(crate) name: String,
    /// The account to store it as (default: the provider's only account, else `default`).
    #[arg(long, value_name = "NAME")]
    pub(crate) account: Option<String>,
    /// Read the login from the file on each use and never refresh it, so the other tool keeps
    /// working; netclaw stops when the login expires until that tool renews it.
    #[arg(long)]
    pub(crate) read_only: bool,
    /// The Codex backend (default: the vendor's).
    #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
    pub(crate) endpoint: Option<String>,
    /// The OAuth issuer its refreshes go to (default: the vendor's).
    #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
    pub(crate) issuer: Option<String>,
    /// Save without the live check.
    #[arg(long)]
    pub(crate) skip_probe: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ProviderLoginArgs {
    /// The provider, or `provider/account`.
    pub(crate) name: String,
    /// The account to log in (a new name adds an account; default: the provider's only
    /// account, else `default`). Other accounts' tokens are never touched.
    #[arg(long, value_name = "NAME")]
    pub(crate) account: Option<String>,
    #[command(flatten)]
    pub(crate) login: LoginFlags,
    /// Read a new API key from stdin.
    #[arg(long)]
    pub(crate) api_key_stdin: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LoginFlags {
    /// How to authenticate.
    #[arg(long, value_enum)]
    pub(crate) auth: Option<AuthArg>,
    /// Never open a browser; print the URL instead.
    #[arg(long)]
    pub(crate) no_browser: bool,
    /// The OAuth issuer (default: the vendor's), stored in `OAuth.Issuer`. It goes with
    /// `--endpoint`: the tokens another issuer grants work only at the API it stands in front of
    /// (for `openai`, that server's Codex backend URL).
    #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
    pub(crate) issuer: Option<String>,
    /// The OAuth client id (default: the vendor's), stored in `OAuth.ClientId`.
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: Option<String>,
    /// The OAuth redirect URI registered for the client, stored in `OAuth.RedirectUri`.
    /// Default: the vendor's, or for a standard OAuth server a free loopback port
    /// (`http://127.0.0.1:<free port>/auth/callback`, RFC 8252 §7.3). A server that registers
    /// exact redirect URIs needs this flag with the registered one; port `0` means any free port.
    #[arg(long, value_name = "URL", value_parser = absolute_http_url)]
    pub(crate) redirect_uri: Option<String>,
    /// The OAuth scopes, space-separated, stored in `OAuth.Scope`. Default: the vendor's, or of
    /// `openid profile email offline_access` those the server's discovery document lists
    /// (`offline_access` is what brings a refresh token).
    #[arg(long, value_name = "SCOPES")]
    pub(crate) scope: Option<String>,
}

const MODEL_EXAMPLES: &str = "\
Examples:
  netclaw model list
  netclaw model list --provider work --json
  netclaw model set main work/gpt-5.5
  netclaw model set compaction local/llama3.1:8b --context-window 32768
  netclaw model clear fallback";

/// A model role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum RoleArg {
    /// The main chat model.
    Main,
    /// Used when the main model fails.
    Fallback,
    /// Used to compact long conversations.
    Compaction,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ModelCommand {
    #[command(
        after_help = "Examples:\n  netclaw model list\n  netclaw model list --provider work --json"
    )]
    /// Every provider's models with context window, modalities, tools and provenance.
    List {
        /// Only this provider's models.
        #[arg(long)]
        provider: Option<String>,
    },
    #[command(
        after_help = "Examples:\n  netclaw model set main work/gpt-5.5\n  netclaw model set fallback claude/claude-sonnet-4-5 --strict\n  netclaw model set compaction local/llama3.1:8b --context-window 32768"
    )]
    /// Choose the model for a role.
    Set {
        /// The role.
        #[arg(value_enum)]
        role: RoleArg,
        /// `provider/model`.
        #[arg(value_name = "PROVIDER/MODEL")]
        model: String,
        /// Override the context window (tokens).
        #[arg(long, value_name = "N")]
        context_window: Option<u64>,
        /// Refuse a model the provider does not list (instead of warning).
        #[arg(long)]
        strict: bool,
    },
    #[command(
        after_help = "Examples:\n  netclaw model clear fallback\n  netclaw model clear compaction"
    )]
    /// Clear an optional role (fallback or compaction).
    Clear {
        /// The role (the main model can be replaced, not cleared).
        #[arg(value_enum)]
        role: OptionalRoleArg,
    },
}

/// The roles that may be left empty (`main` is accepted only to say how to replace it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OptionalRoleArg {
    /// Not clearable; hidden from the help.
    #[value(hide = true)]
    Main,
    /// Used when the main model fails.
    Fallback,
    /// Used to compact long conversations.
    Compaction,
}

const CHAT_EXAMPLES: &str = "\
Examples:
  netclaw chat \"what is a monad?\"
  netclaw chat -m work/gpt-5.5 \"hello\"
  git diff | netclaw chat \"review this\"
  netclaw chat                                    a conversation (REPL) on a terminal

In the REPL each prompt is sent with the conversation so far. ↑/↓ recall earlier prompts of
this session; that history is kept in memory only and never written to disk, since prompts may
hold secrets (a line that starts with a space is not remembered at all). Ctrl-C cancels the
answer that streams, or clears the line being typed; Ctrl-D or /exit leaves.
Commands: /model provider/model (switch, keeping the conversation), /clear (start over), /help.";

#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// The model as `provider/model` (default: `Models.Main`).
    #[arg(short, long, value_name = "PROVIDER/MODEL")]
    pub(crate) model: Option<String>,
    /// The prompt; stdin is appended when piped.
    #[arg(value_name = "PROMPT", num_args = 0.., trailing_var_arg = true)]
    pub(crate) prompt: Vec<String>,
    /// Talk to the provider directly even when a daemon runs.
    #[arg(long)]
    pub(crate) no_daemon: bool,
}

const DAEMON_EXAMPLES: &str = "\
Examples:
  netclaw daemon start
  netclaw daemon status --json
  netclaw daemon logs -f
  netclaw daemon install            start at login, restart on failure
  netclaw daemon install --print    show the systemd unit (launchd agent on macOS)
  netclaw daemon stop";

#[derive(Debug, Subcommand)]
pub(crate) enum DaemonCommand {
    #[command(
        after_help = "Examples:\n  netclaw daemon start\n  netclaw daemon start --port 0        any free port"
    )]
    /// Start the daemon in the background and wait until it answers.
    Start {
        /// Port to listen on, `0` = any free port (default `Daemon.Port`, else 5199).
        #[arg(long, value_name = "N")]
        port: Option<u16>,
    },
    #[command(after_help = "Examples:\n  netclaw daemon stop")]
    /// Stop the daemon gracefully.
    Stop,
    #[command(
        after_help = "Examples:\n  netclaw daemon install\n  netclaw daemon install --print      show the unit, change nothing"
    )]
    /// Start the daemon at login and restart it on failure (systemd user unit on Linux,
    /// launchd agent on macOS).
    Install {
        /// Print the unit (or agent) instead of installing it.
        #[arg(long)]
        print: bool,
    },
    #[command(after_help = "Examples:\n  netclaw daemon uninstall")]
    /// Remove what `daemon install` installed.
    Uninstall,
    #[command(after_help = "Examples:\n  netclaw daemon status\n  netclaw daemon status --json")]
    /// Whether the daemon runs, where, and since when.
    Status,
    #[command(
        after_help = "Examples:\n  netclaw daemon run                  logs to the terminal; Ctrl-C stops it"
    )]
    /// Run the daemon in the foreground.
    Run {
        /// Port to listen on, `0` = any free port (default `Daemon.Port`, else 5199).
        #[arg(long, value_name = "N")]
        port: Option<u16>,
    },
    #[command(after_help = "Examples:\n  netclaw daemon logs -n 200\n  netclaw daemon logs -f")]
    /// Print the daemon log.
    Logs {
        /// Only the last N lines.
        #[arg(short = 'n', long, value_name = "N", default_value_t = 50)]
        lines: usize,
        /// Keep printing new lines until Ctrl-C.
        #[arg(short = 'f', long)]
        follow: bool,
    },
}

const GATEWAY_EXAMPLES: &str = "\
Examples:
  eval \"$(netclaw gateway env --key shell)\"        a new key `shell`, exported for OpenAI and Anthropic clients
  netclaw gateway env --shell fish                 the daemon's current token (changes at restart)
  netclaw gateway setup codex                      the ~/.codex/config.toml snippet
  netclaw gateway setup claude --key claude --write   a key merged into ~/.claude/settings.json (.bak kept)";

#[derive(Debug, Subcommand)]
pub(crate) enum GatewayCommand {
    #[command(
        after_help = "Examples:\n  eval \"$(netclaw gateway env --key shell)\"\n  netclaw gateway env --shell fish | source"
    )]
    /// Print the export lines for OpenAI clients (OPENAI_BASE_URL, OPENAI_API_KEY) and
    /// Anthropic clients (ANTHROPIC_BASE_URL, ANTHROPIC_AUTH_TOKEN).
    Env {
        /// Create gateway key NAME and export it (else the daemon's current token).
        #[arg(long, value_name = "NAME")]
        key: Option<String>,
        /// The shell to write for.
        #[arg(long, value_enum, default_value = "sh")]
        shell: crate::commands::gateway::Shell,
    },
    #[command(
        after_help = "Examples:\n  netclaw gateway setup codex\n  netclaw gateway setup claude --key claude --write"
    )]
    /// Print (or with --write, merge into the client's configuration, keeping a .bak) what
    /// points Codex or Claude Code at netclaw.
    Setup {
        /// The client.
        #[arg(value_enum)]
        client: crate::commands::gateway::Client,
        /// Create gateway key NAME for it (Claude Code; Codex reads NETCLAW_GATEWAY_KEY).
        #[arg(long, value_name = "NAME")]
        key: Option<String>,
        /// Merge into the client's configuration file instead of printing.
        #[arg(long)]
        write: bool,
    },
}

const KEY_EXAMPLES: &str = "\
Examples:
  netclaw key create editor                          prints the key once: keep it
  netclaw key create codex --models work/gpt-5.5 --expires 30d
  netclaw key create local --models local/*          every model of provider `local`
  netclaw key list
  netclaw key revoke editor

A gateway key opens the daemon's /v1 gateway (as `Authorization: Bearer` or `x-api-key`),
survives daemon restarts, and never opens the management API. Only a hash of it is stored.";

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    #[command(
        after_help = "Examples:\n  netclaw key create editor\n  netclaw key create codex --models work/gpt-5.5 --expires 30d"
    )]
    /// Create a key and print it once (only its hash is stored).
    Create {
        /// A name for the key (what uses it: `editor`, `codex`).
        name: String,
        /// Models it may use, `<provider>/<model>` or `<provider>/*`, comma-separated
        /// (default: all).
        #[arg(long, value_delimiter = ',', value_name = "PROVIDER/MODEL,…")]
        models: Vec<String>,
        /// When it stops working: a duration such as `30d`, `12h` or `90m`.
        #[arg(long, value_name = "DURATION")]
        expires: Option<String>,
    },
    #[command(after_help = "Examples:\n  netclaw key list\n  netclaw key list --json")]
    /// List keys: name, start, created, last used, models, expiry (never the key).
    List,
    #[command(after_help = "Examples:\n  netclaw key revoke editor")]
    /// Revoke a key; a running daemon refuses it within a second.
    Revoke {
        /// The key's name.
        name: String,
    },
}

const SECRETS_EXAMPLES: &str = "\
Examples:
  printf %s \"$KEY\" | netclaw secrets set Providers.work.ApiKey
  netclaw secrets set Providers.work.ApiKey          asks for the value (hidden)
  netclaw secrets list";

#[derive(Debug, Subcommand)]
pub(crate) enum SecretsCommand {
    #[command(
        after_help = "Examples:\n  printf %s \"$KEY\" | netclaw secrets set Providers.work.ApiKey\n  netclaw secrets set Providers.work.ApiKey        asks (hidden)"
    )]
    /// Store a secret; the value comes from stdin or a hidden prompt, never from arguments.
    Set {
        /// `Providers.<name>.<Field>`.
        #[arg(value_name = "DOTTED.KEY")]
        key: String,
    },
    #[command(after_help = "Examples:\n  netclaw secrets list\n  netclaw secrets list --json")]
    /// List stored secret names (never values).
    List,
}

const CONFIG_EXAMPLES: &str = "\
Examples:
  netclaw config path
  netclaw config show
  netclaw config migrate";

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    #[command(after_help = "Examples:\n  netclaw config path\n  netclaw config path --json")]
    /// Print where every file lives.
    Path,
    #[command(
        after_help = "Examples:\n  netclaw config show\n  NETCLAW_Daemon__Port=7100 netclaw config show      with an override"
    )]
    /// Print the effective configuration with secrets masked.
    Show,
    #[command(after_help = "Examples:\n  netclaw config migrate")]
    /// Rewrite `netclaw.json` at the current version (keeps a `.bak`).
    Migrate,
}

/// An endpoint must be an absolute `http://` or `https://` URL: `127.0.0.1:4111/v1` would be
/// taken as a relative URL and fail only at the first request.
pub(crate) fn absolute_http_url(text: &str) -> Result<String, String> {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => {
            Ok(text.to_owned())
        }
        _ => Err(format!(
            "`{text}` is not an absolute http(s) URL; write it with its scheme, e.g. `http://{}`",
            text.trim_start_matches("//")
        )),
    }
}

#[cfg(test)]
mod tests;
