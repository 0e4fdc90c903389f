//! Helpers shared by the workspace tests in `it/` (the package holds tests only).
