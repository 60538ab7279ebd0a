//! robots.txt, as RFC 9309 says to treat it.
//!
//! Rules are matched by `texting_robots` (MIT/Apache-2.0), a parser tested
//! against Google's robots.txt test suite and the one crawler projects
//! commonly use; it handles groups, wildcards, `$`, longest-match precedence
//! and `Crawl-delay`.
//!
//! What the status of `/robots.txt` means (RFC 9309 section 2.3.1):
//!
//! * 2xx: the rules apply.
//! * 4xx, 404 included: no rules, everything is allowed.
//! * 5xx, or no answer at all: the site is treated as fully disallowed, and
//!   the crawl stops with a transient error rather than writing an empty
//!   snapshot.

use std::time::Duration;

use reqwest::Url;
use texting_robots::Robot;

/// The rules for one origin.
#[derive(Debug)]
pub(crate) enum Robots {
    AllowAll,
    Rules(Box<Robot>),
}

/// robots.txt files past this size are cut here, as RFC 9309 allows (it
/// asks crawlers to read at least 500 KiB).
pub(crate) const MAX_ROBOTS_BYTES: usize = 512 * 1024;

/// The longest `Crawl-delay` honoured: a larger value would make a crawl of
/// a few dozen pages take hours; the crawl then waits this long instead.
pub(crate) const MAX_CRAWL_DELAY: Duration = Duration::from_secs(10);

impl Robots {
    /// Parses a robots.txt body for [`super::AGENT_TOKEN`]. A body the parser
    /// rejects outright has no rule anyone could rely on: everything is
    /// allowed, as for a missing file.
    pub(crate) fn parse(body: &[u8], robots_url: &Url) -> Robots {
        let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
        match Robot::new(super::AGENT_TOKEN, body) {
            Ok(robot) => Robots::Rules(Box::new(robot)),
            Err(err) => {
                tracing::warn!(url = %robots_url, error = %err, "unparsable robots.txt; treating it as empty");
                Robots::AllowAll
            }
        }
    }

    pub(crate) fn allowed(&self, url: &Url) -> bool {
        match self {
            Robots::AllowAll => true,
            Robots::Rules(robot) => robot.allowed(url.as_str()),
        }
    }

    /// `Crawl-delay` for this agent, capped at [`MAX_CRAWL_DELAY`].
    pub(crate) fn crawl_delay(&self) -> Option<Duration> {
        match self {
            Robots::AllowAll => None,
            Robots::Rules(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f32(d).min(MAX_CRAWL_DELAY)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("a valid URL")
    }

    #[test]
    fn our_group_wins_over_the_star_group() {
        let body = b"User-agent: *\nDisallow: /\n\nUser-agent: DigitalTwinBot\nDisallow: /private\nCrawl-delay: 120\n";
        let robots = Robots::parse(body, &url("https://e.com/robots.txt"));
        assert!(robots.allowed(&url("https://e.com/blog")));
        assert!(!robots.allowed(&url("https://e.com/private/x")));
        assert_eq!(robots.crawl_delay(), Some(MAX_CRAWL_DELAY));
    }
}
