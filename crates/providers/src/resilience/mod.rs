//! When a model fails, answer with the next one: the fallback chain, cooldowns and
//! quota-aware switching shared by the daemon and the CLI.
//!
//! A [`Plan`] lists the candidates for one request (`Models.Main`, `Models.Fallback`, then
//! `Models.FallbackChain`, or just the model the request named). [`Resilience::first_answer`]
//! sends the request to the first usable candidate and moves on to the next only when the
//! attempt failed before any output reached the caller with a provider-side failure
//! ([`FailureKind::falls_back`]). Providers that answered 429 or a usage limit, or whose login
//! must be renewed, are remembered in a [`CooldownBook`] (persisted to `state/cooldowns.json`)
//! and skipped until they recover. A provider with several accounts has a candidate per
//! account, in its `AccountOrder`; each account cools down on its own.

mod accounts;
mod affinity;
mod book;
mod chain;
mod failure;
mod router;

#[cfg(test)]
mod tests;

pub use book::{
    Availability, Cooldown, CooldownBook, CooldownReason, EXPONENTIAL_COOLDOWNS, SeenLimits,
};
pub use chain::{Candidate, Plan};
pub use failure::FailureKind;
pub use router::{Attempt, Refusal, Resilience, Served, Skipped};

/// How to let explicitly named models fall back, for error hints.
pub const FALLBACK_ON_EXPLICIT_HINT: &str = "to fall back anyway, set `NETCLAW_Models__FallbackOnExplicit=true` or `\"FallbackOnExplicit\": true` under `Models` in netclaw.json";
