//! The environment, captured once at start-up and passed down; the one place that reads env vars.

use std::collections::BTreeMap;
use std::ffi::OsString;

/// Names of every environment variable netclaw reads, with what each one does.
#[derive(Debug)]
pub struct EnvVars;

impl EnvVars {
    /// Overrides the netclaw home directory (default `~/.netclaw`).
    pub const NETCLAW_HOME: &'static str = "NETCLAW_HOME";
    /// An age identity for the secrets file: a path, or the `AGE-SECRET-KEY-1…` string itself.
    pub const NETCLAW_AGE_IDENTITY: &'static str = "NETCLAW_AGE_IDENTITY";
    /// Path of the `netclaw-daemon` binary `netclaw daemon start` runs (default: next to `netclaw`).
    pub const NETCLAW_DAEMON_BIN: &'static str = "NETCLAW_DAEMON_BIN";
    /// Log filter for the daemon and CLI (`tracing` env-filter syntax).
    pub const NETCLAW_LOG: &'static str = "NETCLAW_LOG";
    /// Prefix of settings overrides; `__` separates nesting levels (`NETCLAW_Daemon__Port=7100`).
    pub const SETTINGS_PREFIX: &'static str = "NETCLAW_";
    /// Conventional OpenAI API key, used only when no key is stored for an `openai` provider.
    pub const OPENAI_API_KEY: &'static str = "OPENAI_API_KEY";
    /// Conventional Anthropic API key, used only when no key is stored for an `anthropic` provider.
    pub const ANTHROPIC_API_KEY: &'static str = "ANTHROPIC_API_KEY";
    /// Conventional OpenRouter API key, used only when no key is stored for an `openrouter` provider.
    pub const OPENROUTER_API_KEY: &'static str = "OPENROUTER_API_KEY";
    /// Conventional Gemini (Google AI Studio) API key, for a `gemini` provider with none stored.
    pub const GEMINI_API_KEY: &'static str = "GEMINI_API_KEY";
    /// Google's other conventional name for the same key, tried after `GEMINI_API_KEY`.
    pub const GOOGLE_API_KEY: &'static str = "GOOGLE_API_KEY";
    /// A GitHub token for a `github-copilot` provider with none stored (then `GH_TOKEN`,
    /// `GITHUB_TOKEN`).
    pub const COPILOT_GITHUB_TOKEN: &'static str = "COPILOT_GITHUB_TOKEN";
    /// The GitHub CLI's token variable.
    pub const GH_TOKEN: &'static str = "GH_TOKEN";
    /// GitHub Actions' token variable.
    pub const GITHUB_TOKEN: &'static str = "GITHUB_TOKEN";
    /// A GitHub Enterprise host for `github-copilot` (then `GH_HOST`, `GHE_HOST`,
    /// `GITHUB_SERVER_URL`).
    pub const COPILOT_GH_HOST: &'static str = "COPILOT_GH_HOST";
    /// The GitHub CLI's host variable.
    pub const GH_HOST: &'static str = "GH_HOST";
    /// A GitHub Enterprise Server host.
    pub const GHE_HOST: &'static str = "GHE_HOST";
    /// GitHub Actions' server URL.
    pub const GITHUB_SERVER_URL: &'static str = "GITHUB_SERVER_URL";
    /// GitHub Actions' API URL: where a `github-copilot` token is exchanged.
    pub const GITHUB_API_URL: &'static str = "GITHUB_API_URL";
    /// The user's home directory.
    pub const HOME: &'static str = "HOME";
    /// Disables colour in CLI output when set to anything.
    pub const NO_COLOR: &'static str = "NO_COLOR";
    /// Set when the CLI runs inside an SSH session.
    pub const SSH_CONNECTION: &'static str = "SSH_CONNECTION";
    /// Set when the CLI runs inside an SSH session with a terminal.
    pub const SSH_TTY: &'static str = "SSH_TTY";
    /// X11 display; without it (and without Wayland) no browser can be opened on Linux.
    pub const DISPLAY: &'static str = "DISPLAY";
    /// Wayland display.
    pub const WAYLAND_DISPLAY: &'static str = "WAYLAND_DISPLAY";
    /// The browser command, honoured when opening login pages.
    pub const BROWSER: &'static str = "BROWSER";
    /// Where per-user configuration lives (`netclaw daemon install` puts the systemd unit
    /// under it; default `~/.config`).
    pub const XDG_CONFIG_HOME: &'static str = "XDG_CONFIG_HOME";
    /// Where the Codex CLI keeps its configuration (`netclaw gateway setup codex`).
    pub const CODEX_HOME: &'static str = "CODEX_HOME";

