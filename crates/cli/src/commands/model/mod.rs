//! `netclaw model …`.

pub(crate) mod list;
pub(crate) mod roles;
