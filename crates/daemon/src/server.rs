//! Starting and stopping the daemon: lock, bind, run files, serve, graceful shutdown.

use netclaw_config::Hint;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use std::sync::Arc;

use netclaw_config::{ConfigStore, EnvSnapshot, Paths};
use netclaw_oauth::Clock;
use secrecy::SecretString;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::api::DaemonInfo;
use crate::client::DaemonClient;
use crate::run_files::{self, LockError, RunLock};
use crate::state::{AppState, StateInit};

/// How to start the daemon; `None` fields fall back to the config, then the defaults.
#[derive(Debug, Clone)]
pub struct DaemonOptions {
    /// Port to bind (`0` = any free port). Overrides `Daemon.Port`.
    pub port: Option<u16>,
    /// Address to bind. Overrides `Daemon.Host`; default `127.0.0.1`.
    pub host: Option<IpAddr>,
    /// How long open connections may take to finish after shutdown is requested.
    pub shutdown_deadline: Duration,
    /// The clock for token expiry and refresh (tests inject `netclaw_oauth::ManualClock`).
    pub clock: Option<Arc<dyn Clock>>,
    /// Ports the OAuth loopback listener tries; `None` uses the provider's (1455, then 1457).
    pub callback_ports: Option<Vec<u16>>,
    /// How often the config files are checked for changes; `None` disables the watcher.
    pub watch_interval: Option<Duration>,
    /// Background token refresh; `None` disables it.
    pub refresh: Option<crate::refresh::RefreshOptions>,
    /// Timeouts and retries of the chat clients; `None` uses the defaults.
    pub chat_http: Option<netclaw_providers::chat::HttpSettings>,
    /// Most connections open at once; the oldest idle one is closed to make room.
    pub max_connections: usize,
    /// How long a client may take to send request headers (also the keep-alive idle limit).
    pub header_read_timeout: Duration,
}

impl Default for DaemonOptions {
    fn default() -> Self {
        Self {
            port: None,
            host: None,
            shutdown_deadline: Duration::from_secs(5),
            clock: None,
            callback_ports: None,
            watch_interval: Some(Duration::from_millis(500)),
            refresh: Some(crate::refresh::RefreshOptions::default()),
            chat_http: None,
            max_connections: crate::connections::DEFAULT_MAX_CONNECTIONS,
            header_read_timeout: crate::connections::DEFAULT_HEADER_READ_TIMEOUT,
        }
    }
}

/// Why the daemon could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// Another daemon holds the lock for this home.
    #[error("a netclaw daemon is already running for home `{home}`{}", pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    AlreadyRunning {
        /// The netclaw home.
        home: PathBuf,
        /// The running daemon's pid, when `run/daemon.json` names it.
        pid: Option<u32>,
    },
    /// The address could not be bound.
    #[error("cannot listen on `{address}`: {source}")]
    Bind {
        /// The address.
        address: SocketAddr,
        /// The OS error.
        source: std::io::Error,
    },
    /// A run file could not be written.
    #[error("cannot write `{path}`: {source}")]
    RunFile {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// No randomness for the token.
    #[error("cannot generate the daemon token: {0}")]
    Random(String),
}

impl StartError {}

/// A daemon serving in the background of this process.
#[derive(Debug)]
pub struct RunningDaemon {
    addr: SocketAddr,
    token: SecretString,
    state: AppState,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningDaemon {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// `http://<addr>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
    /// The bearer token (also in `run/daemon.token`).
    pub fn token(&self) -> &SecretString {
        &self.token
    }
    /// The daemon's shared state.
    pub fn state(&self) -> &AppState {
        &self.state
    }
    /// A client for this daemon.
    pub fn client(&self) -> DaemonClient {
        DaemonClient::new(self.base_url(), self.token.clone())
    }
    /// Fires shutdown when cancelled (signal handlers hold a clone).
    pub fn shutdown_token(&self) -> CancellationToken {
        self.state.shutdown_token().clone()
    }
    /// Requests shutdown and waits until the server stopped and `run/daemon.json` is gone.
    pub async fn shutdown(self) -> std::io::Result<()> {
        self.state.shutdown_token().cancel();
        self.wait().await
    }
    /// Waits until the daemon stops (after [`Self::shutdown_token`] fires).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task.await.map_err(std::io::Error::other)?
    }
}

