//! Sending a request to the first candidate that answers, remembering who failed and why.

use netclaw_config::Hint;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use futures_util::StreamExt;
use jiff::Timestamp;
use netclaw_oauth::Clock;

use crate::chat::{ChatClient, ChatError, ChatRequest, ChatStream, RateLimitSnapshot, StreamEvent};

use super::FALLBACK_ON_EXPLICIT_HINT;
use super::accounts::{AccountTurns, ordered};
use super::affinity::{Affinity, continues, conversation_key};
use super::book::{Availability, Cooldown, CooldownBook, CooldownReason, SeenLimits};
use super::chain::{Candidate, Plan};
use super::failure::FailureKind;

/// A candidate that was tried and failed before any output.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// Who was tried.
    pub candidate: Candidate,
    /// How it failed.
    pub kind: FailureKind,
    /// What it said (safe to show).
    pub message: String,
    /// The context window its refusal stated, for a context-length failure that gave one.
    pub stated_window: Option<u32>,
}

/// A candidate that was not tried.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// Who was skipped.
    pub candidate: Candidate,
    /// Its cooldown, or `None` when it could not be used at all (see `why`).
    pub cooldown: Option<Cooldown>,
    /// Why, in words.
    pub why: String,
}

/// A request that found a model: where it went and its events from the first output on.
#[derive(Debug)]
pub struct Served {
    /// The model asked for.
    pub requested: Candidate,
    /// The model that answers.
    pub candidate: Candidate,
    /// The first output event (`None` when the stream ended without any).
    pub first: Option<StreamEvent>,
    /// The rest of the events.
    pub stream: ChatStream,
    /// Candidates tried before, in order.
    pub attempts: Vec<Attempt>,
    /// Candidates passed over.
    pub skipped: Vec<Skipped>,
    /// Another model than the one asked for answered because it served this conversation's
    /// earlier turns.
    pub kept_for_conversation: bool,
}

impl Served {
    /// Whether another model than the one asked for answers.
    pub fn fell_back(&self) -> bool {
        !self.candidate.same_as(&self.requested)
    }

    /// Why the model asked for did not answer (`rate_limited`, `usage_threshold`, …).
    pub fn fallback_reason(&self) -> Option<String> {
        if !self.fell_back() {
            return None;
        }
        let first = &self.requested;
        if self.kept_for_conversation {
            return Some("conversation".to_owned());
        }
        if let Some(a) = self.attempts.iter().find(|a| a.candidate.same_as(first)) {
            return Some(a.kind.as_str().to_owned());
        }
        self.skipped
            .iter()
            .find(|s| s.candidate.same_as(first))
            .map(|s| {
                s.cooldown
                    .as_ref()
                    .map_or("unusable", |c| c.reason.as_str())
                    .to_owned()
            })
    }

    /// All events, the first output included (for callers that collect).
    pub fn into_stream(self) -> ChatStream {
        let first = futures_util::stream::iter(self.first.map(Ok));
        ChatStream::new(first.chain(self.stream))
    }
}

/// Why no model answered.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// The last attempt failed with `error` (another model could not help, or none was left).
    Failed {
        /// The failure to report (its status and code apply).
        error: ChatError,
        /// Every attempt, the failing one included.
        attempts: Vec<Attempt>,
        /// Candidates passed over.
        skipped: Vec<Skipped>,
        /// Falling back was not allowed because the request named its model.
        fallback_withheld: bool,
    },
    /// Every candidate is cooling down or unusable.
    NoneAvailable {
        /// Why each was passed over.
        skipped: Vec<Skipped>,
        /// Falling back was not allowed because the request named its model.
        fallback_withheld: bool,
    },
}

impl Refusal {
    /// The chat error, when a request was sent.
    pub fn error(&self) -> Option<&ChatError> {
        match self {
            Self::Failed { error, .. } => Some(error),
            Self::NoneAvailable { .. } => None,
        }
    }

