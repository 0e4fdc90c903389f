//! Parse errors name the file, line and column.

use netclaw_config::{Config, ConfigError, EnvSnapshot};

use crate::common::Home;

fn load_error(json: &str) -> (ConfigError, String) {
    let home = Home::new();
    home.write_config(json);
    let err = Config::load(&home.paths, &EnvSnapshot::default()).unwrap_err();
    let text = home.redact(&err.to_string());
    (err, text)
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let (err, text) = load_error(
        "{\n  \"configVersion\": 2,\n  \"Providers\": {\n    \"openai\": {\"Type\": \"openai\",}\n  }\n}\n",
    );
    assert!(
        matches!(
            err,
            ConfigError::Parse {
                line: 4,
                column: 33,
                ..
            }
        ),
        "{err:?}"
    );
    insta::assert_snapshot!(text, @"cannot parse `[HOME]/config/netclaw.json` at line 4, column 33: trailing comma");
}

#[test]
fn a_wrong_type_names_file_line_and_column() {
    let (err, text) = load_error(
        "{\n  \"configVersion\": 2,\n  \"Daemon\": {\n    \"Host\": \"127.0.0.1\",\n    \"Port\": \"not-a-port\"\n  }\n}\n",
    );
    assert!(matches!(err, ConfigError::Parse { line: 5, .. }), "{err:?}");
    insta::assert_snapshot!(text, @r#"cannot parse `[HOME]/config/netclaw.json` at line 5, column 24: invalid type: string "not-a-port", expected u16"#);
}

#[test]
fn an_unknown_auth_method_names_file_line_and_column() {
    let (err, text) = load_error(
        "{\"configVersion\": 2,\n \"Providers\": {\"x\": {\"Type\": \"openai\", \"AuthMethod\": \"Password\"}}}",
    );
    assert!(matches!(err, ConfigError::Parse { line: 2, .. }), "{err:?}");
    insta::assert_snapshot!(text, @"cannot parse `[HOME]/config/netclaw.json` at line 2, column 64: unknown auth method `Password`: expected one of `None`, `ApiKey`, `OAuthDevice`, `OAuthPkce`");
}

#[test]
fn a_top_level_that_is_not_an_object_is_a_parse_error() {
    let (_, text) = load_error("[1, 2]");
    insta::assert_snapshot!(text, @"cannot parse `[HOME]/config/netclaw.json` at line 1, column 1: the top level must be a JSON object");
}
