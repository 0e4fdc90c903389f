//! `cargo xtask update-openai-models`: rewrite the bundled OpenAI catalog from the Codex `/models` list.
//!
//! The source is a saved response (`--from FILE`), any server speaking the Codex shape
//! (`--endpoint URL`), or the Codex backend itself with the ChatGPT login stored in a netclaw
//! home. The picker-visible models are normalized ([`models_from_response`]) and written to
//! `crates/providers/data/openai-models.json` in its canonical form
//! ([`BundledCatalog::to_json`]); when the models are unchanged the file is left as it is, so a
//! re-run never produces a diff.

mod changes;
mod fetch;
mod normalize;

pub use changes::{CatalogChanges, ModelChange};
pub use fetch::{Fetched, from_endpoint, live};
pub use normalize::{ResponseError, models_from_response};

use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use jiff::civil::Date;
use netclaw_config::EnvSnapshot;
use netclaw_providers::models::{BundledCatalog, ModelFacts};

/// Arguments of `cargo xtask update-openai-models`.
#[derive(Debug, Clone, clap::Args)]
pub struct UpdateArgs {
    /// Read a saved Codex `/models` response instead of fetching one
    #[arg(long, value_name = "FILE", conflicts_with = "endpoint")]
    pub from: Option<PathBuf>,
    /// Fetch `{URL}/models?client_version=…` from this server (no credential sent)
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,
    /// The netclaw home holding the ChatGPT login used for a live fetch [default: `NETCLAW_HOME`, else ~/.netclaw]
    #[arg(long, value_name = "DIR", conflicts_with_all = ["from", "endpoint"])]
    pub home: Option<PathBuf>,
    /// The OpenAI provider whose login to use [default: the first signed in with ChatGPT]
    #[arg(long, value_name = "NAME", conflicts_with_all = ["from", "endpoint"])]
    pub provider: Option<String>,
    /// The catalog file to write [default: crates/providers/data/openai-models.json]
    #[arg(
        long,
        value_name = "PATH",
        default_value_os_t = default_catalog_path(),
        hide_default_value = true
    )]
    pub out: PathBuf,
    /// Write nothing; exit 1 when the file would change
    #[arg(long)]
    pub check: bool,
}

/// `crates/providers/data/openai-models.json` in this workspace.
pub fn default_catalog_path() -> PathBuf {
    crate::workspace_root().join("crates/providers/data/openai-models.json")
}

/// Where the response comes from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A saved response.
    File(PathBuf),
    /// A server speaking the Codex shape, asked with no credential.
    Endpoint(String),
    /// The Codex backend with the login stored in a netclaw home.
    Live {
        /// The home (`None`: `NETCLAW_HOME`, else `~/.netclaw`).
        home: Option<PathBuf>,
        /// The provider (`None`: the first OpenAI one signed in with ChatGPT).
        provider: Option<String>,
    },
}

impl Source {
    /// The source the arguments name: `--from`, else `--endpoint`, else live.
    pub fn from_args(args: &UpdateArgs) -> Self {
        match (&args.from, &args.endpoint) {
            (Some(file), _) => Self::File(file.clone()),
            (None, Some(url)) => Self::Endpoint(url.clone()),
            (None, None) => Self::Live {
                home: args.home.clone(),
                provider: args.provider.clone(),
            },
        }
    }

    /// The response text and the label recorded as the catalog's `source`.
    pub async fn read(&self, env: EnvSnapshot) -> anyhow::Result<(String, String)> {
        match self {
            Self::File(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading `{}`", path.display()))?;
                Ok((text, path.display().to_string()))
            }
            Self::Endpoint(url) => {
                let fetched = from_endpoint(url).await?;
                Ok((fetched.text, fetched.url))
            }
            Self::Live { home, provider } => {
                let fetched = live(
                    home.as_deref(),
                    provider.as_deref(),
                    env,
                    std::sync::Arc::new(netclaw_oauth::SystemClock),
                )
                .await?;
                Ok((fetched.text, fetched.url))
            }
        }
    }
}