/// Starts the daemon for `paths`: takes the lock, binds, writes `run/daemon.json` and a fresh
/// `run/daemon.token`, and serves until [`RunningDaemon::shutdown`] or its token fires.
pub async fn spawn(
    paths: Paths,
    env: EnvSnapshot,
    options: DaemonOptions,
) -> Result<RunningDaemon, StartError> {
    let lock = match run_files::acquire_lock(&paths) {
        Ok(lock) => lock,
        Err(LockError::Held(pid)) => {
            return Err(StartError::AlreadyRunning {
                home: paths.home().to_path_buf(),
                pid,
            });
        }
        Err(LockError::Io(source)) => {
            return Err(StartError::RunFile {
                path: paths.daemon_lock_file(),
                source,
            });
        }
    };
    let daemon_settings = daemon_settings(&paths, &env);
    let configured_host = match daemon_settings.host.parse::<IpAddr>() {
        Ok(ip) => ip,
        Err(_) if daemon_settings.host.eq_ignore_ascii_case("localhost") => {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        }
        Err(_) => {
            tracing::warn!(host = %daemon_settings.host, "`Daemon.Host` is not an IP address; binding 127.0.0.1");
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        }
    };
    let host = options.host.unwrap_or(configured_host);
    let port = options.port.unwrap_or(daemon_settings.port);
    if !host.is_loopback() {
        tracing::warn!(%host, "binding a non-loopback address: other machines can reach the daemon (the token still guards it)");
    }
    let bind = SocketAddr::new(host, port);
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|source| StartError::Bind {
            address: bind,
            source,
        })?;
    let local = listener.local_addr().map_err(|source| StartError::Bind {
        address: bind,
        source,
    })?;
    let connect_ip = if host.is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host
    };
    let addr = SocketAddr::new(connect_ip, local.port());

    let token = run_files::fresh_token().map_err(|e| StartError::Random(e.to_string()))?;
    run_files::write_token(&paths, &token).map_err(|source| StartError::RunFile {
        path: paths.daemon_token_file(),
        source,
    })?;
    let mut init = StateInit::new(paths.clone(), env, token.clone(), local.port());
    init.extra_host = (!host.is_loopback() && !host.is_unspecified()).then(|| host.to_string());
    if let Some(clock) = options.clock.clone() {
        init.clock = clock;
    }
    init.callback_ports = options.callback_ports.clone();
    init.chat_http = options.chat_http.clone();
    let state = AppState::new(init);
    if let Some(interval) = options.watch_interval {
        crate::watch::spawn_watcher(state.clone(), interval);
    }
    if let Some(refresh) = options.refresh.clone() {
        crate::refresh::spawn_refresher(state.clone(), refresh);
        crate::usage_reader::spawn_usage_reader(state.clone());
    }
    let info = DaemonInfo {
        pid: std::process::id(),
        address: addr,
        started_at: state.started_at(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };
    run_files::write_info(&paths, &info).map_err(|source| StartError::RunFile {
        path: paths.daemon_info_file(),
        source,
    })?;
    tracing::info!(address = %addr, pid = info.pid, "daemon listening");

    let router = crate::router(state.clone());
    let limits = crate::connections::Limits {
        max_connections: options.max_connections.max(1),
        header_read_timeout: options.header_read_timeout,
    };
    let task = tokio::spawn(serve(
        listener,
        router,
        state.clone(),
        lock,
        limits,
        options.shutdown_deadline,
    ));
    Ok(RunningDaemon {
        addr,
        token,
        state,
        task,
    })
}

/// `Daemon.Host`/`Daemon.Port` as the whole layering gives them (`NETCLAW_Daemon__Port`
/// included); when the secrets cannot be read, the file's values, so the daemon still starts and
/// reports the error on `/api/health`.
fn daemon_settings(paths: &Paths, env: &EnvSnapshot) -> netclaw_config::DaemonSettings {
    let store = ConfigStore::new(paths.clone(), env);
    store
        .load(env)
        .map(|config| config.settings.daemon)
        .or_else(|_| {
            store
                .read()
                .and_then(|doc| doc.settings())
                .map(|s| s.daemon)
        })
        .unwrap_or_default()
}

async fn serve(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    state: AppState,
    lock: RunLock,
    limits: crate::connections::Limits,
    deadline: Duration,
) -> std::io::Result<()> {
    let shutdown = state.shutdown_token().clone();
    let server = crate::connections::serve(listener, router, limits, shutdown.clone());
    let cut_off = async {
        shutdown.cancelled().await;
        tokio::time::sleep(deadline).await;
    };
    tokio::select! {
        () = server => {}
        () = cut_off => {
            tracing::warn!(seconds = deadline.as_secs_f64(), "connections still open at the shutdown deadline; closing them");
        }
    }
    run_files::remove_info(state.paths());
    drop(lock);
    tracing::info!("daemon stopped");
    Ok(())
}

impl Hint for StartError {
    fn hint(&self) -> Option<String> {
        match self {
            Self::AlreadyRunning { .. } => Some(String::from(
                "stop it with `netclaw daemon stop`, or use another `--home`",
            )),
            Self::Bind { .. } => Some(String::from(
                "pick another port with `--port` (or `Daemon.Port` in netclaw.json)",
            )),
            _ => None,
        }
    }
}
