//! `netclaw doctor`, credentials from the environment, and managers without a terminal.

use crate::support::{KEY, Netclaw};
use crate::vendors::API_VENDORS;

#[tokio::test(flavor = "multi_thread")]
async fn doctor_probes_every_provider_and_names_the_fix() {
    let healthy = wiremock::MockServer::start().await;
    API_VENDORS[3].mount_healthy(&healthy).await;
    let broken = wiremock::MockServer::start().await;
    let netclaw = Netclaw::new();
    let (good, bad) = (healthy.uri(), broken.uri());
    netclaw
        .run(
            &["provider", "add", "local", "ollama", "--endpoint", &good],
            "",
        )
        .await
        .expect_code(0);
    netclaw
        .run(
            &[
                "provider",
                "add",
                "gone",
                "ollama",
                "--endpoint",
                &bad,
                "--skip-probe",
            ],
            "",
        )
        .await
        .expect_code(0);
    netclaw
        .run(&["model", "set", "main", "local/llama3.2:3b"], "")
        .await
        .expect_code(0);
    let doctor = netclaw.run(&["doctor", "--json"], "").await;
    doctor.expect_code(1);
    let findings = doctor.json();
    let by_check = |check: &str| {
        findings
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["check"] == check)
            .cloned()
            .unwrap()
    };
    assert_eq!(by_check("provider local")["level"], "ok");
    assert_eq!(by_check("provider gone")["level"], "error");
    assert_eq!(
        by_check("provider gone")["fix"],
        "netclaw provider probe gone"
    );
    assert_eq!(by_check("daemon")["fix"], "netclaw daemon start");
    assert_eq!(by_check("models")["level"], "ok");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_from_the_environment_is_listed_as_such_and_never_shown() {
    let server = wiremock::MockServer::start().await;
    API_VENDORS[1].mount_healthy(&server).await;
    let netclaw = Netclaw::new().env("ANTHROPIC_API_KEY", KEY);
    let uri = server.uri();
    netclaw
        .run(
            &[
                "provider",
                "add",
                "claude",
                "anthropic",
                "--endpoint",
                &uri,
                "--skip-probe",
                "--auth",
                "api-key",
                "--api-key-stdin",
            ],
            "x",
        )
        .await
        .expect_code(0);
    // Replace the stored key by nothing: remove the secret, the env var remains.
    netclaw
        .run(&["provider", "logout", "claude"], "")
        .await
        .expect_code(0);
    let list = netclaw.run(&["provider", "list", "--json"], "").await;
    assert_eq!(list.json()[0]["credentialSource"], "env:ANTHROPIC_API_KEY");
    netclaw
        .run(&["provider", "probe", "claude"], "")
        .await
        .expect_code(0);
    let show = netclaw.run(&["config", "show"], "").await;
    assert_eq!(
        show.json()["Providers"]["claude"]["Accounts"]["default"]["ApiKey"],
        "******** (env:ANTHROPIC_API_KEY)"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn managers_without_a_terminal_name_the_subcommands() {
    let netclaw = Netclaw::new();
    let run = netclaw.run(&["provider"], "").await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("netclaw provider list|add"),
        "{}",
        run.stderr
    );
    let run = netclaw.run(&["model"], "").await;
    run.expect_code(2);
    let run = netclaw.run(&["init"], "").await;
    run.expect_code(2);
    assert!(
        run.stderr.contains("netclaw provider add <name> <type>"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn probe_and_doctor_columns_line_up_whatever_the_name_lengths() {
    let netclaw = Netclaw::new();
    for (name, ty, endpoint) in [
        ("a", "ollama", "http://127.0.0.1:9"),
        (
            "a-much-longer-name",
            "openai-compatible",
            "http://127.0.0.1:9/v1",
        ),
    ] {
        netclaw
            .run(
                &[
                    "provider",
                    "add",
                    name,
                    ty,
                    "--endpoint",
                    endpoint,
                    "--skip-probe",
                ],
                "",
            )
            .await
            .expect_code(0);
    }
    let column = |line: &str, needle: &str| line.find(needle).map(|at| line[..at].chars().count());

    let probe = netclaw.run(&["provider", "probe", "--all"], "").await;
    let starts: Vec<Option<usize>> = probe
        .stdout
        .lines()
        .map(|l| column(l, "unreachable"))
        .collect();
    assert_eq!(starts.len(), 2, "{}", probe.stdout);
    assert!(
        starts[0].is_some() && starts[0] == starts[1],
        "{}",
        probe.stdout
    );

    let doctor = netclaw.run(&["doctor"], "").await;
    let messages: Vec<usize> = doctor
        .stdout
        .lines()
        .filter_map(|l| column(l, "unreachable:").or_else(|| column(l, "fix:")))
        .collect();
    assert!(messages.len() >= 4, "{}", doctor.stdout);
    assert!(
        messages.iter().all(|c| *c == messages[0]),
        "{}",
        doctor.stdout
    );
}
