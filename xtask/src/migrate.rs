//! `cargo xtask migrate`: run netclaw-config's migrations over a home and show the diff of `netclaw.json`.
//!
//! The migration itself is netclaw-config's ([`ConfigStore::migrate`], as `netclaw config migrate`
//! runs it): the old file is kept as `netclaw.json.bak`. `--dry-run` runs the same migration on
//! a scratch copy of the file, so what it shows is exactly what a real run would write, and
//! nothing in the home is touched.

use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use netclaw_config::{ConfigStore, EnvSnapshot, MigrationReport, Paths};

/// Arguments of `cargo xtask migrate`.
#[derive(Debug, Clone, clap::Args)]
pub struct MigrateArgs {
    /// The netclaw home (default: `NETCLAW_HOME`, else `~/.netclaw`)
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Show the diff without writing anything
    #[arg(long)]
    pub dry_run: bool,
}

/// What happened to `netclaw.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrateStatus {
    /// The home has no `netclaw.json`.
    NoFile,
    /// The file is already at the current version.
    UpToDate {
        /// That version.
        version: u32,
    },
    /// The file was rewritten; the old one is kept at `backup`.
    Migrated {
        /// The version it had.
        from: u64,
        /// The version it has now.
        to: u32,
        /// The kept copy of the old file.
        backup: PathBuf,
    },
    /// `--dry-run`: the file would be rewritten; nothing was written.
    WouldMigrate {
        /// The version it has.
        from: u64,
        /// The version it would have.
        to: u32,
    },
}

/// The result of a migration run.
#[derive(Debug, Clone)]
pub struct MigrateOutcome {
    /// The home's `netclaw.json`.
    pub path: PathBuf,
    /// What happened.
    pub status: MigrateStatus,
    /// A unified diff of the file before and after (empty when nothing changes).
    pub diff: String,
}

impl fmt::Display for MigrateOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match &self.status {
            MigrateStatus::NoFile => writeln!(f, "no `{path}`; nothing to migrate"),
            MigrateStatus::UpToDate { version } => {
                writeln!(f, "`{path}` is up to date (configVersion {version})")
            }
            MigrateStatus::Migrated { from, to, backup } => {
                write!(f, "{}", self.diff)?;
                writeln!(
                    f,
                    "migrated `{path}` from configVersion {from} to {to}; the old file is kept as `{}`",
                    backup.display()
                )
            }
            MigrateStatus::WouldMigrate { from, to } => {
                write!(f, "{}", self.diff)?;
                writeln!(
                    f,
                    "dry run: `{path}` would be migrated from configVersion {from} to {to}; nothing was written"
                )
            }
        }
    }
}

/// Resolves the home from `args` and `env`, then [`migrate_home`].
pub fn run(args: &MigrateArgs, env: &EnvSnapshot) -> anyhow::Result<MigrateOutcome> {
    let paths = Paths::resolve(args.home.as_deref(), env)?;
    migrate_home(&paths, env, args.dry_run)
}

/// Migrates the `netclaw.json` under `paths` (on a scratch copy when `dry_run`).
pub fn migrate_home(
    paths: &Paths,
    env: &EnvSnapshot,
    dry_run: bool,
) -> anyhow::Result<MigrateOutcome> {
    let path = paths.config_file();
    let before = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(MigrateOutcome {
                path,
                status: MigrateStatus::NoFile,
                diff: String::new(),
            });
        }
        Err(e) => return Err(e).with_context(|| format!("reading `{}`", path.display())),
    };
    let (status, after) = if dry_run {
        let scratch = tempfile::tempdir().context("creating a scratch directory")?;
        let scratch_paths = Paths::at(scratch.path());
        std::fs::create_dir_all(scratch_paths.config_dir())?;
        std::fs::copy(&path, scratch_paths.config_file())?;
        let report = ConfigStore::new(scratch_paths.clone(), env)
            .migrate()
            .with_context(|| format!("migrating `{}`", path.display()))?;
        let after = read(&scratch_paths.config_file())?;
        let status = match report {
            MigrationReport::Migrated { from, to, .. } => MigrateStatus::WouldMigrate { from, to },
            other => plain_status(other),
        };
        (status, after)
    } else {
        let report = ConfigStore::new(paths.clone(), env)
            .migrate()
            .with_context(|| format!("migrating `{}`", path.display()))?;
        (plain_status(report), read(&path)?)
    };
    let diff = if before == after {
        String::new()
    } else {
        similar::TextDiff::from_lines(&before, &after)
            .unified_diff()
            .context_radius(3)
            .header("netclaw.json (before)", "netclaw.json (after)")
            .to_string()
    };
    Ok(MigrateOutcome { path, status, diff })
}

fn plain_status(report: MigrationReport) -> MigrateStatus {
    match report {
        MigrationReport::NoFile => MigrateStatus::NoFile,
        MigrationReport::UpToDate { version } => MigrateStatus::UpToDate { version },
        MigrationReport::Migrated { from, to, backup } => {
            MigrateStatus::Migrated { from, to, backup }
        }
    }
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading `{}`", path.display()))
}
