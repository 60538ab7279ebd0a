//! Markdown and plain text to sections.
//!
//! Markdown is parsed with `pulldown-cmark` (CommonMark, plus tables,
//! footnotes, strikethrough, task lists and front matter). Headings build
//! the heading path; paragraphs, list items, tables and code blocks become
//! blocks. The text is what a reader sees, not the markup: emphasis markers
//! and link targets are dropped (a link reads as its text), images and raw
//! HTML are dropped, front matter (YAML `---` or TOML `+++`) is skipped, and
//! code blocks are kept verbatim inside their fences so that code never
//! reads as prose. Each item of a top-level list is its own block, so a long
//! list splits between items, never inside one.
//!
//! Plain text has no headings: paragraphs are separated by blank lines, and
//! the lines of a hard-wrapped paragraph are joined with spaces unless a
//! line starts like a list item.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::chunker::{Block, DocSection, Join};

/// A parsed Markdown document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MarkdownDoc {
    /// The text of the first level-1 heading, if any.
    pub h1: Option<String>,
    pub sections: Vec<DocSection>,
}

/// Parses Markdown into sections under their heading paths.
pub(crate) fn parse_markdown(source: &str) -> MarkdownDoc {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut state = State::default();
    for event in Parser::new_ext(source, options) {
        state.event(event);
    }
    state.flush();
    MarkdownDoc {
        h1: state.h1,
        sections: state.sections,
    }
}

#[derive(Debug, Default)]
struct State {
    h1: Option<String>,
    sections: Vec<DocSection>,
    /// The open headings: level and text.
    headings: Vec<(HeadingLevel, String)>,
    /// The text of the heading being read, while inside one.
    heading: Option<String>,
    /// The text of the block being built.
    buf: String,
    /// How the block being built joins the previous one.
    join: Option<Join>,
    /// For each open list, the next item number (`None` for bullets).
    lists: Vec<Option<u64>>,
    /// Whether the current block has just received a list marker, so its
    /// first paragraph goes on the marker's line.
    after_marker: bool,
    /// Depth of skipped content (images, front matter).
    skip: usize,
    table_cell: usize,
    /// The language and text of the code block being read.
    code: Option<(String, String)>,
}

impl State {
    fn event(&mut self, event: Event<'_>) {
        if self.skip > 0 {
            match event {
                Event::Start(Tag::Image { .. } | Tag::MetadataBlock(_)) => self.skip += 1,
                Event::End(TagEnd::Image | TagEnd::MetadataBlock(_)) => self.skip -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Code(text) => self.text(&text),
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.text("\n"),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::Rule => self.flush(),
            // Raw HTML is markup, not prose; footnote references are markers.
            Event::Html(_) | Event::InlineHtml(_) | Event::FootnoteReference(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { .. } => {
                self.flush();
                self.heading = Some(String::new());
            }
            Tag::Paragraph => {
                if self.lists.is_empty() {
                    self.flush();
                } else if !self.after_marker && !self.buf.is_empty() {
                    self.buf.push('\n');
                    self.indent();
                }
                self.after_marker = false;
            }
            Tag::CodeBlock(kind) => {
                if self.lists.is_empty() {
                    self.flush();
                } else if !self.buf.is_empty() {
                    self.buf.push('\n');
                }
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',')
                        .next()
                        .unwrap_or("")
                        .to_owned(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
                self.after_marker = false;
            }
            Tag::List(start) => {
                if self.lists.is_empty() {
                    self.flush();
                }
                self.lists.push(start);
            }
            Tag::Item => {
                if self.lists.len() == 1 {
                    // Each top-level item is a block of its own; the items
                    // of one list join with a line break.
                    let continues = !self.buf.is_empty() || self.join == Some(Join::Line);
                    self.flush();
                    self.join = Some(if continues {
                        Join::Line
                    } else {
                        Join::Paragraph
                    });
                } else {
                    if !self.buf.is_empty() {
                        self.buf.push('\n');
                    }
                    self.indent();
                }
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let marker = format!("{n}. ");
                        *n += 1;
                        marker
                    }
                    _ => "- ".to_owned(),
                };
                self.buf.push_str(&marker);
                self.after_marker = true;
            }
            Tag::Table(_) => self.flush(),
            Tag::TableHead | Tag::TableRow => {
                if !self.buf.is_empty() {
                    self.buf.push('\n');
                }
                self.table_cell = 0;
            }
            Tag::TableCell => {
                if self.table_cell > 0 {
                    self.buf.push_str(" | ");
                }
                self.table_cell += 1;
            }
            Tag::Image { .. } | Tag::MetadataBlock(_) => self.skip += 1,
            Tag::BlockQuote(_)
            | Tag::HtmlBlock
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. } => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(level) => {
                let text = collapse_spaces(&self.heading.take().unwrap_or_default());
                if text.is_empty() {
                    return;
                }
                if level == HeadingLevel::H1 && self.h1.is_none() {
                    self.h1 = Some(text.clone());
                }
                while self.headings.last().is_some_and(|(l, _)| *l >= level) {
                    self.headings.pop();
                }
                self.headings.push((level, text));
                self.sections.push(DocSection {
                    path: self.headings.iter().map(|(_, t)| t.clone()).collect(),
                    blocks: Vec::new(),
                });
            }
            TagEnd::Paragraph if self.lists.is_empty() => self.flush(),
            TagEnd::CodeBlock => {
                let (lang, body) = self.code.take().unwrap_or_default();
                // The fence is longer than any run of backticks in the code,
                // so code that shows a fence cannot close this one.
                let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
                let fence = "`".repeat(longest.max(2) + 1);
                self.buf.push_str(&fence);
                self.buf.push_str(&lang);
                self.buf.push('\n');
                self.buf.push_str(body.trim_end_matches('\n'));
                self.buf.push('\n');
                self.buf.push_str(&fence);
                if self.lists.is_empty() {
                    self.flush();
                }
            }
            TagEnd::List(_) => {
                self.lists.pop();
                if self.lists.is_empty() {
                    self.flush();
                    self.join = None;
                }
            }
            TagEnd::Table => self.flush(),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if let Some((_, body)) = &mut self.code {
            body.push_str(text);
        } else if let Some(heading) = &mut self.heading {
            heading.push_str(text);
        } else {
            self.after_marker = false;
            self.buf.push_str(text);
        }
    }

