//! Unit tests for home resolution and permission checks.

use std::os::unix::fs::PermissionsExt;

use super::*;

#[test]
fn home_comes_from_flag_then_env_then_user_home() {
    let env =
        EnvSnapshot::from_pairs([(EnvVars::NETCLAW_HOME, "/env-home"), (EnvVars::HOME, "/u")]);
    assert_eq!(
        Paths::resolve(Some(Path::new("/flag")), &env)
            .unwrap()
            .home(),
        Path::new("/flag")
    );
    assert_eq!(
        Paths::resolve(None, &env).unwrap().home(),
        Path::new("/env-home")
    );
    let env = EnvSnapshot::from_pairs([(EnvVars::HOME, "/u")]);
    assert_eq!(
        Paths::resolve(None, &env).unwrap().home(),
        Path::new("/u/.netclaw")
    );
    assert!(Paths::resolve(None, &EnvSnapshot::default()).is_err());
}

#[test]
fn check_private_flags_group_and_other_bits_only() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("f");
    crate::fs::write_atomic(&file, b"x").unwrap();
    assert_eq!(check_private(&file), None);
    for mode in [0o640, 0o604, 0o700 | 0o010] {
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        assert_eq!(check_private(&file).map(|w| w.mode), Some(mode), "{mode:o}");
    }
    assert_eq!(check_private(&tmp.path().join("missing")), None);
}
