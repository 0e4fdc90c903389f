//! Tests of stdin reading.

use secrecy::ExposeSecret;

use super::Input;

#[test]
fn a_piped_secret_loses_only_its_trailing_newline() {
    let input = Input::from_reader(Box::new(&b"  sk-test \n"[..]), false);
    assert_eq!(input.read_secret().unwrap().expose_secret(), "  sk-test ");
}

#[tokio::test]
async fn lines_arrive_one_by_one_then_end() {
    let input = Input::from_reader(Box::new(&b"first\nsecond\n"[..]), false);
    assert_eq!(input.next_line().await.unwrap().unwrap(), "first");
    assert_eq!(input.next_line().await.unwrap().unwrap(), "second");
    assert!(input.next_line().await.is_none());
}

#[test]
fn read_all_reads_once() {
    let input = Input::from_reader(Box::new(&b"diff"[..]), false);
    assert_eq!(input.read_all().unwrap(), "diff");
    assert_eq!(input.read_all().unwrap(), "");
}
