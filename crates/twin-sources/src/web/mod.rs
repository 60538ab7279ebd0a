//! Crawling a website into pages of Markdown.
//!
//! [`crawl`] walks one origin breadth first from the start URL:
//!
//! * **Scope.** Only URLs with the start URL's origin (scheme, host, port)
//!   are fetched; a redirect elsewhere is not followed (see [`http_client`])
//!   and a page that ends up elsewhere is dropped. Links are followed up to
//!   `max_depth` hops; the crawl stops at `max_pages` kept pages, or after
//!   `2 × max_pages + 10` fetches, so a site full of broken links cannot
//!   keep it busy.
//! * **Manners.** robots.txt is fetched first and honoured for
//!   [`AGENT_TOKEN`] (see the `robots` module for what its status codes
//!   mean), `<meta name="robots">` `noindex`/`nofollow` and `rel="nofollow"`
//!   are respected, and requests are spaced by `delay_ms` or the site's
//!   `Crawl-delay` (capped at 10 s), whichever is longer. Requests carry the
//!   User-Agent `DigitalTwinBot/<version>`.
//! * **Duplicates.** A URL is fetched at most once. URLs are compared after
//!   normalising: the fragment and tracking parameters (`utm_*`, `fbclid`,
//!   `gclid`...) are removed and a trailing slash does not count. A page
//!   naming a same-origin `<link rel="canonical">` is kept under that URL,
//!   and another page with the same canonical URL is dropped.
//! * **Limits.** Each request times out after [`REQUEST_TIMEOUT`]; a body
//!   over [`MAX_BODY_BYTES`] is dropped, as is anything not served as HTML.
//!   Links that name an obviously non-HTML file (`.pdf`, `.png`, `.zip`...)
//!   are not fetched at all.
//!
//! A failure on the start page (or an unreachable robots.txt) fails the
//! crawl, so `twin ingest` never replaces a good snapshot with an empty one;
//! a failure on any other page is logged and skipped.

mod html;
mod robots;
mod snapshot;

use std::collections::{BTreeMap, HashSet, VecDeque};
use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, USER_AGENT};
use reqwest::{StatusCode, Url};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

pub use snapshot::{read_snapshot, write_snapshot};

use crate::config::WebSource;
use crate::error::SourceError;
use robots::{MAX_ROBOTS_BYTES, Robots};

/// The product token robots.txt groups are matched against.
pub const AGENT_TOKEN: &str = "DigitalTwinBot";

/// The User-Agent header of every request: `DigitalTwinBot/<version>`.
pub const USER_AGENT_VALUE: &str = concat!("DigitalTwinBot/", env!("CARGO_PKG_VERSION"));

/// The longest a request may take, body included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Pages larger than this are skipped: real articles are far smaller, and
/// the cap bounds what one bad link can cost.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// Most redirects followed for one request.
const MAX_REDIRECTS: usize = 5;

/// One crawled page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Page {
    /// The page's canonical URL, absolute, without fragment.
    pub url: String,
    /// From `<title>`, else the first `<h1>`; may be empty.
    pub title: String,
    /// The main content as Markdown, navigation and boilerplate removed.
    pub markdown: String,
}

