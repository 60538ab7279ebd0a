//! [`Tickets`]: files gaps with the configured tracker, deduplicated and
//! throttled, and lists the open ones for `twin gaps`.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::config::TicketConfig;
use crate::gap::{self, Gap};
use crate::github::GitHub;
use crate::linear::Linear;
use crate::throttle::{Decision, Throttle};
use crate::{TicketError, http};

/// A ticket in the tracker: GitHub's issue number or Linear's issue id,
/// and its web page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ticket {
    pub id: String,
    pub url: String,
}

/// What became of a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Filed {
    /// A new ticket, at `url`.
    Created { url: String },
    /// The question already had an open ticket; a comment was added, at
    /// `url`.
    Commented { url: String },
    /// Dropped by a limit (see [`TicketOptions`]), already logged as a
    /// warning. Not an error: the visitor's feedback was still recorded.
    Throttled,
}

/// One open gap ticket, for `twin gaps`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GapSummary {
    /// The question as first filed.
    pub question: String,
    /// How often it was asked: 1 + the ticket's comments (a maintainer's
    /// own comments count too).
    pub asked: u32,
    /// The ticket's web page.
    pub url: String,
}

/// The limits and patience of a [`Tickets`].
#[derive(Debug, Clone)]
pub struct TicketOptions {
    /// New tickets per hour per process; beyond, gaps are dropped. 10.
    pub tickets_per_hour: u32,
    /// Least time between two comments (or a creation and a comment) on one
    /// ticket from one process. 10 minutes.
    pub comment_interval: Duration,
    /// The whole of one request, body included. 10 s.
    pub timeout: Duration,
    /// Establishing the connection, within `timeout`. 3 s.
    pub connect_timeout: Duration,
    /// Extra attempts after a transient failure (connection trouble, a
    /// timeout, a 5xx). 2.
    pub max_retries: u32,
}

impl Default for TicketOptions {
    fn default() -> TicketOptions {
        TicketOptions {
            tickets_per_hour: 10,
            comment_interval: Duration::from_secs(600),
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(3),
            max_retries: 2,
        }
    }
}

/// The configured tracker.
#[derive(Debug)]
enum Tracker {
    GitHub(GitHub),
    Linear(Linear),
}

impl Tracker {
    async fn find(&self, key: &str) -> Result<Option<Ticket>, TicketError> {
        match self {
            Tracker::GitHub(github) => github.find(key).await,
            Tracker::Linear(linear) => linear.find(key).await,
        }
    }

    /// A lookup that sees tickets created a moment ago.
    async fn find_fresh(&self, key: &str) -> Result<Option<Ticket>, TicketError> {
        match self {
            Tracker::GitHub(github) => github.find_recent(key).await,
            Tracker::Linear(linear) => linear.find(key).await,
        }
    }

    async fn create(&self, gap: &Gap, key: &str) -> Result<Ticket, TicketError> {
        match self {
            Tracker::GitHub(github) => github.create(gap, key).await,
            Tracker::Linear(linear) => linear.create(gap, key).await,
        }
    }

    async fn comment(&self, ticket: &Ticket, text: &str) -> Result<String, TicketError> {
        match self {
            Tracker::GitHub(github) => github.comment(ticket, text).await,
            Tracker::Linear(linear) => linear.comment(ticket, text).await,
        }
    }

    async fn gaps(&self, limit: usize) -> Result<Vec<GapSummary>, TicketError> {
        match self {
            Tracker::GitHub(github) => github.gaps(limit).await,
            Tracker::Linear(linear) => linear.gaps(limit).await,
        }
    }
}

#[derive(Debug)]
struct Inner {
    tracker: Tracker,
    name: &'static str,
    throttle: Mutex<Throttle>,
    max_retries: u32,
}

/// Files [`Gap`]s as tickets. Cheap to clone: clones share the HTTP
/// connection pool, the limits and the memory of known tickets, so keep
/// one per process. `Debug` shows no secret.
#[derive(Debug, Clone)]
pub struct Tickets {
    inner: Arc<Inner>,
}

impl Tickets {
    /// A client with the default [`TicketOptions`].
    pub fn new(config: TicketConfig) -> Result<Tickets, TicketError> {
        Tickets::with_options(config, TicketOptions::default())
    }

    /// A client with these limits and timeouts. Fails only when the HTTP
    /// client cannot be built (TLS set-up) or a URL is unusable.
    pub fn with_options(
        config: TicketConfig,
        options: TicketOptions,
    ) -> Result<Tickets, TicketError> {
        let name = config.tracker();
        let tracker = match config {
            TicketConfig::GitHub {
                token,
                repo,
                api_url,
            } => Tracker::GitHub(GitHub::new(token, repo, &api_url, &options)?),
            TicketConfig::Linear {
                api_key,
                team_id,
                api_url,
            } => Tracker::Linear(Linear::new(api_key, team_id, &api_url, &options)?),
        };
        Ok(Tickets {
            inner: Arc::new(Inner {
                tracker,
                name,
                throttle: Mutex::new(Throttle::new(
                    options.tickets_per_hour,
                    options.comment_interval,
                )),
                max_retries: options.max_retries,
            }),
        })
    }

