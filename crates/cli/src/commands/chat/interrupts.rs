//! `Interrupts`: Ctrl-C while an answer streams. At the prompt the line editor reads Ctrl-C as a
//! key; while an answer streams the terminal is back in its normal mode and Ctrl-C arrives as
//! SIGINT, which the REPL listens for from its start so it never kills the process mid-answer.

#[cfg(unix)]
use futures_util::FutureExt;

use crate::error::CliError;

/// A listener for Ctrl-C, registered once for the whole REPL.
#[derive(Debug)]
pub(super) struct Interrupts {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupts {
    /// Starts listening (from now on Ctrl-C no longer ends the process).
    pub(super) fn listen() -> Result<Self, CliError> {
        #[cfg(unix)]
        {
            let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
                .map_err(|e| CliError::new(format!("cannot listen for Ctrl-C: {e}")))?;
            Ok(Self { signal })
        }
        #[cfg(not(unix))]
        Ok(Self {})
    }

    /// Drops a Ctrl-C that arrived while no answer was streaming, so it cannot cancel the next.
    pub(super) fn forget_pending(&mut self) {
        #[cfg(unix)]
        while self.signal.recv().now_or_never().flatten().is_some() {}
    }

    /// Waits for the next Ctrl-C.
    pub(super) async fn next(&mut self) {
        #[cfg(unix)]
        let heard = self.signal.recv().await.is_some();
        #[cfg(not(unix))]
        let heard = tokio::signal::ctrl_c().await.is_ok();
        if !heard {
            // No way to hear Ctrl-C: never cancel.
            std::future::pending::<()>().await;
        }
    }
}
