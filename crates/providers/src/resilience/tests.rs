//! Unit tests: the chain, failure classes and the cooldown book.

use std::time::Duration;

use jiff::Timestamp;
use netclaw_config::{ModelRef, Models};
use pretty_assertions::assert_eq;

use super::*;
use crate::bearer::CredentialError;
use crate::chat::{ChatError, ProviderRef, RateLimitSnapshot, RateLimitWindow};

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + second).unwrap()
}

fn provider() -> ProviderRef {
    ProviderRef::new("work", "OpenAI")
}

fn rate_limited(retry_after: Option<u64>, resets_at: Option<Timestamp>) -> ChatError {
    ChatError::RateLimited {
        provider: provider(),
        retry_after: retry_after.map(Duration::from_secs),
        resets_at,
        usage_limit: resets_at.is_some(),
        snapshot: None,
        detail: None,
    }
}

fn models() -> Models {
    Models {
        main: Some(ModelRef::new("work", "gpt-5")),
        fallback: Some(ModelRef::new("claude", "sonnet")),
        fallback_chain: vec![
            "Work/gpt-5".parse().unwrap(),
            "claude/sonnet".parse().unwrap(),
            "local/llama".parse().unwrap(),
        ],
        ..Models::default()
    }
}

fn names(plan: &Plan) -> Vec<String> {
    plan.candidates.iter().map(Candidate::public_name).collect()
}

#[test]
fn the_chain_is_main_fallback_then_the_list_without_duplicates() {
    assert_eq!(
        names(&Plan::configured(&models())),
        ["work/gpt-5", "claude/sonnet", "local/llama"]
    );
}

#[test]
fn an_explicit_model_stands_alone_unless_fallback_on_explicit() {
    let plan = Plan::explicit(&models(), Candidate::new("local", "llama"));
    assert_eq!(names(&plan), ["local/llama"]);
    assert!(plan.fallback_withheld);
    let mut allowed = models();
    allowed.fallback_on_explicit = Some(true);
    let plan = Plan::explicit(&allowed, Candidate::new("local", "llama"));
    assert_eq!(names(&plan), ["local/llama", "work/gpt-5", "claude/sonnet"]);
    assert!(!plan.fallback_withheld);
    let alone = Plan::explicit(&Models::default(), Candidate::new("local", "llama"));
    assert!(!alone.fallback_withheld, "nothing to fall back to");
}

#[test]
fn caller_caused_failures_never_fall_back() {
    let bad = ChatError::BadRequest {
        provider: provider(),
        status: 400,
        message: "invalid tool schema".into(),
    };
    assert!(!FailureKind::of(&bad).falls_back());
    let server = ChatError::Server {
        status: Some(500),
        provider: provider(),
        detail: None,
    };
    assert!(FailureKind::of(&server).falls_back());
    let reauth = ChatError::Credential {
        provider: provider(),
        source: CredentialError::ReauthRequired {
            provider: "work".into(),
        },
    };
    assert_eq!(FailureKind::of(&reauth), FailureKind::ReauthRequired);
}

#[test]
fn server_reset_times_make_hard_cooldowns() {
    let mut book = CooldownBook::default();
    let cooldown = book
        .record_failure("Work", &rate_limited(None, Some(at(600))), at(0), None)
        .unwrap();
    assert_eq!(cooldown.until, Some(at(600)));
    assert!(matches!(
        book.availability("work", at(599), None, None),
        Availability::Hard(_)
    ));
    assert_eq!(
        book.availability("work", at(600), None, None),
        Availability::Ready
    );
    let mut book = CooldownBook::default();
    book.record_failure("work", &rate_limited(Some(30), None), at(0), None);
    assert_eq!(
        book.current("work", at(0), None, None).unwrap().until,
        Some(at(30))
    );
}

#[test]
fn guessed_cooldowns_grow_1m_5m_25m_1h_and_reset_on_success() {
    let mut book = CooldownBook::default();
    let mut untils = Vec::new();
    for _ in 0..5 {
        let c = book
            .record_failure("work", &rate_limited(None, None), at(0), None)
            .unwrap();
        assert!(!c.from_server);
        untils.push(c.until.unwrap().as_second() - at(0).as_second());
    }
    assert_eq!(untils, [60, 300, 1500, 3600, 3600]);
    assert!(matches!(
        book.availability("work", at(1), None, None),
        Availability::Soft(_)
    ));
    assert!(book.record_success("work"));
    let c = book
        .record_failure("work", &rate_limited(None, None), at(0), None)
        .unwrap();
    assert_eq!(c.until, Some(at(60)));
}

#[test]
fn reauth_lasts_until_the_login_changes() {
    let error = ChatError::Credential {
        provider: provider(),
        source: CredentialError::ReauthRequired {
            provider: "work".into(),
        },
    };
    let mut book = CooldownBook::default();
    let stamp = Some(at(-100));
    book.record_failure("work", &error, at(0), stamp);
    assert!(matches!(
        book.availability("work", at(1_000_000), None, stamp),
        Availability::Hard(_)
    ));
    assert_eq!(
        book.availability("work", at(1), None, Some(at(5000))),
        Availability::Ready
    );
}

#[test]
fn usage_over_the_threshold_is_a_soft_cooldown_until_the_window_resets() {
    let snapshot = RateLimitSnapshot {
        primary: Some(RateLimitWindow {
            used_percent: 95.0,
            resets_at: Some(at(900)),
            ..RateLimitWindow::default()
        }),
        ..RateLimitSnapshot::default()
    };
    let mut book = CooldownBook::default();
    assert!(
        book.record_usage("work", &snapshot, at(0), None),
        "the first limits seen are worth saving"
    );
    assert_eq!(
        book.availability("work", at(0), None, None),
        Availability::Ready,
        "no threshold: off by default"
    );
    assert!(book.record_usage("work", &snapshot, at(0), Some(90.0)));
    assert!(
        !book.record_usage("work", &snapshot, at(1), Some(90.0)),
        "unchanged"
    );
    assert!(
        !book.record_usage("work", &snapshot, at(59), Some(90.0)),
        "seen again within the minute: not written"
    );
    assert!(
        book.record_usage("work", &snapshot, at(61), Some(90.0)),
        "a minute after the last write it is written again, however often it was seen"
    );
    assert_eq!(book.limits("work").unwrap().at, at(61));
    assert!(matches!(
        book.availability("work", at(10), Some(90.0), None),
        Availability::Soft(_)
    ));
    assert_eq!(
        book.availability("work", at(10), Some(96.0), None),
        Availability::Ready
    );
    assert_eq!(
        book.availability("work", at(900), Some(90.0), None),
        Availability::Ready
    );
}

#[test]
fn the_book_round_trips_through_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state/cooldowns.json");
    let mut book = CooldownBook::default();
    book.record_failure("work", &rate_limited(None, Some(at(600))), at(0), None);
    book.save(&file).unwrap();
    assert_eq!(CooldownBook::load(&file), book);
    std::fs::File::create(&file).unwrap();
    assert!(
        CooldownBook::load(&file).is_empty(),
        "a broken file is no cooldown"
    );
}
