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

#[test]
fn only_the_daemons_http_modules_use_axum() {
    let source = "//! x\nuse axum::Json;\n";
    let mut found = Vec::new();
    for allowed in [
        "crates/daemon/src/routes/chat.rs",
        "crates/daemon/src/gateway/mod.rs",
        "crates/daemon/benches/gateway_load.rs",
        "crates/daemon/tests/it/gateway.rs",
        "xtask/src/demo/fake_vendor.rs",
    ] {
        xtask::tidy::check_file(allowed, source, &mut found);
    }
    assert_eq!(found, Vec::<String>::new());
    for refused in [
        "crates/daemon/src/state.rs",
        "crates/daemon/src/oauth_flows.rs",
        "crates/providers/src/runtime/mod.rs",
    ] {
        xtask::tidy::check_file(refused, source, &mut found);
    }
    insta::assert_snapshot!(found.join("\n"), @r"
    crates/daemon/src/state.rs:2: uses axum outside the daemon's HTTP modules (see `AXUM_ALLOWED` in xtask/src/tidy.rs)
    crates/daemon/src/oauth_flows.rs:2: uses axum outside the daemon's HTTP modules (see `AXUM_ALLOWED` in xtask/src/tidy.rs)
    crates/providers/src/runtime/mod.rs:2: uses axum outside the daemon's HTTP modules (see `AXUM_ALLOWED` in xtask/src/tidy.rs)
    ");
}
