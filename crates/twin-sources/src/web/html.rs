//! One HTML page to its title, links, canonical URL and clean Markdown.
//!
//! The page is parsed once with html5ever through `htmd` (a turndown-style
//! HTML to Markdown converter, Apache-2.0, actively maintained). `htmd` was
//! chosen over `html2md`, which is GPL-licensed and unmaintained, and over
//! writing a converter on `scraper`, which would add a second copy of
//! html5ever in another version for the same parse; `htmd` hands out its
//! parsed tree, so the same tree is searched for links and cleaned here, and
//! then converted.
//!
//! Cleaning keeps the content a reader came for:
//!
//! * The content root is the first `<main>` (or `role="main"`), else the
//!   page's only `<article>`, else `<body>`.
//! * Dropped everywhere: `nav`, `aside`, `footer`, `form`, `script`,
//!   `style`, `noscript`, `template`, embedded media and widgets, elements
//!   with a navigation, banner, contentinfo, complementary or search role,
//!   and hidden elements (`hidden`, `aria-hidden="true"`, inline
//!   `display: none`).
//! * Elements whose class or id is a common name for furniture (`sidebar`,
//!   `menu`, `breadcrumbs`, `share`, `comments`, `sr-only`...), matched as
//!   whole names, and lists of fifteen or more items that are almost all
//!   link text (menus, tag clouds, language pickers) are dropped. Comments
//!   go because they are other people's words, not the owner's.
//! * `<header>` is dropped when it is the page's banner, but kept inside an
//!   `article`, `main` or `section`, where it holds the post's own title and
//!   date (the rule ARIA uses to give `header` its banner role).
//!
//! html5ever recovers from any input the way browsers do, so no page makes
//! this fail; a page nested deeper than [`MAX_DEPTH`] is refused instead,
//! because walking it would risk the stack.

use std::rc::Rc;

use htmd::HtmlToMarkdown;
use htmd::options::{BulletListMarker, HrStyle, Options};
use markup5ever_rcdom::{Node, NodeData};
use reqwest::Url;

/// Deeper than any real page; html5ever builds arbitrarily deep trees.
pub(crate) const MAX_DEPTH: usize = 512;

/// What the crawler needs from one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HtmlPage {
    pub title: String,
    /// `<link rel="canonical">`, resolved.
    pub canonical: Option<Url>,
    /// `<a href>` and `<area href>` in document order, resolved, except
    /// `rel="nofollow"` ones.
    pub links: Vec<Url>,
    pub markdown: String,
    /// `<meta name="robots" content="noindex">`: do not keep the page.
    pub noindex: bool,
    /// `<meta name="robots" content="nofollow">`: do not follow its links.
    pub nofollow: bool,
}

/// Extracts a page; `None` if it is nested too deeply to walk safely.
pub(crate) fn extract(html: &str, url: &Url) -> Option<HtmlPage> {
    let converter = HtmlToMarkdown::builder()
        .options(Options {
            bullet_list_marker: BulletListMarker::Dash,
            ul_bullet_spacing: 1,
            ol_number_spacing: 1,
            hr_style: HrStyle::Dashes,
            ..Options::default()
        })
        .build();
    let document = converter.html_to_tree(html).ok()?;
    if depth(&document) > MAX_DEPTH {
        return None;
    }

    let mut base = url.clone();
    let mut title = None;
    let mut canonical = None;
    let mut links = Vec::new();
    let mut first_h1 = None;
    let mut main = None;
    let mut articles = Vec::new();
    let mut body = None;
    let mut robots = String::new();

    for node in preorder(&document) {
        let NodeData::Element { name, attrs, .. } = &node.data else {
            continue;
        };
        let attrs = attrs.borrow();
        let attr = |key: &str| {
            attrs
                .iter()
                .find(|a| &*a.name.local == key)
                .map(|a| a.value.to_string())
        };
        match &*name.local {
            "base" => {
                if let Some(href) = attr("href").and_then(|h| url.join(h.trim()).ok()) {
                    base = href;
                }
            }
            "title" if title.is_none() => title = Some(text_of(&node)),
            "h1" if first_h1.is_none() => first_h1 = Some(text_of(&node)),
            "link" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                if canonical.is_none() && rel.split_whitespace().any(|r| r == "canonical") {
                    canonical = attr("href").and_then(|h| base.join(h.trim()).ok());
                }
            }
            "meta" => {
                let name = attr("name").unwrap_or_default().to_ascii_lowercase();
                if name == "robots" || name == super::AGENT_TOKEN.to_ascii_lowercase() {
                    robots.push_str(&attr("content").unwrap_or_default().to_ascii_lowercase());
                    robots.push(',');
                }
            }
            "a" | "area" => {
                let rel = attr("rel").unwrap_or_default().to_ascii_lowercase();
                if rel.split_whitespace().any(|r| r == "nofollow") {
                    continue;
                }
                if let Some(link) = attr("href").and_then(|h| base.join(h.trim()).ok())
                    && matches!(link.scheme(), "http" | "https")
                {
                    links.push(link);
                }
            }
            "main" if main.is_none() => main = Some(Rc::clone(&node)),
            "article" => articles.push(Rc::clone(&node)),
            "body" if body.is_none() => body = Some(Rc::clone(&node)),
            _ => {
                if main.is_none() && attr("role").is_some_and(|r| r.eq_ignore_ascii_case("main")) {
                    main = Some(Rc::clone(&node));
                }
            }
        }
    }

    let root = main
        .or_else(|| (articles.len() == 1).then(|| Rc::clone(&articles[0])))
        .or(body)
        .unwrap_or_else(|| Rc::clone(&document));
    let sectioned = matches!(
        element_name(&root).as_deref(),
        Some("main" | "article" | "section")
    );
    clean(&root, sectioned, &base);
    let markdown = tidy_markdown(&converter.tree_to_markdown(&root));

    let robots: Vec<&str> = robots.split([',', ' ']).map(str::trim).collect();
    let noindex = robots.iter().any(|d| *d == "noindex" || *d == "none");
    let nofollow = robots.iter().any(|d| *d == "nofollow" || *d == "none");

    let title = title
        .filter(|t| !t.is_empty())
        .or(first_h1.filter(|t| !t.is_empty()))
        .unwrap_or_default();
    Some(HtmlPage {
        title,
        canonical,
        links,
        markdown,
        noindex,
        nofollow,
    })
}

