//! `netclaw provider …`.

pub(crate) mod add;
pub(crate) mod import;
pub(crate) mod list;
pub(crate) mod login;
pub(crate) mod manage;
pub(crate) mod probe;
