//! Word of what a request is doing while nothing arrives, for whoever shows the wait (the
//! CLI's spinner): a failure netclaw retries would otherwise be seconds of silence.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Something worth telling the person waiting.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// The request failed before any output and is sent again after `after`.
    Retrying {
        /// The vendor's label (`OpenAI Codex`).
        provider: String,
        /// This retry's number, from 1.
        attempt: u32,
        /// How many retries the policy allows.
        of: u32,
        /// The wait before it.
        after: Duration,
        /// Why, in words (the failure's summary).
        reason: String,
    },
}

impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Retrying {
                attempt,
                of,
                after,
                reason,
                ..
            } => write!(
                f,
                "{reason} — retry {attempt}/{of} in {:.1} s",
                after.as_secs_f64()
            ),
        }
    }
}

/// A listener for [`Progress`].
type Listener = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Where a request reports [`Progress`]; nowhere by default.
#[derive(Clone, Default)]
pub struct ProgressSink(Option<Listener>);

impl ProgressSink {
    /// A sink that calls `report` (from the task running the request: keep it quick).
    pub fn new(report: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(report)))
    }

    /// A sink whose news arrive on the returned receiver, for a caller that waits on the
    /// request and on its news at once. News sent after the receiver is gone are dropped.
    pub fn channel() -> (Self, tokio::sync::mpsc::UnboundedReceiver<Progress>) {
        let (news, heard) = tokio::sync::mpsc::unbounded_channel();
        let sink = Self::new(move |progress: &Progress| {
            let _ = news.send(progress.clone());
        });
        (sink, heard)
    }

    /// Tells the sink, if there is one.
    pub fn report(&self, progress: &Progress) {
        if let Some(report) = &self.0 {
            report(progress);
        }
    }
}

impl fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "ProgressSink(set)"
        } else {
            "ProgressSink(none)"
        })
    }
}

/// Requests compare by what they ask, not by who listens.
impl PartialEq for ProgressSink {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
