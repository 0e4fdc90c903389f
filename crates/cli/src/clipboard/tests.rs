//! Tests of the OSC 52 sequence.

use super::osc52;

#[test]
fn osc52_wraps_base64_in_the_clipboard_sequence() {
    assert_eq!(osc52("ABCD-1234"), "\x1b]52;c;QUJDRC0xMjM0\x07");
}
