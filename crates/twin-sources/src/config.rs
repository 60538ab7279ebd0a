//! `twin.toml`: the sources beyond the profile.
//!
//! ```toml
//! [[sources]]
//! kind = "markdown"   # a file or a folder (recursive): .md/.markdown by heading, .txt by paragraph
//! path = "notes"
//!
//! [[sources]]
//! kind = "pdf"        # a file or a folder (recursive) of .pdf
//! path = "resume.pdf"
//!
//! [[sources]]
//! kind = "web"
//! url = "https://example.com/blog/"
//! max_depth = 2       # links followed from the start page: 0..=10, default 2
//! max_pages = 50      # pages kept: 1..=1000, default 50
//! delay_ms = 500      # pause between requests: 0..=60000, default 500
//! snapshot = "sources/example.com.jsonl"   # default sources/<host>.jsonl
//! ```
//!
//! Paths are relative to the folder that holds `twin.toml` and may not leave
//! it, so a chunk's `source` names the same file on every machine and a
//! deployment built from a clone sees exactly what was committed. Web sources
//! are read from their snapshot (written by `twin ingest`), never crawled
//! while building chunks: a build is reproducible and a rollback restores the
//! pages along with the code.
//!
//! The file is parsed into raw optional fields and then validated into
//! [`Config`] at once, collecting every problem with its place
//! (`sources[2].max_pages: must be between 1 and 1000`), the way
//! `Profile::from_json` reports a profile.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;

/// The validated contents of `twin.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// In the order they are declared; chunks come out in this order.
    pub sources: Vec<Source>,
}

/// One declared source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Markdown (`.md`, `.markdown`) and plain text (`.txt`) files.
    Markdown(LocalSource),
    /// PDF files.
    Pdf(LocalSource),
    /// A website, crawled by `twin ingest` into a snapshot.
    Web(WebSource),
}

/// A file or a folder (read recursively) relative to the base directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSource {
    /// Relative, without `..`.
    pub path: PathBuf,
}

/// A website to crawl: same origin as `url`, breadth first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSource {
    /// The start page (`http` or `https`, no credentials).
    pub url: Url,
    /// How many links away from the start page the crawl goes (0: only it).
    pub max_depth: u32,
    /// The most pages kept.
    pub max_pages: u32,
    /// The least time between two requests; a longer `Crawl-delay` in
    /// robots.txt wins.
    pub delay: Duration,
    /// Where the crawl is stored, relative to the base directory.
    pub snapshot: PathBuf,
}

pub const DEFAULT_MAX_DEPTH: u32 = 2;
pub const DEFAULT_MAX_PAGES: u32 = 50;
pub const DEFAULT_DELAY_MS: u64 = 500;
const MAX_DEPTH_LIMIT: i64 = 10;
const MAX_PAGES_LIMIT: i64 = 1000;
const DELAY_MS_LIMIT: i64 = 60_000;

/// Why `twin.toml` was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not TOML, or a field of the wrong type or unknown.
    #[error("{}: {problems}", path.display())]
    Invalid { path: PathBuf, problems: Problems },
}

impl ConfigError {
    /// Every problem found, each at its place (`sources[1].url: ...`).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Read { .. } => &[],
            ConfigError::Invalid { problems, .. } => &problems.0,
        }
    }
}

/// The problems of one file, shown separated by `; `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// One thing wrong with `twin.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where, e.g. `sources[2].max_pages`; `.` for the document.
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    sources: Vec<RawSource>,
}

/// Every field optional, so that a missing one is reported in the same
/// words as a bad one, with its place.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSource {
    kind: Option<String>,
    path: Option<String>,
    url: Option<String>,
    max_depth: Option<i64>,
    max_pages: Option<i64>,
    delay_ms: Option<i64>,
    snapshot: Option<String>,
}

impl Config {
    /// Reads and validates `twin.toml`. A missing file is an empty config:
    /// a twin without extra sources needs no file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Config::parse(&text).map_err(|problems| ConfigError::Invalid {
                path: path.to_owned(),
                problems,
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(source) => Err(ConfigError::Read {
                path: path.to_owned(),
                source,
            }),
        }
    }

    /// Parses and validates the text of a `twin.toml`.
    pub fn parse(text: &str) -> Result<Config, Problems> {
        let raw: RawConfig = parse_toml(text).map_err(|p| Problems(vec![p]))?;
        let mut problems = Vec::new();
        let mut sources = Vec::new();
        for (index, raw) in raw.sources.into_iter().enumerate() {
            let mut check = Checker {
                index,
                problems: &mut problems,
            };
            if let Some(source) = check.source(raw) {
                sources.push(source);
            }
        }
        // Two web sources writing one snapshot would overwrite each other.
        let mut snapshots: BTreeMap<&Path, usize> = BTreeMap::new();
        for (index, source) in sources.iter().enumerate() {
            if let Source::Web(web) = source
                && let Some(first) = snapshots.insert(&web.snapshot, index)
            {
                problems.push(Problem {
                    path: format!("sources[{index}].snapshot"),
                    message: format!(
                        "{} is also the snapshot of sources[{first}]; set a different `snapshot`",
                        web.snapshot.display()
                    ),
                });
            }
        }
        if problems.is_empty() {
            Ok(Config { sources })
        } else {
            Err(Problems(problems))
        }
    }

    /// The web sources, in declaration order.
    pub fn web_sources(&self) -> impl Iterator<Item = &WebSource> {
        self.sources.iter().filter_map(|s| match s {
            Source::Web(web) => Some(web),
            _ => None,
        })
    }
}

