//! The points inside a two-file save where a test can stop it, as a crash or a full disk would.

use std::fmt;
use std::io;
use std::sync::Arc;

/// A step of [`crate::ConfigStore::update`]'s save, in the order they happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SavePoint {
    /// The first secrets temp file is complete; it is about to replace the secrets file.
    SecretsStaged,
    /// The secrets file was replaced (holding old and new secrets when the edit drops some).
    SecretsReplaced,
    /// The `netclaw.json` temp file is complete; it is about to replace `netclaw.json`.
    ConfigStaged,
    /// `netclaw.json` was replaced.
    ConfigReplaced,
    /// The final secrets temp file (without what the edit dropped) is about to replace it.
    FinalSecretsStaged,
}

impl SavePoint {
    /// Every point, in order.
    pub const ALL: [Self; 5] = [
        Self::SecretsStaged,
        Self::SecretsReplaced,
        Self::ConfigStaged,
        Self::ConfigReplaced,
        Self::FinalSecretsStaged,
    ];
}

/// Called at each [`SavePoint`]; an error stops the save right there, leaving the files as a
/// crash at that point would (nothing is rolled back).
#[derive(Clone)]
pub struct SaveHook(Arc<dyn Fn(SavePoint) -> io::Result<()> + Send + Sync>);

impl SaveHook {
    /// A hook running `f`.
    pub fn new(f: impl Fn(SavePoint) -> io::Result<()> + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    pub(crate) fn at(hook: Option<&Self>, point: SavePoint) -> io::Result<()> {
        hook.map_or(Ok(()), |hook| (hook.0)(point))
    }
}

impl fmt::Debug for SaveHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SaveHook")
    }
}
