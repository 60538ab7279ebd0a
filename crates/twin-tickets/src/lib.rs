//! Gaps in the twin's knowledge, filed where the owner works: a question
//! the twin could not answer, or an answer a visitor down-voted with a
//! comment, becomes a GitHub issue or a Linear issue.
//!
//! * [`TicketConfig::from_lookup`] reads the tracker from the environment
//!   (`GITHUB_TOKEN` + `GITHUB_REPO`, or `LINEAR_API_KEY` +
//!   `LINEAR_TEAM_ID`); none configured means no tickets.
//! * [`Tickets::file`] files a [`Gap`]: one ticket per normalized question,
//!   found again by the `twin-gap:KEY` marker it carries (so stateless
//!   serverless instances agree), a comment on it for each repeat, and
//!   per-process limits ([`TicketOptions`]) beyond which gaps are dropped
//!   with a warning.
//! * [`Tickets::gaps`] and [`gaps_from_log`] list the most asked gaps for
//!   `twin gaps`, from the tracker or from the request log.
//!
//! A ticket holds the question (and a down-vote's comment) and nothing
//! else about the visitor; emails and phone numbers in them are removed.
//! Tokens never appear in errors, logs or `Debug` output.

mod config;
mod error;
mod gap;
mod github;
mod http;
mod linear;
mod log;
mod throttle;
mod tickets;

pub use config::{ConfigError, DEFAULT_GITHUB_API_URL, DEFAULT_LINEAR_API_URL, TicketConfig};
pub use error::TicketError;
pub use gap::{Gap, MAX_COMMENT_CHARS, MAX_QUESTION_CHARS, gap_key, normalize};
pub use log::gaps_from_log;
pub use tickets::{Filed, GapSummary, TicketOptions, Tickets};
