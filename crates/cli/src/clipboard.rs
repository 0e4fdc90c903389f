//! OSC 52: ask the terminal to put text on the clipboard (works over SSH and in tmux).

use base64::Engine;

/// The escape sequence that copies `text` to the clipboard.
pub(crate) fn osc52(text: &str) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    format!("\x1b]52;c;{payload}\x07")
}

#[cfg(test)]
mod tests;
