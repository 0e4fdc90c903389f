//! Tests of the scripted prompter.

use secrecy::ExposeSecret;

use super::{Answer, Prompter, ScriptedPrompter};

#[test]
fn picks_by_label_and_records_the_transcript() {
    let mut prompter = ScriptedPrompter::new([
        Answer::Pick("Anthropic".into()),
        Answer::Back,
        Answer::Password("sk-secret".into()),
        Answer::Confirm(false),
        Answer::Input(String::new()),
    ]);
    let items = vec!["OpenAI".to_owned(), "Anthropic".to_owned()];
    assert_eq!(prompter.select("Provider", &items, 0).unwrap(), Some(1));
    assert_eq!(prompter.select("Provider", &items, 0).unwrap(), None);
    assert_eq!(
        prompter.password("Key").unwrap().expose_secret(),
        "sk-secret"
    );
    assert!(!prompter.confirm("Start?", true).unwrap());
    assert_eq!(prompter.input("Name", Some("work")).unwrap(), "work");
    let transcript = prompter.transcript().join("\n");
    assert!(!transcript.contains("sk-secret"));
    insta::assert_snapshot!(transcript, @r"
    ? Provider [OpenAI | Anthropic] -> Anthropic
    ? Provider [OpenAI | Anthropic] -> (back)
    ? Key -> ***
    ? Start? -> no
    ? Name -> work
    ");
}

#[test]
fn a_wrong_kind_of_answer_is_an_error() {
    let mut prompter = ScriptedPrompter::new([Answer::Confirm(true)]);
    assert!(prompter.password("Key").is_err());
    assert!(prompter.confirm("again", true).is_err());
}
