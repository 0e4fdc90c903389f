//! Provider descriptors: what each provider type is, how it authenticates, where it lives.
