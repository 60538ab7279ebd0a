//! The `twin` command line.
//!
//! `serve` runs the same router as the Vercel functions, with the chat page;
//! `ask` answers one question in the terminal; `chunks` and `validate` show
//! what the twin knows and whether the profile is sound; `sync`, `backup`
//! and `restore` look after the Upstash Vector index.
//!
//! Settings come from the environment and from a `.env` file in the working
//! directory (read with dotenvy; real environment variables win). A bad
//! setting stops the command with one line naming the variable.

use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use axum::serve::ListenerExt;
use clap::{Parser, Subcommand};
use futures_util::StreamExt;
use twin_core::{ChatModel, Chunk, Profile, Question, chunk_profile, read_documents};
use twin_http::{AppState, BUNDLED_DOCUMENTS, BUNDLED_PROFILE, Settings, telemetry};
use twin_upstash::sync::SyncOptions;
use twin_upstash::{UpstashClient, UpstashConfig};

mod check;
mod index;
mod sources;

/// Where the profile is read from when `--profile` is not given.
const DEFAULT_PROFILE: &str = "data/digitaltwin.json";

/// The documents file, beside the profile.
const DOCUMENTS_FILE: &str = "documents.jsonl";

/// The sources file, beside the profile.
const SOURCES_FILE: &str = "twin.toml";

