//! [`Hint`]: errors that know what fixes them. The CLI renders the hint as `hint: …` and the
//! daemon's API as `"hint"`, so every error that knows its fix says it the same way.

/// An error that can name the command or action that fixes it.
pub trait Hint {
    /// What the user can do about it, naming the command that fixes it where one exists.
    fn hint(&self) -> Option<String>;
}