fn parse_toml(text: &str) -> Result<RawConfig, Problem> {
    let deserializer =
        toml::Deserializer::parse(text).map_err(|err| toml_problem(text, &err, "."))?;
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        let path = err.path().to_string();
        toml_problem(text, err.inner(), &path)
    })
}

fn toml_problem(text: &str, err: &toml::de::Error, path: &str) -> Problem {
    let line = err
        .span()
        .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
    let message = match line {
        Some(line) => format!("{} (line {line})", err.message().trim_end()),
        None => err.message().trim_end().to_owned(),
    };
    Problem {
        path: path.to_owned(),
        message,
    }
}

struct Checker<'a> {
    index: usize,
    problems: &'a mut Vec<Problem>,
}

impl Checker<'_> {
    fn problem(&mut self, field: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            path: format!("sources[{}].{field}", self.index),
            message: message.into(),
        });
    }

    fn source(&mut self, raw: RawSource) -> Option<Source> {
        let Some(kind) = raw.kind.as_deref() else {
            self.problem("kind", "is required: one of \"markdown\", \"pdf\", \"web\"");
            return None;
        };
        match kind {
            "markdown" | "pdf" => {
                for (field, present) in [
                    ("url", raw.url.is_some()),
                    ("max_depth", raw.max_depth.is_some()),
                    ("max_pages", raw.max_pages.is_some()),
                    ("delay_ms", raw.delay_ms.is_some()),
                    ("snapshot", raw.snapshot.is_some()),
                ] {
                    if present {
                        self.problem(field, format!("is not allowed for kind \"{kind}\""));
                    }
                }
                let path = match raw.path.as_deref() {
                    Some(path) => self.relative_path("path", path),
                    None => {
                        self.problem("path", format!("is required for kind \"{kind}\""));
                        None
                    }
                }?;
                let local = LocalSource { path };
                Some(if kind == "pdf" {
                    Source::Pdf(local)
                } else {
                    Source::Markdown(local)
                })
            }
            "web" => self.web(raw).map(Source::Web),
            other => {
                self.problem(
                    "kind",
                    format!("must be one of \"markdown\", \"pdf\", \"web\", not {other:?}"),
                );
                None
            }
        }
    }

    fn web(&mut self, raw: RawSource) -> Option<WebSource> {
        if raw.path.is_some() {
            self.problem(
                "path",
                "is not allowed for kind \"web\" (the crawl is stored at `snapshot`)",
            );
        }
        let url = match raw.url.as_deref() {
            None => {
                self.problem("url", "is required for kind \"web\"");
                None
            }
            Some(text) => match Url::parse(text) {
                Err(err) => {
                    self.problem("url", format!("is not a valid URL ({err})"));
                    None
                }
                Ok(url) if !matches!(url.scheme(), "http" | "https") => {
                    self.problem("url", "must start with http:// or https://");
                    None
                }
                Ok(url) if !url.username().is_empty() || url.password().is_some() => {
                    self.problem("url", "must not contain a user name or password");
                    None
                }
                Ok(url) if url.host_str().is_none() => {
                    self.problem("url", "must name a host");
                    None
                }
                Ok(mut url) => {
                    url.set_fragment(None);
                    Some(url)
                }
            },
        };
        let max_depth = self.in_range(
            "max_depth",
            raw.max_depth,
            0,
            MAX_DEPTH_LIMIT,
            DEFAULT_MAX_DEPTH.into(),
        );
        let max_pages = self.in_range(
            "max_pages",
            raw.max_pages,
            1,
            MAX_PAGES_LIMIT,
            DEFAULT_MAX_PAGES.into(),
        );
        let delay_ms = self.in_range(
            "delay_ms",
            raw.delay_ms,
            0,
            DELAY_MS_LIMIT,
            DEFAULT_DELAY_MS as i64,
        );
        let snapshot = match (&raw.snapshot, &url) {
            (Some(path), _) => {
                let path = self.relative_path("snapshot", path);
                if path
                    .as_ref()
                    .is_some_and(|p| p.extension().is_none_or(|e| e != "jsonl"))
                {
                    self.problem("snapshot", "must end in .jsonl (JSON Lines)");
                }
                path
            }
            (None, Some(url)) => Some(default_snapshot(url)),
            (None, None) => None,
        };
        Some(WebSource {
            url: url?,
            max_depth: u32::try_from(max_depth?).ok()?,
            max_pages: u32::try_from(max_pages?).ok()?,
            delay: Duration::from_millis(u64::try_from(delay_ms?).ok()?),
            snapshot: snapshot?,
        })
    }

    fn in_range(
        &mut self,
        field: &str,
        value: Option<i64>,
        min: i64,
        max: i64,
        default: i64,
    ) -> Option<i64> {
        match value {
            None => Some(default),
            Some(v) if (min..=max).contains(&v) => Some(v),
            Some(_) => {
                self.problem(field, format!("must be between {min} and {max}"));
                None
            }
        }
    }

    fn relative_path(&mut self, field: &str, text: &str) -> Option<PathBuf> {
        let path = PathBuf::from(text);
        let inside = !text.trim().is_empty()
            && path
                .components()
                .all(|c| matches!(c, Component::Normal(_) | Component::CurDir));
        if inside {
            Some(path)
        } else {
            self.problem(
                field,
                "must be a relative path inside the folder of twin.toml (no leading / and no ..)",
            );
            None
        }
    }
}

/// `sources/<host>.jsonl`, with the port when there is one.
fn default_snapshot(url: &Url) -> PathBuf {
    let host = url.host_str().unwrap_or("site");
    let name: String = match url.port() {
        Some(port) => format!("{host}_{port}"),
        None => host.to_owned(),
    }
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
            c
        } else {
            '_'
        }
    })
    .collect();
    PathBuf::from("sources").join(format!("{name}.jsonl"))
}
