//! Streaming chat with every provider through one normalized request and event model.
