//! Usage reports read what the server sent, window by window, and name the binding one.

use serde_json::json;

use super::fetch::parse_chatgpt;
use super::*;

fn at() -> Timestamp {
    "2026-12-06T10:00:00Z".parse().unwrap()
}

#[test]
fn a_chatgpt_answer_gives_both_windows_credits_plan_and_the_binding_one() {
    let body = json!({"plan_type": "plus",
        "rate_limit": {"primary_window": {"used_percent": 6, "reset_at": 1_796_000_000_i64, "limit_window_seconds": 18000},
                       "secondary_window": {"used_percent": 24, "reset_at": 1_796_500_000_i64, "limit_window_seconds": 604_800}},
        "code_review_rate_limit": {"primary_window": {"used_percent": 90, "reset_at": 1_796_500_000_i64, "limit_window_seconds": 604_800}},
        "credits": {"has_credits": true, "unlimited": false, "balance": 5.39}});
    let (report, snapshot) = parse_chatgpt(&body, "work", at());
    assert_eq!(
        report.binding.as_deref(),
        Some("secondary"),
        "code review does not bind chats"
    );
    assert_eq!(report.plan.as_deref(), Some("plus"));
    assert_eq!(
        report.credits.as_ref().unwrap().balance.as_deref(),
        Some("5.39")
    );
    assert_eq!(report.windows[0].window_seconds, Some(18_000));
    assert_eq!(snapshot.secondary.unwrap().window_minutes, Some(10_080));
}

#[test]
fn a_single_window_or_another_length_is_shown_as_it_is() {
    let body = json!({"rate_limit": {"primary_window": null,
        "secondary_window": {"used_percent": 71.5, "reset_after_seconds": 3600, "limit_window_seconds": 2_592_000}}});
    let (report, _) = parse_chatgpt(&body, "work", at());
    assert_eq!(report.windows.len(), 1);
    assert_eq!(report.windows[0].window_seconds, Some(2_592_000));
    assert_eq!(
        report.windows[0].resets_at.unwrap().to_string(),
        "2026-12-06T11:00:00Z"
    );
    assert_eq!(report.binding.as_deref(), Some("secondary"));
}

#[test]
fn key_budgets_from_headers_bind_on_the_fuller_one() {
    let snapshot = RateLimitSnapshot {
        requests: Some(CountWindow {
            limit: Some(100),
            remaining: Some(90),
            resets_at: None,
        }),
        tokens: Some(CountWindow {
            limit: Some(1000),
            remaining: Some(100),
            resets_at: None,
        }),
        ..RateLimitSnapshot::default()
    };
    let report = UsageReport::from_snapshot("key", &snapshot, UsageSource::ResponseHeaders, at());
    assert_eq!(report.binding.as_deref(), Some("tokens"));
    assert_eq!(report.windows[1].used_percent, Some(90.0));
}

#[test]
fn the_usage_endpoint_sits_beside_the_codex_endpoint() {
    assert_eq!(
        chatgpt_usage_url("https://chatgpt.com/backend-api/codex"),
        "https://chatgpt.com/backend-api/wham/usage"
    );
    assert_eq!(
        chatgpt_usage_url("http://127.0.0.1:9/backend-api/codex/"),
        "http://127.0.0.1:9/backend-api/wham/usage"
    );
}
