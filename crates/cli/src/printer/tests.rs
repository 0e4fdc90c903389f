//! Tests of the printer: streams, quiet mode and the error layout.

use super::{Printer, Terminal};
use crate::error::CliError;

#[test]
fn data_goes_to_stdout_and_messages_to_stderr() {
    let (terminal, captured) = Terminal::captured();
    let printer = Printer::new(terminal, false, 0, true);
    printer.data("row");
    printer.message("note");
    assert_eq!(captured.stdout(), "row\n");
    assert_eq!(captured.stderr(), "note\n");
}

#[test]
fn quiet_silences_messages_but_not_data_or_errors() {
    let (terminal, captured) = Terminal::captured();
    let printer = Printer::new(terminal, true, 0, true);
    printer.data("row");
    printer.message("note");
    printer.success("done");
    printer.error(&CliError::new("broken"));
    assert_eq!(captured.stdout(), "row\n");
    assert_eq!(captured.stderr(), "error: broken\n");
}

#[test]
fn errors_render_message_causes_and_hint() {
    let (terminal, captured) = Terminal::captured();
    let printer = Printer::new(terminal, false, 0, true);
    let error = CliError::new("cannot remove provider `work`")
        .with_cause("referenced by model role(s): Main")
        .with_hint("run `netclaw model set main <provider>/<model>` first");
    printer.error(&error);
    insta::assert_snapshot!(captured.stderr(), @r"
    error: cannot remove provider `work`
      caused by: referenced by model role(s): Main
    hint: run `netclaw model set main <provider>/<model>` first
    ");
}

#[test]
fn detail_needs_verbose() {
    let (terminal, captured) = Terminal::captured();
    Printer::new(terminal, false, 0, true).detail("usage");
    assert_eq!(captured.stderr(), "");
    let (terminal, captured) = Terminal::captured();
    Printer::new(terminal, false, 1, true).detail("usage");
    assert_eq!(captured.stderr(), "usage\n");
}
