//! `cargo xtask`: netclaw's developer tasks.

fn main() -> anyhow::Result<()> {
    Ok(())
}
