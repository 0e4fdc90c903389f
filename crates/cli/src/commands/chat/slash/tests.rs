//! How REPL lines are read.

use super::{Typed, parse};

#[test]
fn plain_text_is_a_prompt_without_surrounding_space() {
    assert_eq!(
        parse("  what is a monad? \n"),
        Typed::Prompt("what is a monad?")
    );
    assert_eq!(parse("   "), Typed::Blank);
}

#[test]
fn slash_commands_are_recognised() {
    assert_eq!(parse("/exit"), Typed::Exit);
    assert_eq!(parse("/quit"), Typed::Exit);
    assert_eq!(parse("/clear"), Typed::Clear);
    assert_eq!(parse("/help"), Typed::Help);
    assert_eq!(parse("/model"), Typed::ShowModel);
    assert_eq!(parse("/model  work/gpt-5.5 "), Typed::Model("work/gpt-5.5"));
}

#[test]
fn unknown_commands_and_commands_with_stray_words_are_not_sent() {
    assert_eq!(parse("/exti"), Typed::Unknown("exti"));
    assert_eq!(parse("/clear everything"), Typed::Unknown("clear"));
}

#[test]
fn a_double_slash_sends_the_line_with_one_slash() {
    assert_eq!(
        parse("//usr/bin is on my PATH"),
        Typed::Prompt("/usr/bin is on my PATH")
    );
    assert_eq!(parse("//"), Typed::Prompt("/"));
}