/// What the update did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The file already holds these models in canonical form.
    UpToDate,
    /// The file was (re)written.
    Written,
    /// `--check`: the file would change; nothing was written.
    WouldChange,
}

/// The outcome of an update: what changed and whether the file was written.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The catalog file.
    pub path: PathBuf,
    /// The model differences.
    pub changes: CatalogChanges,
    /// What happened to the file.
    pub status: Status,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let root = crate::workspace_root();
        let name = self
            .path
            .strip_prefix(&root)
            .unwrap_or(&self.path)
            .display();
        let c = &self.changes;
        let counts = format!(
            "{} added, {} removed, {} changed{}",
            c.added.len(),
            c.removed.len(),
            c.changed.len(),
            if c.reordered.is_some() {
                ", reordered"
            } else {
                ""
            }
        );
        match self.status {
            Status::UpToDate => writeln!(f, "`{name}` is up to date"),
            Status::Written if c.is_empty() => {
                writeln!(f, "`{name}` rewritten in canonical form (models unchanged)")
            }
            Status::Written => {
                writeln!(f, "`{name}` updated: {counts}")?;
                write!(f, "{c}")
            }
            Status::WouldChange => {
                writeln!(f, "`{name}` is out of date: {counts}")?;
                write!(f, "{c}")?;
                writeln!(
                    f,
                    "hint: run `cargo xtask update-openai-models` without `--check` to write it"
                )
            }
        }
    }
}

/// The catalog to write: `old`'s header when the models are unchanged (so the file stays
/// byte-identical), else `source` and `today`.
pub fn next_catalog(
    old: Option<&BundledCatalog>,
    models: Vec<ModelFacts>,
    source: &str,
    today: Date,
) -> BundledCatalog {
    match old {
        Some(old) if old.models == models => BundledCatalog {
            models,
            ..old.clone()
        },
        _ => BundledCatalog {
            source: source.to_owned(),
            updated: today.to_string(),
            models,
        },
    }
}

/// Builds the catalog from `response` (its text and source label) and brings the file at `out`
/// up to date; with `check` nothing is written. A response that cannot be used is an error
/// and leaves the file untouched.
pub fn apply(
    response: &str,
    source: &str,
    out: &Path,
    check: bool,
    today: Date,
) -> anyhow::Result<Outcome> {
    let models = models_from_response(response)
        .with_context(|| format!("`{source}` is not a usable Codex /models response"))?;
    let current = match std::fs::read_to_string(out) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading `{}`", out.display())),
    };
    let old = current
        .as_deref()
        .map(BundledCatalog::parse)
        .transpose()
        .with_context(|| format!("`{}` is not a valid model catalog", out.display()))?;
    let old_models = old.as_ref().map_or(&[][..], |c| &c.models[..]);
    let changes = CatalogChanges::between(old_models, &models);
    let text = next_catalog(old.as_ref(), models, source, today).to_json()?;
    let status = if current.as_deref() == Some(text.as_str()) {
        Status::UpToDate
    } else if check {
        Status::WouldChange
    } else {
        write_file(out, &text)?;
        Status::Written
    };
    Ok(Outcome {
        path: out.to_path_buf(),
        changes,
        status,
    })
}

/// Reads the source and [`apply`]s it (today's date from the system clock).
pub async fn update(args: &UpdateArgs, env: EnvSnapshot) -> anyhow::Result<Outcome> {
    let (text, source) = Source::from_args(args).read(env).await?;
    let today = jiff::Zoned::now().date();
    apply(&text, &source, &args.out, args.check, today)
}

/// Replaces `path` atomically (a temp file in the same directory, renamed over it), readable
/// by everyone as a source file should be.
fn write_file(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temp file in `{}`", dir.display()))?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    std::fs::set_permissions(
        tmp.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o644),
    )?;
    tmp.persist(path)
        .with_context(|| format!("writing `{}`", path.display()))?;
    Ok(())
}
