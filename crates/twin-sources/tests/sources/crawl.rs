use std::time::Duration;

use twin_sources::{Page, SourceError, USER_AGENT_VALUE, Url, crawl, http_client};

use crate::support::{Site, page};

async fn run(source: &twin_sources::WebSource) -> Result<Vec<Page>, SourceError> {
    let client = http_client().unwrap();
    crawl(source, &client, |_| {}).await
}

fn urls(pages: &[Page]) -> Vec<String> {
    pages.iter().map(|p| p.url.clone()).collect()
}

fn path_urls(site: &Site, paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| site.url(p).to_string()).collect()
}

#[tokio::test]
async fn pages_are_crawled_breadth_first_and_returned_sorted() {
    let site = Site::start().await;
    site.html("/", page("Home", "Welcome home.", &["/b", "/a"]))
        .html("/a", page("A", "Page a.", &["/"]))
        .html("/b", page("B", "Page b.", &[]));
    let mut seen = Vec::new();
    let client = http_client().unwrap();
    let pages = crawl(&site.source("/", 2, 50), &client, |url: &Url| {
        seen.push(url.path().to_owned())
    })
    .await
    .unwrap();
    assert_eq!(urls(&pages), path_urls(&site, &["/", "/a", "/b"]));
    assert_eq!(seen, vec!["/", "/b", "/a"]);
    assert_eq!(site.page_hits(), vec!["/", "/b", "/a"]);
    assert_eq!(pages[0].title, "Home");
    assert!(pages[0].markdown.starts_with("# Home\n\nWelcome home."));
    // Every request, robots.txt included, names the crawler.
    assert!(site.hits().iter().all(|h| h.user_agent == USER_AGENT_VALUE));
    assert!(USER_AGENT_VALUE.starts_with("DigitalTwinBot/"));
}

#[tokio::test]
async fn robots_disallow_is_honoured() {
    let site = Site::start().await;
    site.robots("User-agent: *\nDisallow: /\n\nUser-agent: DigitalTwinBot\nDisallow: /private\n")
        .html("/", page("Home", "Home.", &["/private/diary", "/public"]))
        .html("/private/diary", page("Diary", "Secret.", &[]))
        .html("/public", page("Public", "Open.", &[]));
    let pages = run(&site.source("/", 2, 50)).await.unwrap();
    assert_eq!(urls(&pages), path_urls(&site, &["/", "/public"]));
    assert_eq!(site.hits()[0].target, "/robots.txt");
    assert!(!site.page_hits().iter().any(|t| t.starts_with("/private")));
}

#[tokio::test]
async fn a_start_page_disallowed_by_robots_is_an_error() {
    let site = Site::start().await;
    site.robots("User-agent: *\nDisallow: /\n")
        .html("/", page("Home", "Home.", &[]));
    let err = run(&site.source("/", 2, 50)).await.unwrap_err();
    assert!(matches!(err, SourceError::Rejected { .. }), "{err:?}");
    assert!(err.to_string().contains("robots.txt disallows"), "{err}");
    assert!(site.page_hits().is_empty());
}

#[tokio::test]
async fn a_missing_robots_txt_allows_everything() {
    let site = Site::start().await;
    site.html("/", page("Home", "Home.", &[]));
    let pages = run(&site.source("/", 0, 5)).await.unwrap();
    assert_eq!(pages.len(), 1);
}

#[tokio::test]
async fn a_failing_robots_txt_means_crawl_nothing() {
    let site = Site::start().await;
    site.raw("/robots.txt", 503, "text/plain", "down")
        .html("/", page("Home", "Home.", &[]));
    let err = run(&site.source("/", 2, 50)).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(err.to_string().contains("robots.txt"), "{err}");
    assert!(site.page_hits().is_empty());
}

#[tokio::test]
async fn the_depth_limit_is_honoured() {
    let site = Site::start().await;
    site.html("/", page("Zero", "Zero.", &["/one"]))
        .html("/one", page("One", "One.", &["/two"]))
        .html("/two", page("Two", "Two.", &["/three"]))
        .html("/three", page("Three", "Three.", &[]));
    let pages = run(&site.source("/", 2, 50)).await.unwrap();
    assert_eq!(urls(&pages), path_urls(&site, &["/", "/one", "/two"]));
    assert_eq!(site.page_hits(), vec!["/", "/one", "/two"]);

    let site = Site::start().await;
    site.html("/", page("Zero", "Zero.", &["/one"]));
    let pages = run(&site.source("/", 0, 50)).await.unwrap();
    assert_eq!(pages.len(), 1);
    assert_eq!(site.page_hits(), vec!["/"]);
}

