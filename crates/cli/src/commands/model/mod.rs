//! `netclaw model …`.

pub(crate) mod roles;
