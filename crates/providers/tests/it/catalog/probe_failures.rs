//! Every provider type's probe against failing servers: each failure mapped to its class and the
//! original's message, and the key never shown even when the server echoes it.

use std::fmt::Write as _;
use std::time::Duration;

use netclaw_providers::probe::ProbeClass;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::support::{FLAVOURS, Flavour, KEY, run};

const PROBE_TIMEOUT: Duration = Duration::from_millis(200);

#[derive(Debug, Clone, Copy)]
enum Case {
    Status(u16, &'static str),
    Timeout,
    Refused,
}

fn cases() -> Vec<(&'static str, Case, ProbeClass)> {
    let echo_401 = r#"{"error":{"message":"Incorrect API key provided: sk-test-SECRET-4f9a1c"}}"#;
    let echo_403 = r#"{"error":"key sk-test-SECRET-4f9a1c lacks scope api.model.read"}"#;
    vec![
        (
            "401 echoing the key",
            Case::Status(401, echo_401),
            ProbeClass::Auth,
        ),
        (
            "401 without detail",
            Case::Status(401, ""),
            ProbeClass::Auth,
        ),
        (
            "403 echoing the key",
            Case::Status(403, echo_403),
            ProbeClass::Forbidden,
        ),
        (
            "404",
            Case::Status(404, "not found"),
            ProbeClass::BadResponse,
        ),
        (
            "429",
            Case::Status(
                429,
                r#"{"error":{"message":"slow down","type":"rate_limit_error"}}"#,
            ),
            ProbeClass::RateLimited,
        ),
        (
            "429 quota",
            Case::Status(
                429,
                r#"{"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}}"#,
            ),
            ProbeClass::Quota,
        ),
        ("500", Case::Status(500, "boom"), ProbeClass::Unreachable),
        ("418", Case::Status(418, ""), ProbeClass::BadResponse),
        (
            "invalid JSON",
            Case::Status(200, "{not json"),
            ProbeClass::BadResponse,
        ),
        ("timeout", Case::Timeout, ProbeClass::Timeout),
        ("connection refused", Case::Refused, ProbeClass::Unreachable),
    ]
}

async fn run_case(flavour: &Flavour, case: Case) -> netclaw_providers::probe::ProbeReport {
    match case {
        Case::Refused => {
            // Bind then drop a listener: the port is free and nothing answers on it.
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            drop(listener);
            run(&flavour.target(&base), PROBE_TIMEOUT).await
        }
        Case::Timeout | Case::Status(..) => {
            let server = MockServer::start().await;
            let response = match case {
                // A provider that sends no key cannot leak one: echo something else there.
                Case::Status(code, body) if !flavour.sends_key => {
                    ResponseTemplate::new(code).set_body_string(body.replace(KEY, "no-key-sent"))
                }
                Case::Status(code, body) => ResponseTemplate::new(code).set_body_string(body),
                _ => ResponseTemplate::new(200)
                    .set_body_string(r#"{"data":[],"models":[]}"#)
                    .set_delay(Duration::from_secs(30)),
            };
            Mock::given(path(flavour.listing_path))
                .respond_with(response)
                .mount(&server)
                .await;
            run(&flavour.target(&server.uri()), PROBE_TIMEOUT).await
        }
    }
}

#[tokio::test]
async fn every_failure_of_every_type_is_classified_with_its_message_and_no_key() {
    let mut table = String::new();
    for flavour in &FLAVOURS {
        for (case_name, case, expected) in cases() {
            let report = run_case(flavour, case).await;
            let message = report.message.clone().unwrap_or_default();
            assert_eq!(
                report.class, expected,
                "{} / {case_name}: got {:?} ({message})",
                flavour.name, report.class
            );
            assert!(
                !message.contains(KEY),
                "{} / {case_name} leaked the key: {message}",
                flavour.name
            );
            assert!(report.models.is_empty());
            writeln!(
                table,
                "{} / {case_name}: {} | {message}",
                flavour.name,
                report.class.as_str()
            )
            .unwrap();
        }
    }
    insta::assert_snapshot!(table);
}

#[tokio::test]
async fn an_echoed_key_is_redacted_rather_than_dropped() {
    let flavour = &FLAVOURS[1];
    let report = run_case(flavour, cases()[0].1).await;
    assert_eq!(
        report.message.as_deref(),
        Some("Invalid credentials for openai: Incorrect API key provided: [redacted]")
    );
}