#[tokio::test]
async fn the_page_limit_is_honoured() {
    let site = Site::start().await;
    let links: Vec<String> = (0..10).map(|i| format!("/p{i}")).collect();
    let link_refs: Vec<&str> = links.iter().map(String::as_str).collect();
    site.html("/", page("Home", "Home.", &link_refs));
    for link in &links {
        site.html(link, page(link, "A page.", &[]));
    }
    let pages = run(&site.source("/", 2, 3)).await.unwrap();
    assert_eq!(urls(&pages), path_urls(&site, &["/", "/p0", "/p1"]));
    assert_eq!(site.page_hits().len(), 3);
}

#[tokio::test]
async fn off_origin_links_and_redirects_are_not_followed() {
    let site = Site::start().await;
    let other = Site::start().await;
    other.html("/", page("Other", "Elsewhere.", &[]));
    let port = site.base.port().unwrap();
    let other_url = other.url("/").to_string();
    let same_port_other_host = format!("http://localhost:{port}/x");
    site.html(
        "/",
        page(
            "Home",
            "Home.",
            &[
                &other_url,
                &same_port_other_host,
                "/go",
                "https://example.com/",
            ],
        ),
    )
    .redirect("/go", &other_url)
    .html("/x", page("X", "X.", &[]));
    let pages = run(&site.source("/", 2, 50)).await.unwrap();
    assert_eq!(urls(&pages), path_urls(&site, &["/"]));
    assert!(other.hits().is_empty(), "{:?}", other.hits());
    assert_eq!(site.page_hits(), vec!["/", "/go"]);
}

#[tokio::test]
async fn same_origin_redirects_are_followed_and_deduplicated() {
    let site = Site::start().await;
    site.html("/", page("Home", "Home.", &["/old", "/new"]))
        .redirect("/old", "/new")
        .html("/new", page("New", "New.", &[]));
    let pages = run(&site.source("/", 2, 50)).await.unwrap();
    assert_eq!(urls(&pages), path_urls(&site, &["/", "/new"]));
    // "/new" was reached through the redirect first and not fetched again.
    assert_eq!(site.page_hits(), vec!["/", "/old", "/new"]);
}

#[tokio::test]
async fn canonical_urls_fragments_and_trailing_slashes_deduplicate() {
    let site = Site::start().await;
    let canonical = |title: &str, href: &str| {
        format!(
            "<html><head><title>{title}</title><link rel=\"canonical\" href=\"{href}\"></head>\
             <body><p>The same article.</p></body></html>"
        )
    };
    site.html(
        "/",
        page(
            "Home",
            "Home.",
            &[
                "/post?from=feed",
                "/post?utm_source=x",
                "/post#comments",
                "/print/post",
                "/about/",
                "/about",
            ],
        ),
    )
    .html("/post?from=feed", canonical("Post", "/post"))
    .html("/print/post", canonical("Post (print)", "/post"))
    .html("/about/", page("About", "About me.", &[]))
    .html("/about", page("About", "About me.", &[]));
    let pages = run(&site.source("/", 2, 50)).await.unwrap();
    assert_eq!(urls(&pages), path_urls(&site, &["/", "/about/", "/post"]));
    // "/post" itself is never fetched: a page already kept under it. The
    // print version could not be known as a duplicate before its fetch.
    assert_eq!(
        site.page_hits(),
        vec!["/", "/post?from=feed", "/print/post", "/about/"]
    );
}

#[tokio::test]
async fn boilerplate_is_dropped_and_main_content_kept() {
    let site = Site::start().await;
    site.html(
        "/",
        "<!doctype html><html><head><title>Jane's blog</title>\
         <style>body { color: red }</style><script>var tracking = 1;</script></head>\
         <body><header><a href='/'>Jane Doe</a><nav><a href='/posts'>Posts</a></nav></header>\
         <aside>Subscribe to my newsletter</aside>\
         <main><h1>On cancellation</h1><p>Dropping a future <em>cancels</em> it.</p>\
         <form><input name='q'><button>Search</button></form>\
         <pre><code>drop(fut);</code></pre></main>\
         <footer>Copyright 2025</footer><noscript>Enable JS</noscript></body></html>",
    )
    .html("/posts", page("Posts", "All posts.", &[]));
    let pages = run(&site.source("/", 1, 50)).await.unwrap();
    let home = &pages[0];
    assert_eq!(home.title, "Jane's blog");
    assert_eq!(
        home.markdown,
        "# On cancellation\n\nDropping a future *cancels* it.\n\n```\ndrop(fut);\n```"
    );
    // Links in the navigation are still followed.
    assert_eq!(pages.len(), 2);
}

