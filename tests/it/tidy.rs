//! `cargo xtask tidy` run as a test, so CI enforces the crate arrows and the source rules.

#[test]
fn crate_arrows_follow_spec() {
    let problems = xtask::layering::violations(&xtask::workspace_root()).unwrap();
    assert!(
        problems.is_empty(),
        "layering violations:\n{}",
        problems.join("\n")
    );
}

#[test]
fn sources_follow_the_tidy_rules() {
    let problems = xtask::tidy::violations(&xtask::workspace_root()).unwrap();
    assert!(
        problems.is_empty(),
        "tidy violations:\n{}",
        problems.join("\n")
    );
}

#[test]
fn tidy_catches_each_rule() {
    let mut found = Vec::new();
    let source = concat!(
        "fn f() {}\n",
        "#[",
        "ignore]\n",
        "let k = std::env::",
        "var(\"X\");\n",
        "let s = key.expose_",
        "secret();\n",
    );
    xtask::tidy::check_file("crates/x/src/lib.rs", source, &mut found);
    insta::assert_snapshot!(found.join("\n"));
}
