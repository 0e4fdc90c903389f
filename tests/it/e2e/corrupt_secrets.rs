//! A damaged secrets file: every command that needs it says so clearly, names the file, and
//! leaves it byte for byte as it was (no command that could not read it writes it).

use xtask::demo::fake_vendor::{FakeVendor, FakeVendorOptions};

use super::support::{Home, KEY};

#[tokio::test(flavor = "multi_thread")]
async fn a_corrupted_secrets_file_is_a_clear_error_and_is_left_as_it_was() {
    let vendor = FakeVendor::start(FakeVendorOptions::default())
        .await
        .unwrap();
    let home = Home::new();
    home.run(
        &[
            "provider",
            "add",
            "keyed",
            "openai-compatible",
            "--auth",
            "api-key",
            "--api-key-stdin",
            "--endpoint",
            &vendor.uri(),
        ],
        KEY,
    )
    .await
    .expect_code(0);
    home.run(&["model", "set", "main", "keyed/demo-chat"], "")
        .await
        .expect_code(0);

    // Damage the age payload in the middle (a disk error, a bad sync), keeping its header.
    let secrets = home.paths().secrets_file();
    let mut bytes = std::fs::read(&secrets).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 16] {
        *b ^= 0x5a;
    }
    let damaged = bytes.clone();
    std::io::Write::write_all(
        &mut std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&secrets)
            .unwrap(),
        &damaged,
    )
    .unwrap();

    let mut transcript = String::new();
    for (args, stdin) in [
        (&["chat", "hello"][..], ""),
        (&["secrets", "list"][..], ""),
        (
            &["secrets", "set", "Providers.keyed.ApiKey"][..],
            "sk-new-value",
        ),
        (
            &[
                "provider",
                "add",
                "other",
                "openai-compatible",
                "--auth",
                "api-key",
                "--api-key-stdin",
                "--endpoint",
                &vendor.uri(),
            ][..],
            "sk-other-value",
        ),
    ] {
        let run = home.run(args, stdin).await;
        assert_ne!(
            run.code,
            0,
            "`netclaw {}` must fail:\n{run:?}",
            args.join(" ")
        );
        assert!(
            run.stderr.contains("secrets.json.age"),
            "the error names the file:\n{}",
            run.stderr
        );
        assert_eq!(
            std::fs::read(&secrets).unwrap(),
            damaged,
            "`netclaw {}` changed the damaged file",
            args.join(" ")
        );
        transcript.push_str(&format!(
            "$ netclaw {}\n[exit {}]\n{}\n",
            args.join(" ").replace(&vendor.uri(), "[vendor]"),
            run.code,
            run.stderr
        ));
    }
    insta::assert_snapshot!(transcript.replace(&home.path().display().to_string(), "[home]"));
}
