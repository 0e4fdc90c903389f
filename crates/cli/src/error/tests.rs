//! Tests of error conversion and exit codes.

use super::{CliError, Exit};

#[derive(Debug, thiserror::Error)]
#[error("cannot read `netclaw.json`")]
struct Outer(#[source] std::io::Error);

#[test]
fn sources_become_causes() {
    let error = CliError::from(Outer(std::io::Error::other("disk on fire")));
    assert_eq!(error.message(), "cannot read `netclaw.json`");
    assert_eq!(error.causes(), ["disk on fire"]);
    assert_eq!(error.exit(), Exit::Failure);
}

#[test]
fn context_moves_the_message_into_the_causes() {
    let error = CliError::new("HTTP 401").context("probe failed");
    assert_eq!(error.message(), "probe failed");
    assert_eq!(error.causes(), ["HTTP 401"]);
}

#[test]
fn exit_codes_are_the_documented_ones() {
    assert_eq!(
        [Exit::Success, Exit::Failure, Exit::Usage, Exit::Interrupted].map(Exit::code),
        [0, 1, 2, 130]
    );
    assert_eq!(CliError::usage("x").exit(), Exit::Usage);
}

#[test]
fn an_error_that_knows_its_fix_keeps_it_through_a_question_mark() {
    fn start() -> Result<(), CliError> {
        Err(netclaw_daemon::StartError::Bind {
            address: "127.0.0.1:5199".parse().unwrap(),
            source: std::io::Error::from(std::io::ErrorKind::AddrInUse),
        })?;
        Ok(())
    }
    let error = start().unwrap_err();
    assert_eq!(
        error.hint(),
        Some("pick another port with `--port` (or `Daemon.Port` in netclaw.json)")
    );
}
