//! A one-line text prompt that Esc can leave: dialoguer's `Input` and `Password` ignore Esc, and
//! the wizard promises that Esc goes back a step at every question.

use console::{Key, Term, style};

/// How a line prompt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineOutcome {
    /// Enter: the text typed (the default when nothing was).
    Entered(String),
    /// Esc.
    Back,
    /// Ctrl-C.
    Interrupted,
}

/// Edits one line from `keys`: printable characters append, Backspace deletes, Enter ends,
/// Esc goes back. `echo` shows what changed; a `hidden` line (a secret) shows nothing as it is
/// typed, not even its length.
pub(crate) fn edit_line(
    mut keys: impl FnMut() -> std::io::Result<Key>,
    mut echo: impl FnMut(Echo),
    default: Option<&str>,
    hidden: bool,
) -> std::io::Result<LineOutcome> {
    let mut line = String::new();
    loop {
        match keys()? {
            Key::Enter => {
                echo(Echo::Newline);
                let text = if line.is_empty() {
                    default.unwrap_or_default().to_owned()
                } else {
                    line
                };
                return Ok(LineOutcome::Entered(text));
            }
            Key::Escape => {
                echo(Echo::Newline);
                return Ok(LineOutcome::Back);
            }
            Key::CtrlC => {
                echo(Echo::Newline);
                return Ok(LineOutcome::Interrupted);
            }
            Key::Backspace => {
                let erased = line.pop().is_some();
                if erased && !hidden {
                    echo(Echo::Erase);
                }
            }
            Key::Char(c) if !c.is_control() => {
                line.push(c);
                if !hidden {
                    echo(Echo::Typed(c));
                }
            }
            _ => {}
        }
    }
}

/// What the terminal shows as the line is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Echo {
    Typed(char),
    Erase,
    Newline,
}

/// Asks `prompt` on `term` (stderr), with `default` shown in brackets.
pub(crate) fn ask_line(
    term: &Term,
    prompt: &str,
    default: Option<&str>,
    hidden: bool,
) -> std::io::Result<LineOutcome> {
    let shown = match default {
        Some(default) if !default.is_empty() => {
            format!("{prompt} {}: ", style(format!("[{default}]")).dim())
        }
        _ => format!("{prompt}: "),
    };
    term.write_str(&shown)?;
    let echo = |change: Echo| {
        // A failed echo is cosmetic; the read that follows reports a broken terminal.
        let _ = match change {
            Echo::Typed(c) => term.write_str(c.encode_utf8(&mut [0; 4])),
            Echo::Erase => term.clear_chars(1),
            Echo::Newline => term.write_line(""),
        };
    };
    edit_line(|| term.read_key(), echo, default, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(keys: Vec<Key>, default: Option<&str>, hidden: bool) -> (LineOutcome, Vec<Echo>) {
        let mut keys = keys.into_iter();
        let mut shown = Vec::new();
        let outcome = edit_line(
            || Ok(keys.next().expect("the line ended")),
            |e| shown.push(e),
            default,
            hidden,
        )
        .unwrap();
        (outcome, shown)
    }

    #[test]
    fn typing_and_deleting_then_enter_gives_the_line() {
        let keys = vec![
            Key::Char('h'),
            Key::Char('x'),
            Key::Backspace,
            Key::Char('i'),
            Key::ArrowLeft,
            Key::Enter,
        ];
        let (outcome, shown) = run(keys, Some("default"), false);
        assert_eq!(outcome, LineOutcome::Entered("hi".into()));
        assert_eq!(
            shown,
            [
                Echo::Typed('h'),
                Echo::Typed('x'),
                Echo::Erase,
                Echo::Typed('i'),
                Echo::Newline
            ]
        );
    }

    #[test]
    fn enter_on_an_empty_line_takes_the_default() {
        let (outcome, _) = run(vec![Key::Backspace, Key::Enter], Some("http://x"), false);
        assert_eq!(outcome, LineOutcome::Entered("http://x".into()));
    }

    #[test]
    fn esc_goes_back_even_after_typing_and_ctrl_c_interrupts() {
        let (outcome, _) = run(vec![Key::Char('a'), Key::Escape], None, false);
        assert_eq!(outcome, LineOutcome::Back);
        let (outcome, _) = run(vec![Key::CtrlC], None, false);
        assert_eq!(outcome, LineOutcome::Interrupted);
    }

    #[test]
    fn a_hidden_line_shows_nothing_of_what_is_typed() {
        let keys = vec![Key::Char('s'), Key::Char('k'), Key::Backspace, Key::Enter];
        let (outcome, shown) = run(keys, None, true);
        assert_eq!(outcome, LineOutcome::Entered("s".into()));
        assert_eq!(shown, [Echo::Newline]);
    }
}
