//! Opening login pages: whether a browser can open here, and the opener behind a trait.

use netclaw_config::{EnvSnapshot, EnvVars};

/// Opens a URL in a browser.
pub trait BrowserOpener: Send + Sync {
    /// Tries to open `url`; `Err` says why it could not.
    fn open(&self, url: &str) -> Result<(), String>;
}

/// The system browser (`$BROWSER`, `xdg-open`, `open`, …) through the webbrowser crate.
#[derive(Debug, Default)]
pub struct SystemBrowser;

impl BrowserOpener for SystemBrowser {
    fn open(&self, url: &str) -> Result<(), String> {
        webbrowser::open(url).map_err(|e| e.to_string())
    }
}

/// Why the browser will not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoBrowser {
    /// `--no-browser`.
    Flag,
    /// `SSH_CONNECTION` or `SSH_TTY` is set: the browser would open on the wrong machine.
    Ssh,
    /// Linux without `DISPLAY` or `WAYLAND_DISPLAY`.
    NoDisplay,
}

impl NoBrowser {
    /// Says why, for the login screen.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            Self::Flag => "--no-browser given",
            Self::Ssh => "this is an SSH session",
            Self::NoDisplay => "no display found",
        }
    }
}

/// Decides whether to open a browser.
pub(crate) fn browser_blocked(env: &EnvSnapshot, no_browser_flag: bool) -> Option<NoBrowser> {
    if no_browser_flag {
        return Some(NoBrowser::Flag);
    }
    if is_ssh(env) {
        return Some(NoBrowser::Ssh);
    }
    if cfg!(target_os = "linux")
        && !env.is_set(EnvVars::DISPLAY)
        && !env.is_set(EnvVars::WAYLAND_DISPLAY)
    {
        return Some(NoBrowser::NoDisplay);
    }
    None
}

/// True inside an SSH session.
pub(crate) fn is_ssh(env: &EnvSnapshot) -> bool {
    env.is_set(EnvVars::SSH_CONNECTION) || env.is_set(EnvVars::SSH_TTY)
}

#[cfg(test)]
mod tests;