    /// What to tell the user.
    pub fn message(&self) -> String {
        match self {
            Self::Failed {
                error, attempts, ..
            } => {
                let earlier: Vec<String> = attempts
                    .iter()
                    .take(attempts.len().saturating_sub(1))
                    .map(|a| format!("`{}` ({})", a.candidate.served_name(), a.kind.as_str()))
                    .collect();
                if earlier.is_empty() {
                    error.summary()
                } else {
                    format!("{}; tried before: {}", error.summary(), earlier.join(", "))
                }
            }
            Self::NoneAvailable { skipped, .. } => {
                let parts: Vec<String> = skipped.iter().map(describe_skip).collect();
                match parts.as_slice() {
                    [one] => format!("no model can answer now: {one}"),
                    _ => format!("no model can answer now: {}", parts.join("; ")),
                }
            }
        }
    }

    /// Whether another model might have answered, had the request not named its model while
    /// `Models.FallbackOnExplicit` is off.
    pub fn fallback_withheld(&self) -> bool {
        match self {
            Self::Failed {
                error,
                fallback_withheld,
                ..
            } => *fallback_withheld && FailureKind::of(error).falls_back(),
            Self::NoneAvailable {
                fallback_withheld, ..
            } => *fallback_withheld,
        }
    }

    /// The soonest time a skipped candidate comes back, for `Retry-After`.
    pub fn retry_at(&self) -> Option<Timestamp> {
        let skipped = match self {
            Self::Failed { skipped, .. } | Self::NoneAvailable { skipped, .. } => skipped,
        };
        skipped
            .iter()
            .filter_map(|s| s.cooldown.as_ref()?.until)
            .min()
    }

    /// Whether every candidate waits for a new login.
    pub fn needs_login(&self) -> bool {
        matches!(self, Self::NoneAvailable { skipped, .. } if !skipped.is_empty() && skipped.iter().all(|s| s.cooldown.as_ref().is_some_and(|c| c.reason == CooldownReason::ReauthRequired)))
    }
}

fn describe_skip(skipped: &Skipped) -> String {
    let name = skipped.candidate.served_name();
    match &skipped.cooldown {
        Some(c) if c.reason == CooldownReason::ReauthRequired => {
            format!("`{name}` waits for a new login")
        }
        Some(c) => match c.until {
            Some(until) => format!(
                "`{name}` is cooling down until {} ({})",
                until.strftime("%Y-%m-%d %H:%M:%S UTC"),
                c.reason.describe()
            ),
            None => format!("`{name}` is cooling down ({})", c.reason.describe()),
        },
        None => format!("`{name}` {}", skipped.why),
    }
}

/// The cooldown book shared by every request of a process, persisted on each change.
#[derive(Debug)]
pub struct Resilience {
    book: Mutex<CooldownBook>,
    file: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    affinity: Affinity,
    turns: AccountTurns,
}

impl Resilience {
    /// A book kept in `file` (read now, written on each change), timed by `clock`.
    pub fn persistent(file: PathBuf, clock: Arc<dyn Clock>) -> Self {
        Self {
            book: Mutex::new(CooldownBook::load(&file)),
            file: Some(file),
            clock,
            affinity: Affinity::default(),
            turns: AccountTurns::default(),
        }
    }

    /// A book that lives in memory only.
    pub fn in_memory(clock: Arc<dyn Clock>) -> Self {
        Self {
            book: Mutex::new(CooldownBook::default()),
            file: None,
            clock,
            affinity: Affinity::default(),
            turns: AccountTurns::default(),
        }
    }

    /// The current time of the book's clock.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// A copy of the book.
    pub fn book(&self) -> CooldownBook {
        self.lock().clone()
    }

    /// The cooldown in force for `provider` now, if any.
    pub fn current(
        &self,
        provider: &str,
        threshold: Option<f64>,
        login_stamp: Option<Timestamp>,
    ) -> Option<Cooldown> {
        self.lock()
            .current(provider, self.clock.now(), threshold, login_stamp)
    }

