//! The model catalog: every model with its capabilities and where each value came from.