#[derive(Debug, Parser)]
#[command(
    name = "twin",
    version,
    about = "Digital Twin: an AI twin of you for your portfolio site"
)]
struct Cli {
    /// The profile to use [default: data/digitaltwin.json if it exists, else
    /// the profile compiled into this binary].
    #[arg(long, global = true, env = "TWIN_PROFILE", value_name = "PATH")]
    profile: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the chat page and the API.
    Serve {
        /// The port to listen on; 0 picks a free one.
        #[arg(long, short, env = "PORT", default_value_t = 3000)]
        port: u16,
        /// The address to listen on; use 0.0.0.0 to accept outside connections.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
    },
    /// Ask the twin one question and stream the answer to the terminal.
    Ask {
        /// The question.
        question: String,
        /// Print the answer as one JSON object instead.
        #[arg(long)]
        json: bool,
    },
    /// List the chunks the profile is cut into.
    Chunks {
        /// Print every chunk in full as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Check a profile and report every problem with its JSON path.
    Validate {
        /// The profile to check [default: the --profile in effect].
        path: Option<PathBuf>,
    },
    /// Bring Upstash Vector in step with the profile: write its namespace,
    /// then prune versions beyond TWIN_KEEP_NAMESPACES.
    Sync {
        /// Print the plan and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Dump the Upstash index (ids, data, metadata, vectors) to JSON Lines.
    Backup {
        /// The file to write.
        #[arg(long, short, value_name = "FILE")]
        out: PathBuf,
        /// Only these namespaces [default: all of them]. Repeatable.
        #[arg(long = "namespace", value_name = "NAME")]
        namespaces: Vec<String>,
    },
    /// Load a backup into the Upstash index; safe to run again after an
    /// interruption.
    Restore {
        /// The backup file (from `twin backup`).
        file: PathBuf,
        /// Vectors per upsert request (1-1000).
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u16).range(1..=1000))]
        batch: u16,
    },
    /// Read the sources `twin.toml` declares beside the profile (Markdown,
    /// text, PDF; websites are crawled first) into `documents.jsonl`, which
    /// the embedded index and `twin sync` use with the profile.
    Ingest {
        /// Do not crawl: use the websites' existing snapshots.
        #[arg(long)]
        offline: bool,
    },
    /// Measure the twin on a question set: retrieval hit@1, hit@5 and MRR,
    /// expected facts, refusals, injections resisted, citations. Exit 1 when
    /// a threshold is missed.
    Eval {
        /// The question set, e.g. data/eval/questions.json.
        file: PathBuf,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Minimum retrieval hit@5 (0-1).
        #[arg(long, value_name = "RATE")]
        min_hit5: Option<f64>,
        /// Minimum share of expected facts found in the answers (0-1).
        #[arg(long, value_name = "RATE")]
        min_facts: Option<f64>,
        /// Report only; never fail on thresholds.
        #[arg(long)]
        no_thresholds: bool,
    },
    /// List the most asked questions the twin could not answer: from the
    /// ticket tracker (GITHUB_REPO or LINEAR_API_KEY), or from request logs
    /// written with TWIN_LOG_QUESTIONS=1 and TWIN_LOG_FORMAT=json.
    Gaps {
        /// Read JSON request logs from this file (`-` for stdin) instead of
        /// the tracker.
        #[arg(long, value_name = "FILE")]
        from_log: Option<PathBuf>,
        /// How many to list.
        #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=100))]
        limit: u16,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Speak MCP over stdin/stdout, for assistants that start the twin
    /// themselves (Claude Desktop, VS Code). Logs go to stderr.
    Mcp,
    /// Probe a running twin as a visitor and an assistant would: deep
    /// health, a canary question, MCP tools/list. Exits 1 on any failure.
    Check {
        /// The twin's base URL, e.g. https://me.vercel.app.
        url: String,
        /// The canary question [default: what you do at your current role].
        #[arg(long)]
        question: Option<String>,
        /// A fact the canary answer must contain [default: the company].
        #[arg(long)]
        expect: Option<String>,
        /// The most each step may take, in milliseconds.
        #[arg(long, default_value_t = 2000)]
        budget_ms: u64,
        /// Skip the MCP step.
        #[arg(long)]
        no_mcp: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    if let Err(err) = dotenvy::dotenv()
        && !err.not_found()
    {
        eprintln!("error: .env: {err}");
        return ExitCode::from(2);
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // `twin chunks | head` closing the pipe early is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Validate { path } => validate(path.or(cli.profile)),
        Command::Chunks { json } => {
            let knowledge = Knowledge::load(cli.profile.as_deref())?;
            chunks(&knowledge, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { port, host } => {
            let settings = Settings::from_env()?;
            telemetry::init(settings.log_format);
            let knowledge = Knowledge::load(cli.profile.as_deref())?;
            let source = knowledge.source.clone();
            let state = knowledge.state(settings)?;
            runtime()?.block_on(serve(state, SocketAddr::new(host, port), &source))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ask { question, json } => {
            let settings = Settings::from_env()?;
            let state = Knowledge::load(cli.profile.as_deref())?.state(settings)?;
            runtime()?.block_on(ask(&state, question, json))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sync { dry_run, json } => {
            let settings = Settings::from_env()?;
            let knowledge = Knowledge::load(cli.profile.as_deref())?;
            let client = upstash_client(&settings)?;
            let options = SyncOptions {
                dry_run,
                keep: settings.keep_namespaces,
                ..SyncOptions::default()
            };
            runtime()?.block_on(index::sync(
                &client,
                &knowledge.chunks(),
                &knowledge.source,
                &options,
                json,
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Backup { out, namespaces } => {
            let settings = Settings::from_env()?;
            let client = upstash_client(&settings)?;
            let namespaces = (!namespaces.is_empty()).then_some(namespaces);
            runtime()?.block_on(index::backup(&client, namespaces, &out))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest { offline } => {
            let Some(profile) = profile_file(cli.profile.as_deref()) else {
                bail!(
                    "no profile file: pass --profile or run from a folder with {DEFAULT_PROFILE}"
                );
            };
            let dir = profile.parent().unwrap_or(Path::new(".")).to_owned();
            runtime()?.block_on(sources::ingest(&dir, offline))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval {
            file,
            json,
            min_hit5,
            min_facts,
            no_thresholds,
        } => {
            let settings = Settings::from_env()?;
            let knowledge = Knowledge::load(cli.profile.as_deref())?;
            let set = twin_eval::QuestionSet::from_json(&read(&file)?)
                .with_context(|| format!("{} is not a valid question set", file.display()))?;
            set.check_targets(&knowledge.chunks())
                .with_context(|| format!("{} does not fit this profile", file.display()))?;
            let state = knowledge.state(settings)?;
            let report = runtime()?.block_on(twin_eval::evaluate(state.twin(), &set));
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{report}");
            }
            let mut thresholds = if no_thresholds {
                twin_eval::Thresholds::NONE
            } else {
                twin_eval::Thresholds::TARGETS
            };
            for (value, slot, name) in [
                (min_hit5, &mut thresholds.min_hit_at_5, "--min-hit5"),
                (min_facts, &mut thresholds.min_fact_coverage, "--min-facts"),
            ] {
                if let Some(value) = value {
                    if !(0.0..=1.0).contains(&value) {
                        bail!("{name} must be between 0 and 1, got {value}");
                    }
                    *slot = value;
                }
            }
            match report.check(&thresholds) {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(missed) => {
                    for line in missed {
                        eprintln!("below threshold: {line}");
                    }
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Gaps {
            from_log,
            limit,
            json,
        } => {
            let limit = usize::from(limit);
            let rows: Vec<(String, u32, Option<String>)> = match from_log {
                Some(path) => {
                    let reader: Box<dyn std::io::BufRead> = if path.as_os_str() == "-" {
                        Box::new(std::io::stdin().lock())
                    } else {
                        let file = std::fs::File::open(&path)
                            .with_context(|| format!("cannot read {}", path.display()))?;
                        Box::new(std::io::BufReader::new(file))
                    };
                    twin_tickets::gaps_from_log(reader, limit)
                        .into_iter()
                        .map(|(question, asked)| (question, asked, None))
                        .collect()
                }
                None => {
                    let settings = Settings::from_env()?;
                    let Some(config) = settings.tickets else {
                        bail!(
                            "no ticket tracker is configured (GITHUB_REPO + GITHUB_TOKEN, or                              LINEAR_API_KEY + LINEAR_TEAM_ID); use --from-log FILE for request logs"
                        );
                    };
                    let tickets = twin_tickets::Tickets::new(config)?;
                    runtime()?
                        .block_on(tickets.gaps(limit))?
                        .into_iter()
                        .map(|g| (g.question, g.asked, Some(g.url)))
                        .collect()
                }
            };
            let mut out = std::io::stdout().lock();
            if json {
                let rows: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|(q, n, url)| serde_json::json!({ "question": q, "asked": n, "url": url }))
                    .collect();
                serde_json::to_writer_pretty(&mut out, &rows)?;
                writeln!(out)?;
            } else if rows.is_empty() {
                writeln!(out, "no unanswered questions found")?;
            } else {
                for (question, asked, url) in &rows {
                    match url {
                        Some(url) => writeln!(out, "{asked:>5}  {question}  {url}")?,
                        None => writeln!(out, "{asked:>5}  {question}")?,
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Mcp => {
            let settings = Settings::from_env()?;
            // stdout carries the protocol: logs must go to stderr, and do.
            telemetry::init(settings.log_format);
            let state = Knowledge::load(cli.profile.as_deref())?.state(settings)?;
            runtime()?.block_on(async {
                twin_mcp::serve_stdio(
                    &state.mcp(),
                    tokio::io::BufReader::new(tokio::io::stdin()),
                    tokio::io::stdout(),
                )
                .await
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check {
            url,
            question,
            expect,
            budget_ms,
            no_mcp,
            json,
        } => {
            let (question, expect) = match (question, expect) {
                (Some(q), Some(e)) => (q, e),
                (question, expect) => {
                    let (profile, _) = load_profile(cli.profile.as_deref())?;
                    let Some((q, e)) = check::Probe::canary(&profile) else {
                        bail!("the profile has no role to ask about; pass --question and --expect");
                    };
                    (question.unwrap_or(q), expect.unwrap_or(e))
                }
            };
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("expected a URL like https://me.vercel.app, got {url:?}");
            }
            let probe = check::Probe {
                url,
                question,
                expect,
                budget: std::time::Duration::from_millis(budget_ms),
                mcp_token: std::env::var("MCP_AUTH_TOKEN")
                    .ok()
                    .filter(|t| !t.trim().is_empty())
                    .map(|t| twin_core::Secret::new(t.trim())),
                skip_mcp: no_mcp,
            };
            let report = runtime()?.block_on(check::run(&probe))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", check::render(&report));
            }
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        Command::Restore { file, batch } => {
            let settings = Settings::from_env()?;
            let client = upstash_client(&settings)?;
            runtime()?.block_on(index::restore(&client, &file, usize::from(batch)))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The Upstash client the index commands need, or why there is none.
fn upstash_client(settings: &Settings) -> anyhow::Result<UpstashClient> {
    let Some(upstash) = &settings.upstash else {
        bail!(
            "UPSTASH_VECTOR_REST_URL and UPSTASH_VECTOR_REST_TOKEN are not set: \
             there is no remote index (the embedded one is built at start-up)"
        );
    };
    UpstashClient::new(UpstashConfig::new(&upstash.url, upstash.token.clone()))
        .context("cannot set up the Upstash client")
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Reads the profile named by `--profile`, else the repository's sample, else
/// the bundled copy. Returns it with a description of where it came from.
/// The profile and the documents beside it (`documents.jsonl`, written by
/// `twin ingest`); the bundled pair when no profile file is in use.
struct Knowledge {
    profile: Profile,
    documents: Vec<Chunk>,
    source: String,
}

impl Knowledge {
    fn load(path: Option<&Path>) -> anyhow::Result<Knowledge> {
        let (profile, source) = load_profile(path)?;
        let file = profile_file(path);
        let documents = match &file {
            Some(profile) => {
                let path = profile.with_file_name(DOCUMENTS_FILE);
                if path.is_file() {
                    read_documents(&read(&path)?)
                        .with_context(|| format!("{} is not valid", path.display()))?
                } else {
                    Vec::new()
                }
            }
            None => read_documents(BUNDLED_DOCUMENTS).context("the bundled documents")?,
        };
        Ok(Knowledge {
            profile,
            documents,
            source,
        })
    }

    /// Every chunk the twin indexes: the profile's, then the documents'.
    fn chunks(&self) -> Vec<Chunk> {
        let mut chunks = chunk_profile(&self.profile);
        chunks.extend(self.documents.iter().cloned());
        chunks
    }

    fn state(self, settings: Settings) -> anyhow::Result<AppState> {
        Ok(AppState::with_documents(
            self.profile,
            self.documents,
            settings,
        )?)
    }
}

/// The profile file in use, if any (else the bundled profile).
fn profile_file(path: Option<&Path>) -> Option<PathBuf> {
    match path {
        Some(path) => Some(path.to_owned()),
        None if Path::new(DEFAULT_PROFILE).is_file() => Some(PathBuf::from(DEFAULT_PROFILE)),
        None => None,
    }
}

fn load_profile(path: Option<&Path>) -> anyhow::Result<(Profile, String)> {
    let (text, source) = match path {
        Some(path) => (read(path)?, path.display().to_string()),
        None if Path::new(DEFAULT_PROFILE).is_file() => (
            read(Path::new(DEFAULT_PROFILE))?,
            DEFAULT_PROFILE.to_owned(),
        ),
        None => (BUNDLED_PROFILE.to_owned(), "the bundled profile".to_owned()),
    };
    let profile = Profile::from_json(&text).with_context(|| {
        format!("{source} is not a valid profile (run `twin validate` for the full list)")
    })?;
    Ok((profile, source))
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

fn validate(path: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let path = path.unwrap_or_else(|| PathBuf::from(DEFAULT_PROFILE));
    let text = read(&path)?;
    match Profile::from_json(&text) {
        Ok(profile) => {
            println!(
                "ok: {} is valid ({} chunks, version {})",
                path.display(),
                chunk_profile(&profile).len(),
                profile.version()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            let n = err.problems.len();
            eprintln!(
                "{} has {n} problem{}:",
                path.display(),
                if n == 1 { "" } else { "s" }
            );
            for problem in &err.problems {
                eprintln!("  {problem}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

fn chunks(knowledge: &Knowledge, json: bool) -> anyhow::Result<()> {
    let chunks = knowledge.chunks();
    let mut out = std::io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &chunks)?;
        writeln!(out)?;
        return Ok(());
    }
    for chunk in &chunks {
        writeln!(
            out,
            "{:<30} {:<14} {}",
            chunk.id, chunk.section, chunk.title
        )?;
    }
    writeln!(
        out,
        "{} chunks ({} from documents), profile version {}",
        chunks.len(),
        knowledge.documents.len(),
        knowledge.profile.version()
    )?;
    Ok(())
}

async fn serve(state: AppState, addr: SocketAddr, source: &str) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    let twin = state.twin();
    let host = if local.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        local.ip().to_string()
    };
    println!(
        "Digital Twin of {} is live at http://{host}:{}",
        twin.profile().person.name,
        local.port()
    );
    println!(
        "  profile {source} (version {}), {} chunks, {} index, {} answers. Ctrl-C stops.",
        twin.version(),
        state.chunks().len(),
        match twin.index().remote() {
            Some(remote) => format!("Upstash Vector (namespace {})", remote.namespace()),
            None => "embedded".to_owned(),
        },
        twin.model().name()
    );
    std::io::stdout().flush()?;
    // Tokens are small writes: without TCP_NODELAY, Nagle's algorithm would
    // hold each one back until the previous one is acknowledged.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::warn!(%error, "could not set TCP_NODELAY");
        }
    });
    // The peer address keys the per-address rate limit.
    let app = twin_http::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("the server stopped")
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

async fn ask(state: &AppState, question: String, json: bool) -> anyhow::Result<()> {
    let question = question.trim().to_owned();
    if question.is_empty() {
        bail!("the question is empty");
    }
    let answer = state
        .twin()
        .answer(Question {
            message: question,
            history: Vec::new(),
        })
        .await?;
    let mut out = std::io::stdout().lock();
    let mut tokens = answer.tokens;
    let mut text = String::new();
    while let Some(token) = tokens.next().await {
        let token = token?;
        if !json {
            write!(out, "{token}")?;
            out.flush()?;
        }
        text.push_str(&token);
    }
    let cited = answer
        .cited
        .unwrap_or_else(|| twin_core::cited_in(&text, answer.hits.len()));
    if json {
        let citations: Vec<serde_json::Value> = answer
            .hits
            .iter()
            .enumerate()
            .map(|(i, hit)| {
                serde_json::json!({
                    "n": i + 1,
                    "id": hit.chunk.id,
                    "title": hit.chunk.title,
                    "section": hit.chunk.section,
                    "score": hit.score,
                    "source": hit.chunk.metadata.get("source"),
                    "heading": hit.chunk.metadata.get("heading"),
                })
            })
            .collect();
        let body = serde_json::json!({
            "answer": text,
            "citations": citations,
            "cited": cited,
            "mode": answer.mode,
            "covered": answer.covered,
        });
        serde_json::to_writer_pretty(&mut out, &body)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out)?;
    if !cited.is_empty() {
        writeln!(out, "\nSources:")?;
        for n in cited {
            if let Some(hit) = answer.hits.get(n - 1) {
                match hit.chunk.metadata.get("source") {
                    Some(source) => writeln!(
                        out,
                        "  [{n}] {} ({}, {source})",
                        hit.chunk.title, hit.chunk.section
                    )?,
                    None => writeln!(out, "  [{n}] {} ({})", hit.chunk.title, hit.chunk.section)?,
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    /// A doc comment lost or attached to the wrong variant shows up as a
    /// command listed in `--help` with no description, or with another's.
    #[test]
    fn every_command_and_argument_is_described() {
        let cli = Cli::command();
        let mut abouts = Vec::new();
        for command in cli.get_subcommands() {
            let name = command.get_name();
            let about = command
                .get_about()
                .unwrap_or_else(|| panic!("`twin {name}` has no description"))
                .to_string();
            assert!(
                !abouts.contains(&about),
                "`twin {name}` repeats another command's description"
            );
            abouts.push(about);
            for arg in command.get_arguments() {
                assert!(
                    arg.get_help().is_some(),
                    "`twin {name}` argument `{}` has no description",
                    arg.get_id()
                );
            }
        }
        let restore = cli.find_subcommand("restore").expect("restore exists");
        assert!(
            restore
                .get_about()
                .is_some_and(|a| a.to_string().contains("backup"))
        );
    }
}