    /// A provider's `accounts` (as listed) in the order `order` gives a new conversation.
    pub fn accounts_in_order(
        &self,
        accounts: Vec<netclaw_config::ProviderAccount>,
        order: netclaw_config::AccountOrder,
    ) -> Vec<netclaw_config::ProviderAccount> {
        ordered(accounts, order, &self.turns, &self.book)
    }

    /// The last limits `provider` reported, and when.
    pub fn limits(&self, provider: &str) -> Option<SeenLimits> {
        self.lock().limits(provider).cloned()
    }

    /// Remembers limits read without a turn (a usage endpoint), so the switch threshold
    /// applies before a chat meets the limit.
    pub fn record_limits(
        &self,
        provider: &str,
        snapshot: &RateLimitSnapshot,
        threshold: Option<f64>,
    ) {
        let now = self.clock.now();
        self.change(|book| book.record_usage(provider, snapshot, now, threshold));
    }

    /// Forgets `provider`'s cooldowns.
    pub fn clear(&self, provider: &str) {
        self.change(|book| book.clear(provider));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, CooldownBook> {
        self.book.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Applies `edit`; persists when it reports a change.
    fn change(&self, edit: impl FnOnce(&mut CooldownBook) -> bool) {
        let mut book = self.lock();
        if edit(&mut book)
            && let Some(file) = &self.file
            && let Err(error) = book.save(file)
        {
            tracing::warn!(%error, "cannot save the cooldowns");
        }
    }

    /// Sends `request` to the first usable candidate of `plan` (`open` builds a candidate's
    /// client, or says why it cannot be used) and returns its events from the first output on.
    ///
    /// The next candidate is tried only when an attempt failed before any output with a
    /// failure another model may cure ([`FailureKind::falls_back`]); a context-length failure
    /// moves only to candidates with a larger known context window. Candidates in a hard
    /// cooldown are skipped; soft ones (guessed cooldowns, usage over `switch_at_used_percent`)
    /// are tried after every ready one.
    pub async fn first_answer(
        &self,
        plan: &Plan,
        request: ChatRequest,
        switch_at_used_percent: Option<f64>,
        open: impl Fn(&Candidate) -> Result<Arc<dyn ChatClient>, String>,
    ) -> Result<Served, Refusal> {
        let Some(mut requested) = plan.requested().cloned() else {
            return Err(Refusal::NoneAvailable {
                skipped: Vec::new(),
                fallback_withheld: false,
            });
        };
        // The account the order starts at: a move away from it to another account of the
        // same model is a detour, which ends when that account is back.
        let planned = requested.clone();
        let now = self.clock.now();
        let mut ready = Vec::new();
        let mut soft = Vec::new();
        let mut skipped = Vec::new();
        {
            let book = self.lock();
            for candidate in &plan.candidates {
                match book.availability(
                    &candidate.credential_key(),
                    now,
                    switch_at_used_percent,
                    candidate.login_stamp,
                ) {
                    Availability::Ready => ready.push(candidate.clone()),
                    Availability::Soft(cooldown) => soft.push((candidate.clone(), cooldown)),
                    Availability::Hard(cooldown) => skipped.push(Skipped {
                        candidate: candidate.clone(),
                        why: cooldown.reason.describe().to_owned(),
                        cooldown: Some(cooldown),
                    }),
                }
            }
        }
        for (candidate, cooldown) in &soft {
            tracing::info!(
                model = %candidate.served_name(),
                reason = cooldown.reason.as_str(),
                "trying other models first"
            );
        }
        // A conversation's later turns go first to the model that served it, while it works.
        // Only a conversation that continues is looked up, and only one served elsewhere than
        // the model asked for is remembered: the common turn costs nothing.
        let mut conversation = None;
        let mut key = || *conversation.get_or_insert_with(|| conversation_key(&request));
        let kept = continues(&request)
            .then(|| self.affinity.of(key(), now))
            .flatten();
        if let Some(kept) = &kept
            && let Some(at) = ready.iter().position(|c| c.same_as(kept))
            && at > 0
        {
            let candidate = ready.remove(at);
            ready.insert(0, candidate);
        }
        // Which account of the model asked for starts is the order's choice, not the
        // request's: the conversation's own account is then the one asked for.
        if let Some(kept) = &kept
            && kept.same_model_as(&requested)
            && ready.first().is_some_and(|first| first.same_as(kept))
        {
            requested = kept.clone();
        }
        let order: Vec<(Candidate, Option<Cooldown>)> = ready
            .into_iter()
            .map(|c| (c, None))
            .chain(soft.iter().map(|(c, cd)| (c.clone(), Some(cd.clone()))))
            .collect();
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut last_error: Option<ChatError> = None;
        let mut window_floor: Option<u64> = None;
        let mut passed_over: Vec<Skipped> = Vec::new();
        for (candidate, soft_cooldown) in order {
            if let Some(floor) = window_floor
                && candidate.context_window.is_none_or(|w| w <= floor)
            {
                passed_over.push(Skipped {
                    why: "has no larger context window".to_owned(),
                    candidate,
                    cooldown: None,
                });
                continue;
            }
            let client = match open(&candidate) {
                Ok(client) => client,
                Err(why) => {
                    tracing::warn!(model = %candidate.served_name(), %why, "skipping a model that cannot be used");
                    passed_over.push(Skipped {
                        candidate,
                        cooldown: None,
                        why: format!("cannot be used: {why}"),
                    });
                    continue;
                }
            };
            let mut sent = request.clone();
            sent.model.clone_from(&candidate.model);
            // Cooldowns and limits are filed under the account that sends the request.
            let credential = candidate.credential_key();
            match self
                .first_output(&credential, client.stream(sent), switch_at_used_percent)
                .await
            {
                Ok((first, stream)) => {
                    if !candidate.same_as(&requested) {
                        tracing::info!(requested = %requested.served_name(), served_by = %candidate.served_name(), "a fallback model answers");
                    }
                    skipped.extend(passed_over);
                    // Soft-cooled candidates never reached were passed over too.
                    skipped.extend(
                        soft.into_iter()
                            .filter(|(c, _)| {
                                !c.same_as(&candidate)
                                    && !attempts.iter().any(|a| a.candidate.same_as(c))
                            })
                            .map(|(c, cd)| Skipped {
                                candidate: c,
                                why: cd.reason.describe().to_owned(),
                                cooldown: Some(cd),
                            }),
                    );
                    if let Some(cd) = soft_cooldown {
                        tracing::debug!(
                            reason = cd.reason.as_str(),
                            "a model in a soft cooldown answered"
                        );
                    }
                    if kept.is_some() || !candidate.same_as(&requested) || plan.several_accounts() {
                        // A move to another account of the model asked for lasts until the
                        // account asked for is back: its limit reset, or its cooldown ended.
                        let detour_until = (candidate.same_model_as(&planned)
                            && !candidate.same_as(&planned))
                        .then(|| self.back_at(&planned, switch_at_used_percent))
                        .flatten();
                        if let Some(before) =
                            self.affinity
                                .record(key(), &candidate, self.clock.now(), detour_until)
                        {
                            tracing::info!(from = %before.served_name(), to = %candidate.served_name(), "the conversation moves");
                        }
                    }
                    let kept_for_conversation = kept.is_some_and(|k| k.same_as(&candidate))
                        && !candidate.same_as(&requested);
                    return Ok(Served {
                        requested,
                        candidate,
                        first,
                        stream,
                        attempts,
                        skipped,
                        kept_for_conversation,
                    });
                }
                Err(error) => {
                    let kind = FailureKind::of(&error);
                    let cooldown = {
                        let mut started = None;
                        self.change(|book| {
                            started = book.record_failure(
                                &credential,
                                &error,
                                now_of(self),
                                candidate.login_stamp,
                            );
                            // A 429 says how full the limits are, too.
                            let limits_moved = match &error {
                                ChatError::RateLimited {
                                    snapshot: Some(snapshot),
                                    ..
                                } => book.record_usage(
                                    &credential,
                                    snapshot,
                                    now_of(self),
                                    switch_at_used_percent,
                                ),
                                _ => false,
                            };
                            started.is_some() || limits_moved
                        });
                        started
                    };
                    tracing::warn!(
                        model = %candidate.served_name(),
                        reason = kind.as_str(),
                        cooldown_until = ?cooldown.as_ref().and_then(|c| c.until),
                        error = %error.technical_message(),
                        "model failed before any output"
                    );
                    let stated_window = error.stated_context_window();
                    attempts.push(Attempt {
                        candidate: candidate.clone(),
                        kind,
                        message: error.summary(),
                        stated_window,
                    });
                    // What the refusal states beats what was advertised: only a model with a
                    // larger window than the one that refused can take the prompt.
                    let refused_at = stated_window.map(u64::from).or(candidate.context_window);
                    let stop = !kind.falls_back()
                        || (kind == FailureKind::ContextLength && refused_at.is_none());
                    if kind == FailureKind::ContextLength {
                        window_floor = window_floor.max(refused_at);
                    }
                    if stop {
                        skipped.extend(passed_over);
                        return Err(Refusal::Failed {
                            error,
                            attempts,
                            skipped,
                            fallback_withheld: plan.fallback_withheld,
                        });
                    }
                    last_error = Some(error);
                }
            }
        }
        skipped.extend(passed_over);
        match last_error {
            Some(error) => Err(Refusal::Failed {
                error,
                attempts,
                skipped,
                fallback_withheld: plan.fallback_withheld,
            }),
            None => Err(Refusal::NoneAvailable {
                skipped,
                fallback_withheld: plan.fallback_withheld,
            }),
        }
    }

    /// When `candidate`'s cooldown (or its usage over the threshold) ends, if it has one that
    /// ends.
    fn back_at(&self, candidate: &Candidate, threshold: Option<f64>) -> Option<Timestamp> {
        self.lock()
            .current(
                &candidate.credential_key(),
                self.clock.now(),
                threshold,
                candidate.login_stamp,
            )?
            .until
    }

    /// Reads `events` up to the first output, noting rate-limit snapshots on the way under
    /// `credential` (the key of the account that sent the request).
    async fn first_output(
        &self,
        credential: &str,
        mut events: ChatStream,
        threshold: Option<f64>,
    ) -> Result<(Option<StreamEvent>, ChatStream), ChatError> {
        while let Some(item) = events.next().await {
            match item? {
                StreamEvent::RateLimits(snapshot) => {
                    let now = self.clock.now();
                    self.change(|book| book.record_usage(credential, &snapshot, now, threshold));
                }
                event => {
                    self.change(|book| book.record_success(credential));
                    return Ok((Some(event), events));
                }
            }
        }
        self.change(|book| book.record_success(credential));
        Ok((None, events))
    }
}

fn now_of(resilience: &Resilience) -> Timestamp {
    resilience.clock.now()
}

impl Hint for Refusal {
    fn hint(&self) -> Option<String> {
        let withheld = self.fallback_withheld();
        let base = match self {
            Self::Failed { error, .. } => error.hint(),
            Self::NoneAvailable { skipped, .. } => {
                let login = skipped.iter().find(|s| {
                    s.cooldown
                        .as_ref()
                        .is_some_and(|c| c.reason == CooldownReason::ReauthRequired)
                });
                let base = match login {
                    Some(s) => format!("run `netclaw provider login {}`", s.candidate.provider),
                    None => "`netclaw provider list` shows the cooldowns".to_owned(),
                };
                Some(base)
            }
        };
        match (base, withheld) {
            (Some(base), true) => Some(format!("{base}; {FALLBACK_ON_EXPLICIT_HINT}")),
            (None, true) => Some(FALLBACK_ON_EXPLICIT_HINT.to_owned()),
            (base, false) => base,
        }
    }
}