    /// `"GitHub"` or `"Linear"`.
    pub fn tracker(&self) -> &'static str {
        self.inner.name
    }

    /// Files a gap: comments on the open ticket for the same normalized
    /// question when there is one (found in this process's memory, else by
    /// the key in the tracker), creates one otherwise, or drops the gap
    /// when a limit says so ([`Filed::Throttled`], logged as a warning).
    ///
    /// Meant to run in the background of a request: it takes a second or
    /// two, and its errors are for the log, never for the visitor. A
    /// tracker rate limit is returned once and then stops all filing until
    /// the tracker's wait is over.
    pub async fn file(&self, gap: Gap) -> Result<Filed, TicketError> {
        let gap = gap
            .cleaned()
            .ok_or_else(|| TicketError::Invalid("the question has no words".into()))?;
        let key = gap.key();
        let decision = self.throttle().begin(&key, Instant::now());
        if let Decision::Drop(reason) = decision {
            tracing::warn!(target: "twin::tickets", key, reason, "gap not filed");
            return Ok(Filed::Throttled);
        }
        let _in_flight = InFlight {
            tickets: self,
            key: &key,
        };
        let outcome = match decision {
            Decision::Comment(ticket) => self.comment(&key, &ticket, &gap).await,
            _ => self.find_or_create(&key, &gap).await,
        };
        match &outcome {
            Ok(filed) => tracing::info!(target: "twin::tickets", key, ?filed, "gap filed"),
            Err(error) => {
                if let TicketError::RateLimited { retry_after, .. } = error {
                    let wait = retry_after
                        .unwrap_or(Duration::from_secs(60))
                        .min(Duration::from_secs(3600));
                    self.throttle().block(Instant::now() + wait);
                }
                tracing::warn!(target: "twin::tickets", key, %error, "gap not filed");
            }
        }
        outcome
    }

    /// The open gap tickets, most asked first, at most `limit` (and at most
    /// 100, GitHub's page size and the most Linear is asked to rank).
    pub async fn gaps(&self, limit: usize) -> Result<Vec<GapSummary>, TicketError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut gaps = self.inner.tracker.gaps(limit).await?;
        gaps.sort_by_key(|g| std::cmp::Reverse(g.asked));
        gaps.truncate(limit);
        Ok(gaps)
    }

    async fn find_or_create(&self, key: &str, gap: &Gap) -> Result<Filed, TicketError> {
        if let Some(ticket) = self.inner.tracker.find(key).await? {
            self.throttle()
                .remember(key, ticket.clone(), Instant::now());
            return self.comment(key, &ticket, gap).await;
        }
        if !self.throttle().reserve_creation(Instant::now()) {
            tracing::warn!(
                target: "twin::tickets",
                key,
                reason = "the hourly budget of new tickets is spent",
                "gap not filed"
            );
            return Ok(Filed::Throttled);
        }
        let mut retries = 0;
        let ticket = loop {
            match self.inner.tracker.create(gap, key).await {
                Ok(ticket) => break ticket,
                Err(error) if error.is_transient() && retries < self.inner.max_retries => {
                    // The create may have gone through before the failure;
                    // look before trying again, so it is not filed twice.
                    http::pause(retries).await;
                    retries += 1;
                    if let Some(ticket) = self.inner.tracker.find_fresh(key).await? {
                        break ticket;
                    }
                }
                Err(error) => return Err(error),
            }
        };
        let now = Instant::now();
        let mut throttle = self.throttle();
        throttle.remember(key, ticket.clone(), now);
        throttle.touch(key, now);
        Ok(Filed::Created { url: ticket.url })
    }

    async fn comment(&self, key: &str, ticket: &Ticket, gap: &Gap) -> Result<Filed, TicketError> {
        match self
            .inner
            .tracker
            .comment(ticket, &gap::repeat_comment(gap))
            .await
        {
            Ok(url) => {
                self.throttle().touch(key, Instant::now());
                Ok(Filed::Commented { url })
            }
            Err(error) => {
                if !error.is_transient() {
                    // Deleted, locked or moved: find it afresh next time.
                    self.throttle().forget(key);
                }
                Err(error)
            }
        }
    }

    fn throttle(&self) -> MutexGuard<'_, Throttle> {
        // The throttle's state stays consistent across a panic elsewhere.
        self.inner
            .throttle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Ends a key's filing when the future completes, fails or is dropped.
struct InFlight<'a> {
    tickets: &'a Tickets,
    key: &'a str,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.tickets.throttle().done(self.key);
    }
}