#[tokio::test]
async fn only_html_is_kept_and_bad_pages_are_skipped() {
    let site = Site::start().await;
    site.html(
        "/",
        page(
            "Home",
            "Home.",
            &["/data", "/cv.pdf", "/missing", "/broken", "/huge", "/empty", "/secret"],
        ),
    )
    .raw("/data", 200, "application/json", "{\"a\": 1}")
    .raw("/cv.pdf", 200, "application/pdf", "%PDF")
    .html("/broken", "<html><body><p>Unclosed <b><i>tags <div></table>& stray \u{fffd} bytes")
    .html("/huge", format!("<p>{}</p>", "x".repeat(6 * 1024 * 1024)))
    .html("/empty", "<html><body><nav>Only navigation</nav></body></html>")
    .html(
        "/secret",
        "<html><head><meta name='robots' content='noindex'></head><body><p>Hidden.</p></body></html>",
    );
    let pages = run(&site.source("/", 1, 50)).await.unwrap();
    assert_eq!(urls(&pages), path_urls(&site, &["/", "/broken"]));
    assert!(pages[1].markdown.contains("Unclosed"));
    // The PDF link was never requested.
    assert!(!site.page_hits().contains(&"/cv.pdf".to_owned()));
}

#[tokio::test]
async fn a_failing_start_page_fails_the_crawl() {
    let site = Site::start().await;
    let err = run(&site.source("/nothing", 2, 50)).await.unwrap_err();
    assert!(matches!(err, SourceError::Rejected { .. }), "{err:?}");
    assert!(!err.is_transient());
    assert!(err.to_string().contains("/nothing"), "{err}");
    assert!(err.to_string().contains("404"), "{err}");

    site.raw("/down", 502, "text/html", "bad gateway");
    let err = run(&site.source("/down", 2, 50)).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
}

#[tokio::test]
async fn requests_are_spaced_by_the_delay() {
    let site = Site::start().await;
    site.html("/", page("Home", "Home.", &["/a", "/b", "/c"]));
    for path in ["/a", "/b", "/c"] {
        site.html(path, page(path, "Page.", &[]));
    }
    let mut source = site.source("/", 1, 50);
    source.delay = Duration::from_millis(50);
    run(&source).await.unwrap();
    let hits = site.hits();
    assert_eq!(hits.len(), 5, "robots.txt and four pages");
    for pair in hits.windows(2) {
        // Measured where the requests arrive, so loopback jitter can shave
        // a little off a gap the client kept at 50 ms.
        let gap = pair[1].at - pair[0].at;
        assert!(gap >= Duration::from_millis(45), "{gap:?} between {pair:?}");
    }
}

#[tokio::test]
async fn a_longer_crawl_delay_in_robots_wins() {
    let site = Site::start().await;
    site.robots("User-agent: *\nCrawl-delay: 0.12\n")
        .html("/", page("Home", "Home.", &["/a"]))
        .html("/a", page("A", "A.", &[]));
    let mut source = site.source("/", 1, 50);
    source.delay = Duration::from_millis(10);
    run(&source).await.unwrap();
    let hits = site.hits();
    assert_eq!(hits.len(), 3);
    let gap = hits[2].at - hits[1].at;
    assert!(gap >= Duration::from_millis(115), "{gap:?}");
}

#[test]
fn crawl_and_ingest_can_run_on_any_tokio_worker() {
    fn assert_send<T: Send>(_: T) {}
    let client = http_client().unwrap();
    let source = twin_sources::WebSource {
        url: "http://127.0.0.1:9/".parse().unwrap(),
        max_depth: 0,
        max_pages: 1,
        delay: Duration::ZERO,
        snapshot: "s.jsonl".into(),
    };
    assert_send(crawl(&source, &client, |_| {}));
    let config = twin_sources::Config::default();
    assert_send(twin_sources::ingest(
        &config,
        std::path::Path::new("."),
        &client,
        |_, _| {},
    ));
}