    fn indent(&mut self) {
        for _ in 1..self.lists.len() {
            self.buf.push_str("  ");
        }
    }

    /// Ends the block being built and files it under the current heading.
    fn flush(&mut self) {
        let raw = std::mem::take(&mut self.buf);
        let join = self.join.take().unwrap_or(Join::Paragraph);
        let text = if raw.starts_with("```") || raw.contains("\n```") {
            // Code keeps its lines and spacing.
            raw.trim_matches('\n').to_owned()
        } else {
            raw.lines()
                .map(collapse_spaces)
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n")
        };
        if text.is_empty() || is_marker_only(&text) {
            return;
        }
        if self.sections.is_empty() {
            self.sections.push(DocSection::default());
        }
        if let Some(section) = self.sections.last_mut() {
            section.blocks.push(Block { text, join });
        }
    }
}

/// A list item with nothing but its marker ("- ", "3. ").
fn is_marker_only(text: &str) -> bool {
    let t = text.trim();
    t == "-" || (t.ends_with('.') && t[..t.len() - 1].chars().all(|c| c.is_ascii_digit()))
}

/// Trims and collapses runs of spaces and tabs, keeping leading indentation
/// of list continuation lines.
fn collapse_spaces(line: &str) -> String {
    let indent_len = line.len() - line.trim_start_matches(' ').len();
    let mut out = String::with_capacity(line.len());
    out.push_str(&line[..indent_len]);
    let mut last_space = false;
    for c in line[indent_len..].trim_end().chars() {
        let space = c == ' ' || c == '\t' || c == '\u{a0}';
        if space {
            if !last_space {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
        last_space = space;
    }
    if out.trim().is_empty() {
        String::new()
    } else {
        out
    }
}

/// Splits plain text into one headless section of paragraphs.
pub(crate) fn parse_text(source: &str) -> Vec<DocSection> {
    let mut blocks = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in source.lines().chain(std::iter::once("")) {
        if line.trim().is_empty() {
            if !lines.is_empty() {
                blocks.push(Block::paragraph(join_wrapped(&lines)));
                lines.clear();
            }
        } else {
            lines.push(line);
        }
    }
    if blocks.is_empty() {
        Vec::new()
    } else {
        vec![DocSection {
            path: Vec::new(),
            blocks,
        }]
    }
}

/// Joins the lines of one paragraph: a hard-wrapped line continues the
/// previous one, a line that starts like a list item starts a new line.
pub(crate) fn join_wrapped(lines: &[&str]) -> String {
    let mut out = String::new();
    for line in lines {
        let line = collapse_spaces(line.trim());
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(if starts_like_item(&line) { '\n' } else { ' ' });
        }
        out.push_str(&line);
    }
    out
}

fn starts_like_item(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("• ") {
        return true;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && digits < 4 && line[digits..].starts_with(['.', ')'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(doc: &MarkdownDoc) -> Vec<(String, String)> {
        doc.sections
            .iter()
            .flat_map(|s| {
                s.blocks
                    .iter()
                    .map(move |b| (s.path.join(" > "), b.text.clone()))
            })
            .collect()
    }

    #[test]
    fn markup_reads_as_text() {
        let doc = parse_markdown(
            "Some *emphasis*, a [link](https://x.dev) and `code`.\n\
             Wrapped line ![logo](logo.png) here.",
        );
        assert_eq!(
            blocks(&doc),
            vec![(
                String::new(),
                "Some emphasis, a link and code. Wrapped line here.".to_owned()
            )]
        );
    }

    #[test]
    fn lists_keep_items_and_nesting() {
        let doc = parse_markdown("# L\n\n- one\n- two\n  - nested\n\n1. first\n2. second\n");
        let texts: Vec<String> = doc.sections[0]
            .blocks
            .iter()
            .map(|b| format!("{:?}:{}", b.join, b.text))
            .collect();
        assert_eq!(
            texts,
            vec![
                "Paragraph:- one",
                "Line:- two\n  - nested",
                "Paragraph:1. first",
                "Line:2. second",
            ]
        );
    }

    #[test]
    fn tables_become_rows() {
        let doc = parse_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(blocks(&doc)[0].1, "a | b\n1 | 2");
    }

    #[test]
    fn a_fence_in_code_gets_a_longer_fence() {
        let doc = parse_markdown("````md\n```rust\nfn f() {}\n```\n````\n");
        assert_eq!(blocks(&doc)[0].1, "````md\n```rust\nfn f() {}\n```\n````");
    }

    #[test]
    fn code_in_a_list_item_stays_with_it() {
        let doc = parse_markdown("- run:\n\n  ```sh\n  cargo test\n  ```\n");
        assert_eq!(blocks(&doc)[0].1, "- run:\n```sh\ncargo test\n```");
    }

    #[test]
    fn plain_text_joins_wrapped_lines_but_keeps_list_lines() {
        let sections = parse_text("One line\nwrapped here.\n\n- a\n- b\n\n\n");
        let texts: Vec<&str> = sections[0].blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, vec!["One line wrapped here.", "- a\n- b"]);
    }
}
