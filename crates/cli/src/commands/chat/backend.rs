//! Where a chat's answers come from: a running daemon, or the providers runtime in this
//! process, with the same fallback chain and cooldown file the daemon uses.

use netclaw_providers::resilience::Plan;
use netclaw_providers::runtime::Runtime;

use super::super::daemon::running;
use super::Target;
use crate::context::Context;
use crate::error::CliError;
use crate::home::Home;

/// Where answers come from.
pub(super) enum Backend {
    Daemon(netclaw_daemon::DaemonClient),
    Direct(Box<Direct>),
}

/// Chatting without a daemon: the providers runtime and the plan for the current target.
pub(super) struct Direct {
    pub(super) runtime: Runtime,
    pub(super) plan: Plan,
}

/// The plan for `target`: the model it names, or the configured chain.
fn plan(runtime: &Runtime, target: &Target) -> Result<Plan, CliError> {
    let (provider, model) = if target.explicit {
        (Some(target.provider.as_str()), Some(target.model.as_str()))
    } else {
        (None, None)
    };
    runtime
        .plan(provider, model)
        .map_err(|e| CliError::new(e.message()))
}

impl Backend {
    /// The daemon when one runs (and `--no-daemon` was not given), else the providers directly.
    pub(super) async fn connect(
        home: &Home,
        cx: &Context<'_>,
        target: &Target,
        no_daemon: bool,
    ) -> Result<Self, CliError> {
        if !no_daemon && let Some(client) = running(home).await {
            cx.printer
                .detail(format!("through the daemon at {}", client.base_url()));
            return Ok(Self::Daemon(client));
        }
        let runtime = home.runtime(cx)?;
        let plan = plan(&runtime, target)?;
        Ok(Self::Direct(Box::new(Direct { runtime, plan })))
    }

    /// Points the backend at a new target (`/model` in the REPL): the daemon picks the chain
    /// itself; a direct backend plans for the new target.
    pub(super) fn retarget(&mut self, target: &Target) -> Result<(), CliError> {
        if let Self::Direct(current) = self {
            current.plan = plan(&current.runtime, target)?;
        }
        Ok(())
    }
}
