//! Unit tests for the daemon's flag parser.

use super::*;

fn parse(argv: &[&str]) -> Result<Parsed, String> {
    Args::parse(argv.iter().map(|s| (*s).to_owned()))
}

#[test]
fn parses_every_flag_in_both_spellings() {
    let parsed = parse(&["--home", "/tmp/h", "--port=0", "--foreground"]).unwrap();
    assert_eq!(
        parsed,
        Parsed::Run(Args {
            home: Some(PathBuf::from("/tmp/h")),
            port: Some(0),
            foreground: true
        })
    );
}

#[test]
fn rejects_bad_port_and_unknown_flags() {
    assert_eq!(
        parse(&["--port", "70000"]).unwrap_err(),
        "`--port` must be a number from 0 to 65535, got `70000`"
    );
    assert_eq!(parse(&["--nope"]).unwrap_err(), "unknown argument `--nope`");
    assert_eq!(parse(&["--home"]).unwrap_err(), "`--home` needs a value");
}

#[test]
fn help_exits() {
    assert!(matches!(parse(&["--help"]).unwrap(), Parsed::Exit(t) if t.starts_with("usage:")));
}