fn element_name(node: &Node) -> Option<String> {
    match &node.data {
        NodeData::Element { name, .. } => Some(name.local.to_string()),
        _ => None,
    }
}

/// Every node in document order, without recursion.
fn preorder(root: &Rc<Node>) -> Vec<Rc<Node>> {
    let mut out = Vec::new();
    let mut stack = vec![Rc::clone(root)];
    while let Some(node) = stack.pop() {
        for child in node.children.borrow().iter().rev() {
            stack.push(Rc::clone(child));
        }
        out.push(node);
    }
    out
}

fn depth(root: &Rc<Node>) -> usize {
    let mut max = 0;
    let mut stack = vec![(Rc::clone(root), 0usize)];
    while let Some((node, d)) = stack.pop() {
        max = max.max(d);
        if d > MAX_DEPTH {
            break;
        }
        for child in node.children.borrow().iter() {
            stack.push((Rc::clone(child), d + 1));
        }
    }
    max
}

/// The text content of a node, whitespace collapsed.
fn text_of(node: &Rc<Node>) -> String {
    let mut text = String::new();
    for n in preorder(node) {
        if let NodeData::Text { contents } = &n.data {
            text.push_str(&contents.borrow());
            text.push(' ');
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tags whose content is never part of the text a reader came for.
const DROPPED_TAGS: &[&str] = &[
    "nav", "aside", "footer", "form", "script", "style", "noscript", "template", "iframe",
    "object", "embed", "svg", "canvas", "video", "audio", "picture", "img", "map", "button",
    "select", "input", "textarea", "dialog", "link", "meta",
];

/// ARIA landmark roles of page furniture.
const DROPPED_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
    "dialog",
];

/// Removes boilerplate under `root` and makes link targets absolute, so the
/// snapshot's Markdown links work outside the page. `sectioned` says whether
/// `root` is inside a sectioning element (see the module docs on `header`).
fn clean(root: &Rc<Node>, sectioned: bool, base: &Url) {
    let mut stack = vec![(Rc::clone(root), sectioned)];
    while let Some((node, sectioned)) = stack.pop() {
        node.children
            .borrow_mut()
            .retain(|child| !is_boilerplate(child, sectioned));
        let inner = sectioned
            || matches!(
                element_name(&node).as_deref(),
                Some("article" | "main" | "section")
            );
        for child in node.children.borrow().iter() {
            if let NodeData::Element { name, attrs, .. } = &child.data
                && &*name.local == "a"
            {
                for attr in attrs.borrow_mut().iter_mut() {
                    if &*attr.name.local == "href"
                        && let Ok(url) = base.join(attr.value.trim())
                    {
                        attr.value = url.as_str().into();
                    }
                }
            }
            stack.push((Rc::clone(child), inner));
        }
    }
}

/// Class names and ids that themes give to page furniture. Matched whole
/// (`class="sidebar"`, not `content-sidebar-wrap`, which some themes wrap
/// around the content itself).
const DROPPED_NAMES: &[&str] = &[
    "breadcrumb",
    "breadcrumbs",
    "comments",
    "cookie-banner",
    "cookie-consent",
    "menu",
    "nav",
    "navbar",
    "navigation",
    "pagination",
    "post-navigation",
    "related-posts",
    "screen-reader-text",
    "share",
    "sharing",
    "sidebar",
    "skip-link",
    "social",
    "sr-only",
    "toc",
    "visually-hidden",
];

/// A list with at least this many items that is nearly all link text is a
/// menu, a tag cloud or a language list, not prose.
const LINK_LIST_MIN_ITEMS: usize = 15;

fn is_boilerplate(node: &Rc<Node>, sectioned: bool) -> bool {
    match &node.data {
        NodeData::Element { name, attrs, .. } => {
            let tag = &*name.local;
            if DROPPED_TAGS.contains(&tag) || (tag == "header" && !sectioned) {
                return true;
            }
            let furniture = attrs.borrow().iter().any(|a| {
                let value = a.value.trim().to_ascii_lowercase();
                match &*a.name.local {
                    "hidden" => true,
                    "aria-hidden" => value == "true",
                    "role" => value.split_whitespace().any(|r| DROPPED_ROLES.contains(&r)),
                    "style" => value.replace(' ', "").contains("display:none"),
                    "class" => value.split_whitespace().any(|c| DROPPED_NAMES.contains(&c)),
                    "id" => DROPPED_NAMES.contains(&value.as_str()),
                    _ => false,
                }
            });
            furniture || (matches!(tag, "ul" | "ol") && is_link_list(node))
        }
        NodeData::Comment { .. } | NodeData::ProcessingInstruction { .. } => true,
        _ => false,
    }
}

/// Whether a list is a long run of links: at least [`LINK_LIST_MIN_ITEMS`]
/// items and nine tenths of its text inside links.
fn is_link_list(list: &Rc<Node>) -> bool {
    let mut items = 0;
    let mut text = 0;
    let mut link_text = 0;
    let mut stack = vec![(Rc::clone(list), false)];
    while let Some((node, in_link)) = stack.pop() {
        let in_link = in_link || element_name(&node).as_deref() == Some("a");
        match &node.data {
            NodeData::Text { contents } => {
                let chars = contents
                    .borrow()
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .count();
                text += chars;
                if in_link {
                    link_text += chars;
                }
            }
            NodeData::Element { name, .. } if &*name.local == "li" => items += 1,
            _ => {}
        }
        for child in node.children.borrow().iter() {
            stack.push((Rc::clone(child), in_link));
        }
    }
    items >= LINK_LIST_MIN_ITEMS && link_text * 10 >= text * 9
}

/// Trims trailing spaces and collapses runs of blank lines left by removed
/// elements.
fn tidy_markdown(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = 0;
    for line in markdown.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(html: &str) -> HtmlPage {
        let url = Url::parse("https://example.com/blog/post").expect("a valid URL");
        extract(html, &url).expect("a shallow page")
    }

    #[test]
    fn main_content_without_furniture() {
        let p = page(
            "<html><head><title> My  post </title></head><body>\
             <header><nav><a href='/'>Home</a></nav>Site banner</header>\
             <main><article><header><h1>Post title</h1></header>\
             <p>Real <a href='../about'>content</a>.</p>\
             <div role='navigation'>Prev | Next</div>\
             <footer>Share this</footer></article></main>\
             <footer>Copyright</footer></body></html>",
        );
        assert_eq!(p.title, "My post");
        assert_eq!(
            p.markdown,
            "# Post title\n\nReal [content](https://example.com/about)."
        );
        assert_eq!(p.links[0].as_str(), "https://example.com/");
        assert_eq!(p.links[1].as_str(), "https://example.com/about");
    }

    #[test]
    fn furniture_by_class_and_long_link_lists_are_dropped() {
        let many: String = (0..20)
            .map(|i| format!("<li><a href='/l{i}'>Lang {i}</a></li>"))
            .collect();
        let few: String = (0..3)
            .map(|i| format!("<li><a href='/p{i}'>Project {i}</a></li>"))
            .collect();
        let p = page(&format!(
            "<body><div class='content-sidebar-wrap'><div class='sidebar'>Ads</div>\
             <p>Kept.</p><ul>{many}</ul><ul>{few}</ul>\
             <span class='sr-only'>(opens in a new tab)</span>\
             <section id='comments'>Nice post!</section></div></body>"
        ));
        assert_eq!(
            p.markdown,
            "Kept.\n\n- [Project 0](https://example.com/p0)\n\
             - [Project 1](https://example.com/p1)\n- [Project 2](https://example.com/p2)"
        );
        // Dropped from the text, the links are still followed.
        assert_eq!(p.links.len(), 23);
    }

    #[test]
    fn meta_robots_and_nofollow_links() {
        let p = page(
            "<meta name='robots' content='noindex, nofollow'>\
             <a rel='nofollow' href='/x'>x</a><a href='mailto:a@b.c'>mail</a>",
        );
        assert!(p.noindex && p.nofollow);
        assert!(p.links.is_empty());
    }

    #[test]
    fn a_very_deep_page_is_refused_not_overflowed() {
        let html = "<div>".repeat(5000);
        let url = Url::parse("https://example.com/").expect("a valid URL");
        assert!(extract(&html, &url).is_none());
    }
}