    /// What a user may set, with what each one does: the `Environment:` section of
    /// `netclaw --help`. The HTTP stack reads the proxy and certificate variables itself.
    pub const DOCUMENTED: &'static [(&'static str, &'static str)] = &[
        (Self::NETCLAW_HOME, "the netclaw home (default ~/.netclaw)"),
        (
            Self::NETCLAW_AGE_IDENTITY,
            "the secrets file's age identity: a path, or the key itself",
        ),
        (
            "NETCLAW_<Key>__<Key>…",
            "any setting, `__` nests: NETCLAW_Daemon__Port=7100",
        ),
        (
            Self::NETCLAW_LOG,
            "log filter (`debug`, `netclaw_providers=trace`)",
        ),
        (
            Self::NETCLAW_DAEMON_BIN,
            "the daemon binary `daemon start` runs",
        ),
        (
            Self::OPENAI_API_KEY,
            "the key of an `openai` provider that has none stored",
        ),
        (
            Self::ANTHROPIC_API_KEY,
            "the key of an `anthropic` provider that has none stored",
        ),
        (
            Self::OPENROUTER_API_KEY,
            "the key of an `openrouter` provider that has none stored",
        ),
        (
            "GEMINI_API_KEY, GOOGLE_API_KEY",
            "the key of a `gemini` provider that has none stored",
        ),
        (
            "COPILOT_GITHUB_TOKEN, GH_TOKEN, GITHUB_TOKEN",
            "a `github-copilot` provider's GitHub token",
        ),
        (
            "COPILOT_GH_HOST, GH_HOST, GHE_HOST, GITHUB_SERVER_URL",
            "the GitHub Enterprise host `provider add … github-copilot` logs in at",
        ),
        (
            "GITHUB_API_URL",
            "that host's API (default https://api.<host>)",
        ),
        (Self::NO_COLOR, "no colour in the output"),
        (
            Self::BROWSER,
            "the browser for login pages (none over SSH or with no display)",
        ),
        (
            Self::CODEX_HOME,
            "Codex's home for `gateway setup codex` (default ~/.codex)",
        ),
        (
            Self::XDG_CONFIG_HOME,
            "where `daemon install` puts its systemd unit",
        ),
        (
            "HTTPS_PROXY, NO_PROXY",
            "the proxy for vendor requests, hosts that bypass it",
        ),
        (
            "SSL_CERT_FILE",
            "a CA bundle to trust (a TLS-inspecting proxy's)",
        ),
    ];
}

/// A frozen copy of the process environment.
///
/// Built once in `main` with [`EnvSnapshot::capture`]; tests build one from literal pairs with
/// [`EnvSnapshot::from_pairs`] and never mutate the real environment.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct EnvSnapshot {
    vars: BTreeMap<String, String>,
}

impl std::fmt::Debug for EnvSnapshot {
    // Values may hold API keys: show only the names.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvSnapshot")
            .field("names", &self.vars.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl EnvSnapshot {
    /// Captures the current process environment. Variables that are not valid UTF-8 are skipped.
    #[expect(
        clippy::disallowed_methods,
        reason = "the one place that reads the environment"
    )]
    pub fn capture() -> Self {
        let vars = std::env::vars_os()
            .filter_map(|(k, v): (OsString, OsString)| {
                Some((k.into_string().ok()?, v.into_string().ok()?))
            })
            .collect();
        Self { vars }
    }

    /// Builds a snapshot from literal pairs (tests, subprocess set-ups).
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The value of `name`, if set and not empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// True when `name` is set to a non-empty value.
    pub fn is_set(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every variable whose name starts with `prefix`, in name order.
    pub fn with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.vars
            .range(prefix.to_owned()..)
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Returns a copy with `name` set to `value` (tests and child-process set-ups).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }
}
