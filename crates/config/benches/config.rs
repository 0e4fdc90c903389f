//! Criterion benchmarks: loading a home with 20 providers, and one durable secret write.
fn main() {}
