//! An incremental newline-delimited JSON splitter: bytes in, one line at a time out.

/// Splits a byte stream into lines (LF or CRLF), skipping blank ones. Only the unfinished
/// line is kept in memory.
#[derive(Debug, Default)]
pub struct NdjsonParser {
    line: Vec<u8>,
}

impl NdjsonParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parse `chunk`, calling `on_line` for every complete non-blank line.
    pub fn feed(&mut self, mut chunk: &[u8], mut on_line: impl FnMut(&str)) {
        while let Some(end) = memchr::memchr(b'\n', chunk) {
            if self.line.is_empty() {
                emit(&chunk[..end], &mut on_line);
            } else {
                self.line.extend_from_slice(&chunk[..end]);
                emit(&self.line, &mut on_line);
                self.line.clear();
            }
            chunk = &chunk[end + 1..];
        }
        self.line.extend_from_slice(chunk);
    }

    /// The stream ended: hand out a last line that had no newline.
    pub fn finish(&mut self, mut on_line: impl FnMut(&str)) {
        let line = std::mem::take(&mut self.line);
        emit(&line, &mut on_line);
    }
}

fn emit(line: &[u8], on_line: &mut impl FnMut(&str)) {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let text = String::from_utf8_lossy(line);
    let text = text.trim();
    if !text.is_empty() {
        on_line(text);
    }
}
