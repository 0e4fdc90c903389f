//! What a line typed in the REPL means: a prompt to send, or a slash command (`/exit`,
//! `/clear`, `/model provider/model`, `/help`); `//` sends a line that starts with `/`.

/// One line typed at the REPL prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Typed<'a> {
    /// Nothing but white space.
    Blank,
    /// Text to send to the model.
    Prompt(&'a str),
    /// `/exit` or `/quit`.
    Exit,
    /// `/clear`: forget the conversation so far.
    Clear,
    /// `/model` alone: say which model answers.
    ShowModel,
    /// `/model provider/model`: switch models, keeping the conversation.
    Model(&'a str),
    /// `/help` or `/?`.
    Help,
    /// A slash command that does not exist (the name without the slash).
    Unknown(&'a str),
}

/// The REPL's commands, one per line, for `/help`.
pub(super) const HELP: &str = "\
/model provider/model  switch models, keeping the conversation (`/model` alone says which)
/clear                 forget the conversation so far
/exit                  leave (or Ctrl-D)
//text                 send a line that starts with `/`
↑/↓ recall earlier prompts of this session; Ctrl-C cancels an answer or clears the line";

/// Reads one line.
pub(super) fn parse(line: &str) -> Typed<'_> {
    let line = line.trim();
    if line.is_empty() {
        return Typed::Blank;
    }
    if line.starts_with("//") {
        return Typed::Prompt(&line[1..]);
    }
    let Some(command) = line.strip_prefix('/') else {
        return Typed::Prompt(line);
    };
    let (name, rest) = command
        .split_once(char::is_whitespace)
        .map_or((command, ""), |(name, rest)| (name, rest.trim()));
    match (name, rest) {
        ("exit" | "quit", "") => Typed::Exit,
        ("clear", "") => Typed::Clear,
        ("help" | "?", "") => Typed::Help,
        ("model", "") => Typed::ShowModel,
        ("model", spec) => Typed::Model(spec),
        _ => Typed::Unknown(name),
    }
}

#[cfg(test)]
mod tests;
