//! Live probes: does a provider answer, and which models does it offer.