/// A client for crawling: the crawler's User-Agent, connect and request
/// timeouts, and redirects followed only within the origin they start from
/// (at most five). [`crawl`] works with any client, setting its own
/// User-Agent and timeout on each request, but only this one keeps
/// redirects from ever reaching another origin.
pub fn http_client() -> Result<reqwest::Client, reqwest::Error> {
    let policy = reqwest::redirect::Policy::custom(|attempt| {
        let same_origin = attempt
            .previous()
            .first()
            .is_none_or(|first| first.origin() == attempt.url().origin());
        if attempt.previous().len() > MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else if same_origin {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    reqwest::Client::builder()
        .user_agent(USER_AGENT_VALUE)
        .connect_timeout(Duration::from_secs(10))
        .timeout(REQUEST_TIMEOUT)
        .redirect(policy)
        .build()
}

/// Crawls a website (see the module docs). `progress` is called with each
/// URL just before it is fetched. Pages come back sorted by URL.
pub async fn crawl(
    source: &WebSource,
    client: &reqwest::Client,
    mut progress: impl FnMut(&Url),
) -> Result<Vec<Page>, SourceError> {
    let start = normalize(&source.url);
    let origin = start.origin();
    let mut pacer = Pacer {
        delay: source.delay,
        last: None,
    };

    let robots = fetch_robots(client, &start, &mut pacer).await?;
    if let Some(crawl_delay) = robots.crawl_delay() {
        pacer.delay = pacer.delay.max(crawl_delay);
    }
    if !robots.allowed(&start) {
        return Err(SourceError::Rejected {
            url: start.to_string(),
            reason: format!("robots.txt disallows it for {AGENT_TOKEN}"),
        });
    }

    let max_pages = source.max_pages as usize;
    let max_fetches = max_pages * 2 + 10;
    let mut queue: VecDeque<(Url, u32)> = VecDeque::from([(start.clone(), 0)]);
    let mut seen: HashSet<String> = HashSet::from([dedupe_key(&start)]);
    let mut kept: BTreeMap<String, Page> = BTreeMap::new();
    let mut kept_keys: HashSet<String> = HashSet::new();
    let mut fetches = 0;

    while let Some((url, depth)) = queue.pop_front() {
        if kept.len() >= max_pages || fetches >= max_fetches {
            break;
        }
        if kept_keys.contains(&dedupe_key(&url)) {
            // Another page already named this URL as its canonical one.
            continue;
        }
        if !robots.allowed(&url) {
            tracing::debug!(%url, "robots.txt disallows it; skipped");
            continue;
        }
        let is_start = fetches == 0;
        fetches += 1;
        progress(&url);
        pacer.wait().await;
        let (final_url, body) = match fetch_html(client, &url).await {
            Ok(fetched) => fetched,
            Err(err) if is_start => return Err(err),
            Err(err) => {
                tracing::warn!(error = %err, "page skipped");
                continue;
            }
        };

        let final_url = normalize(&final_url);
        if final_url.origin() != origin {
            let err = SourceError::Rejected {
                url: url.to_string(),
                reason: format!("it redirects to another origin ({final_url})"),
            };
            if is_start {
                return Err(err);
            }
            tracing::warn!(error = %err, "page skipped");
            continue;
        }
        if final_url != url {
            let key = dedupe_key(&final_url);
            if kept_keys.contains(&key) || !robots.allowed(&final_url) {
                continue;
            }
            seen.insert(key);
        }

        let Some(page) = html::extract(&body, &final_url) else {
            tracing::warn!(url = %final_url, "page nested too deeply to read; skipped");
            continue;
        };
        let page_url = page
            .canonical
            .as_ref()
            .map(normalize)
            .filter(|c| c.origin() == origin)
            .unwrap_or_else(|| final_url.clone());
        let page_key = dedupe_key(&page_url);
        if kept_keys.contains(&page_key) {
            tracing::debug!(url = %final_url, canonical = %page_url, "duplicate of a kept page");
            continue;
        }
        seen.insert(page_key.clone());

        if depth < source.max_depth && !page.nofollow {
            for link in &page.links {
                let link = normalize(link);
                if link.origin() != origin || !looks_like_html(&link) {
                    continue;
                }
                if seen.insert(dedupe_key(&link)) {
                    queue.push_back((link, depth + 1));
                }
            }
        }
        if page.noindex || page.markdown.trim().is_empty() {
            continue;
        }
        kept_keys.insert(page_key);
        kept.insert(
            page_url.to_string(),
            Page {
                url: page_url.to_string(),
                title: page.title,
                markdown: page.markdown,
            },
        );
    }
    Ok(kept.into_values().collect())
}

/// Spaces requests: each one starts at least `delay` after the previous.
#[derive(Debug)]
struct Pacer {
    delay: Duration,
    last: Option<Instant>,
}

impl Pacer {
    async fn wait(&mut self) {
        if let Some(last) = self.last {
            tokio::time::sleep_until(last + self.delay).await;
        }
        self.last = Some(Instant::now());
    }
}

async fn fetch_robots(
    client: &reqwest::Client,
    start: &Url,
    pacer: &mut Pacer,
) -> Result<Robots, SourceError> {
    let mut robots_url = start.clone();
    robots_url.set_path("/robots.txt");
    robots_url.set_query(None);
    let unreachable = |reason: String| SourceError::Unreachable {
        url: robots_url.to_string(),
        reason: format!("{reason}; RFC 9309 says to crawl nothing until robots.txt can be read"),
    };
    pacer.wait().await;
    let response = client
        .get(robots_url.clone())
        .header(USER_AGENT, USER_AGENT_VALUE)
        .timeout(REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|e| unreachable(e.without_url().to_string()))?;
    let status = response.status();
    if status.is_server_error() {
        return Err(unreachable(format!("robots.txt answered HTTP {status}")));
    }
    if !status.is_success() {
        // 4xx (and a redirect we did not follow): no usable rules, so
        // everything is allowed (RFC 9309 section 2.3.1.3).
        return Ok(Robots::AllowAll);
    }
    let body = read_capped(response, MAX_ROBOTS_BYTES, true)
        .await
        .map_err(|e| unreachable(e.without_url().to_string()))?
        .unwrap_or_default();
    Ok(Robots::parse(&body, &robots_url))
}

/// Fetches one page: its URL after redirects and its body as text, or an
/// error saying why it is not a page to keep.
async fn fetch_html(client: &reqwest::Client, url: &Url) -> Result<(Url, String), SourceError> {
    let unreachable = |reason: String| SourceError::Unreachable {
        url: url.to_string(),
        reason,
    };
    let rejected = |reason: String| SourceError::Rejected {
        url: url.to_string(),
        reason,
    };
    let response = client
        .get(url.clone())
        .header(USER_AGENT, USER_AGENT_VALUE)
        .header(ACCEPT, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
        .timeout(REQUEST_TIMEOUT)
        .send()
        .await
        .map_err(|e| unreachable(e.without_url().to_string()))?;
    let status = response.status();
    if status.is_redirection() {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("?");
        return Err(rejected(format!(
            "HTTP {status}: a redirect that is not followed (to {location})"
        )));
    }
    if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
        return Err(unreachable(format!("HTTP {status}")));
    }
    if !status.is_success() {
        return Err(rejected(format!("HTTP {status}")));
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mime = content_type.split(';').next().unwrap_or("").trim();
    if mime != "text/html" && mime != "application/xhtml+xml" {
        return Err(rejected(format!(
            "not HTML (Content-Type {:?})",
            if mime.is_empty() { "none" } else { mime }
        )));
    }
    if response
        .content_length()
        .is_some_and(|len| len > MAX_BODY_BYTES as u64)
    {
        return Err(rejected(format!(
            "larger than the {} MiB cap",
            MAX_BODY_BYTES / (1024 * 1024)
        )));
    }
    let final_url = response.url().clone();
    let body = read_capped(response, MAX_BODY_BYTES, false)
        .await
        .map_err(|e| unreachable(e.without_url().to_string()))?
        .ok_or_else(|| {
            rejected(format!(
                "larger than the {} MiB cap",
                MAX_BODY_BYTES / (1024 * 1024)
            ))
        })?;
    // Pages are decoded as UTF-8, which nearly every site serves today;
    // anything else is decoded lossily rather than refused.
    Ok((final_url, String::from_utf8_lossy(&body).into_owned()))
}

/// Reads a body up to `cap` bytes. Past the cap: the first `cap` bytes if
/// `truncate`, else `None`.
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
    truncate: bool,
) -> Result<Option<Vec<u8>>, reqwest::Error> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > cap {
            if truncate {
                body.extend_from_slice(&chunk[..cap - body.len()]);
                return Ok(Some(body));
            }
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// Query parameters that only track where a visitor came from.
fn is_tracking_param(name: &str) -> bool {
    name.starts_with("utm_")
        || matches!(
            name,
            "fbclid" | "gclid" | "dclid" | "msclkid" | "mc_cid" | "mc_eid" | "ref_src"
        )
}

/// The URL without fragment and tracking parameters (scheme and host are
/// already lower-cased and default ports dropped by the URL parser).
pub(crate) fn normalize(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(name, _)| !is_tracking_param(name))
            .map(|(n, v)| (n.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url
}

/// What makes two URLs the same page: the normalised URL, with a trailing
/// slash on the path not counting (`/blog/` and `/blog`).
fn dedupe_key(url: &Url) -> String {
    let mut key = url.clone();
    let path = key.path();
    if path.len() > 1 && path.ends_with('/') {
        let trimmed = path.trim_end_matches('/').to_owned();
        key.set_path(&trimmed);
    }
    key.to_string()
}

/// False for links to files that are surely not HTML, so they cost no
/// request.
fn looks_like_html(url: &Url) -> bool {
    const NOT_HTML: &[&str] = &[
        "7z", "avi", "bmp", "css", "csv", "doc", "docx", "epub", "exe", "gif", "gz", "ico", "jpeg",
        "jpg", "js", "json", "m4a", "mov", "mp3", "mp4", "ogg", "pdf", "png", "ppt", "pptx", "rar",
        "rss", "svg", "tar", "tgz", "ttf", "wasm", "wav", "webm", "webp", "woff", "woff2", "xls",
        "xlsx", "xml", "zip",
    ];
    let last = url.path().rsplit('/').next().unwrap_or("");
    match last.rsplit_once('.') {
        Some((_, ext)) => !NOT_HTML.contains(&ext.to_ascii_lowercase().as_str()),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("a valid URL")
    }

    #[test]
    fn normalising_drops_fragments_and_tracking() {
        let u = normalize(&url(
            "https://E.com:443/a/?utm_source=x&page=2&fbclid=y#top",
        ));
        assert_eq!(u.as_str(), "https://e.com/a/?page=2");
        let u = normalize(&url("https://e.com/a?utm_medium=m"));
        assert_eq!(u.as_str(), "https://e.com/a");
    }

    #[test]
    fn a_trailing_slash_is_the_same_page() {
        assert_eq!(
            dedupe_key(&url("https://e.com/blog/")),
            dedupe_key(&url("https://e.com/blog"))
        );
        assert_eq!(dedupe_key(&url("https://e.com/")), "https://e.com/");
    }

    #[test]
    fn file_links_are_not_fetched() {
        assert!(!looks_like_html(&url("https://e.com/cv.PDF")));
        assert!(looks_like_html(&url("https://e.com/posts/v1.2-release")));
        assert!(looks_like_html(&url("https://e.com/index.html")));
    }
}
