//! Descriptor, probe, model catalog and credentials tests.
