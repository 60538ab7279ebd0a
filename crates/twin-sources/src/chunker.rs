//! Packing a document's sections into chunks of a readable size.
//!
//! Every reader (Markdown, plain text, PDF, web pages) turns its input into
//! [`DocSection`]s: a heading path and the blocks (paragraphs, list items,
//! code blocks, tables) under it. This module decides where chunks begin and
//! end, so that all kinds of source are cut the same way:
//!
//! * A chunk aims at [`MIN_WORDS`]..=[`MAX_WORDS`] words. A section longer
//!   than the maximum is split at block boundaries into pieces of similar
//!   size, never in the middle of a paragraph unless that one paragraph is
//!   itself too long (then at sentence boundaries).
//! * A section shorter than the minimum is merged with its neighbours under
//!   the same heading (siblings, or its own subsections) while the result
//!   stays under the maximum. The merged chunk's heading is the deepest
//!   heading the sections share, and each merged section's own heading stays
//!   in the text as a line of its own, so nothing is quoted without its
//!   context.
//!
//! Chunk text is the document's own words: nothing is prefixed, blocks are
//! separated by blank lines (list items of one list by a line break), which is
//! also where the composer's sentence splitter ends a sentence.

use std::collections::BTreeMap;

use twin_core::{Chunk, Section};

/// A section longer than this many words is split.
pub const MAX_WORDS: usize = 250;
/// A section shorter than this many words is merged with its neighbours.
pub const MIN_WORDS: usize = 80;

/// Where a document came from, copied into every chunk's metadata.
#[derive(Debug, Clone)]
pub(crate) struct DocInfo<'a> {
    /// `source` metadata: a path relative to the base directory, or a URL.
    pub source: &'a str,
    /// `kind` metadata: `markdown`, `text`, `pdf` or `web`.
    pub kind: &'a str,
    /// The chunk title when a chunk has no heading of its own.
    pub title: &'a str,
    /// `page` metadata, for PDFs.
    pub page: Option<u32>,
}

/// How a block is joined to the block before it when both land in one chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Join {
    /// A new paragraph: a blank line.
    Paragraph,
    /// The next item of the same list, or the next line of a split block.
    Line,
    /// The rest of a paragraph that was split at a sentence.
    Space,
}

impl Join {
    fn separator(self) -> &'static str {
        match self {
            Join::Paragraph => "\n\n",
            Join::Line => "\n",
            Join::Space => " ",
        }
    }
}

/// One paragraph-like unit of text, never split unless it alone is too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Block {
    pub text: String,
    pub join: Join,
}

impl Block {
    pub fn paragraph(text: impl Into<String>) -> Block {
        Block {
            text: text.into(),
            join: Join::Paragraph,
        }
    }

    fn words(&self) -> usize {
        word_count(&self.text)
    }
}

/// The blocks under one heading path, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct DocSection {
    /// Heading texts from the outermost in, e.g. `["Talks", "RustConf 2025"]`;
    /// empty before the first heading.
    pub path: Vec<String>,
    pub blocks: Vec<Block>,
}

impl DocSection {
    fn words(&self) -> usize {
        self.blocks.iter().map(Block::words).sum()
    }
}

pub(crate) fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Cuts a document's sections into chunks (see the module docs).
pub(crate) fn chunk_sections(doc: &DocInfo<'_>, sections: Vec<DocSection>) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    for group in group_sections(sections) {
        let heading = common_prefix(group.iter().map(|s| s.path.as_slice()));
        let mut blocks = Vec::new();
        for section in group {
            if section.path.len() > heading.len() {
                blocks.push(Block::paragraph(section.path[heading.len()..].join(" > ")));
            }
            blocks.extend(section.blocks);
        }
        for piece in pack(blocks) {
            chunks.push(make_chunk(doc, &heading, &piece));
        }
    }
    chunks
}

fn make_chunk(doc: &DocInfo<'_>, heading: &[String], blocks: &[Block]) -> Chunk {
    let mut text = String::new();
    for (i, block) in blocks.iter().enumerate() {
        if i > 0 {
            text.push_str(block.join.separator());
        }
        text.push_str(&block.text);
    }
    let title = heading
        .last()
        .cloned()
        .unwrap_or_else(|| doc.title.to_owned());
    let mut metadata = BTreeMap::new();
    metadata.insert("source".to_owned(), doc.source.to_owned());
    metadata.insert("kind".to_owned(), doc.kind.to_owned());
    if !heading.is_empty() {
        metadata.insert("heading".to_owned(), heading.join(" > "));
    }
    if let Some(page) = doc.page {
        metadata.insert("page".to_owned(), page.to_string());
    }
    Chunk::new(Section::Document, title, text, metadata)
}

/// Groups consecutive sections that are small enough to share a chunk.
///
/// "Under the same heading" means: a group takes the sections that follow
/// its first one while they stay under that section's parent heading, i.e.
/// its siblings and their subsections. A subsection therefore never merges
/// with the next chapter of a higher level.
fn group_sections(sections: Vec<DocSection>) -> Vec<Vec<DocSection>> {
    struct Group {
        parent_len: usize,
        words: usize,
        sections: Vec<DocSection>,
    }
    let mut groups: Vec<Group> = Vec::new();
    for section in sections.into_iter().filter(|s| !s.blocks.is_empty()) {
        let words = section.words();
        if let Some(group) = groups.last_mut() {
            let first = &group.sections[0].path;
            let related = common_len(first, &section.path) >= group.parent_len;
            let small = group.words < MIN_WORDS || words < MIN_WORDS;
            if related && small && group.words + words <= MAX_WORDS {
                group.words += words;
                group.sections.push(section);
                continue;
            }
        }
        groups.push(Group {
            parent_len: section.path.len().saturating_sub(1),
            words,
            sections: vec![section],
        });
    }
    groups.into_iter().map(|g| g.sections).collect()
}

fn common_len(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

fn common_prefix<'a>(mut paths: impl Iterator<Item = &'a [String]>) -> Vec<String> {
    let Some(first) = paths.next() else {
        return Vec::new();
    };
    let mut len = first.len();
    for path in paths {
        len = len.min(common_len(&first[..len], path));
    }
    first[..len].to_vec()
}

/// Splits blocks into as few chunks of at most [`MAX_WORDS`] words as
/// possible, and among those splits the most even one (least sum of squared
/// chunk sizes), so a 490-word section becomes 210 + 140 + 140 words rather
/// than 210 + 210 + 70. Sections hold at most a few hundred blocks, and a
/// chunk at most `MAX_WORDS` of them, so the quadratic search is cheap.
fn pack(blocks: Vec<Block>) -> Vec<Vec<Block>> {
    let blocks: Vec<Block> = blocks.into_iter().flat_map(split_block).collect();
    let sizes: Vec<usize> = blocks.iter().map(Block::words).collect();
    let n = sizes.len();
    // best[j]: (chunks, sum of squares, start of the last chunk) for the
    // first j blocks.
    let mut best: Vec<Option<(usize, usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0, 0));
    for j in 1..=n {
        let mut words = 0;
        for i in (0..j).rev() {
            words += sizes[i];
            // A block alone may exceed the limit only if it could not be
            // split (it never does after `split_block`, but stay total).
            if words > MAX_WORDS && i + 1 < j {
                break;
            }
            if let Some((chunks, squares, _)) = best[i] {
                let candidate = (chunks + 1, squares + words * words, i);
                if best[j].is_none_or(|b| (candidate.0, candidate.1) < (b.0, b.1)) {
                    best[j] = Some(candidate);
                }
            }
        }
    }
    let mut starts = Vec::new();
    let mut j = n;
    while j > 0 {
        let Some((_, _, i)) = best[j] else { break };
        starts.push(i);
        j = i;
    }
    starts.reverse();
    let mut out: Vec<Vec<Block>> = Vec::new();
    let mut blocks = blocks.into_iter();
    for (k, start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(n);
        out.push(blocks.by_ref().take(end - start).collect());
    }
    out
}

/// Splits one block that is longer than [`MAX_WORDS`]: at line breaks if it
/// has several lines (a list with sub-items, a table, code), otherwise at
/// sentence ends, into pieces of similar size.
fn split_block(block: Block) -> Vec<Block> {
    let words = block.words();
    if words <= MAX_WORDS {
        return vec![block];
    }
    let parts = words.div_ceil(MAX_WORDS);
    let target = words.div_ceil(parts);

    if let Some((opening, closing, body)) = fenced_code(&block.text) {
        let pieces = gather(body.lines().map(str::to_owned).collect(), target, "\n");
        return pieces
            .into_iter()
            .enumerate()
            .map(|(i, piece)| Block {
                text: format!("{opening}\n{piece}\n{closing}"),
                join: if i == 0 { block.join } else { Join::Line },
            })
            .collect();
    }

    let lines: Vec<&str> = block
        .text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let (units, separator, join) = if lines.len() > 1 {
        (
            lines.into_iter().map(str::to_owned).collect(),
            "\n",
            Join::Line,
        )
    } else {
        let mut units = Vec::new();
        for sentence in twin_core::text::sentences(&block.text) {
            units.extend(split_words(sentence, MAX_WORDS));
        }
        (units, " ", Join::Space)
    };
    gather(units, target, separator)
        .into_iter()
        .enumerate()
        .map(|(i, text)| Block {
            text,
            join: if i == 0 { block.join } else { join },
        })
        .collect()
}

/// `Some((opening line, closing fence, body))` for a fenced code block.
fn fenced_code(text: &str) -> Option<(&str, &str, &str)> {
    let (opening, rest) = text.split_once('\n')?;
    let ticks = opening.len() - opening.trim_start_matches('`').len();
    if ticks < 3 {
        return None;
    }
    let closing = &opening[..ticks];
    let body = rest.strip_suffix(closing)?.trim_end_matches('\n');
    Some((opening, closing, body))
}

/// Joins units into pieces of about `target` words (a unit is never split).
fn gather(units: Vec<String>, target: usize, separator: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut words = 0;
    for unit in units {
        let unit_words = word_count(&unit);
        if !current.is_empty() && (words >= target || words + unit_words > MAX_WORDS) {
            pieces.push(std::mem::take(&mut current));
            words = 0;
        }
        if !current.is_empty() {
            current.push_str(separator);
        }
        current.push_str(&unit);
        words += unit_words;
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// Cuts a run of text without sentence ends into pieces of at most `max`
/// words: the last resort for text such as a PDF page with no punctuation.
fn split_words(text: &str, max: usize) -> Vec<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= max {
        return vec![text.to_owned()];
    }
    words.chunks(max).map(|w| w.join(" ")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize, word: &str) -> String {
        vec![word; n].join(" ")
    }

    fn section(path: &[&str], paragraphs: &[String]) -> DocSection {
        DocSection {
            path: path.iter().map(|s| (*s).to_owned()).collect(),
            blocks: paragraphs.iter().map(Block::paragraph).collect(),
        }
    }

    #[test]
    fn a_long_section_splits_into_balanced_pieces() {
        let paragraphs: Vec<String> = (0..6).map(|_| words(60, "alpha")).collect();
        let groups = group_sections(vec![section(&["A"], &paragraphs)]);
        assert_eq!(groups.len(), 1);
        let pieces = pack(
            groups
                .into_iter()
                .flatten()
                .flat_map(|s| s.blocks)
                .collect(),
        );
        let sizes: Vec<usize> = pieces
            .iter()
            .map(|p| p.iter().map(Block::words).sum())
            .collect();
        assert_eq!(sizes, vec![180, 180]);
    }

    #[test]
    fn an_overlong_paragraph_splits_at_sentences() {
        let sentence = format!("Some {}.", words(28, "word"));
        let paragraph = vec![sentence; 20].join(" ");
        let pieces = split_block(Block::paragraph(paragraph));
        assert_eq!(pieces.len(), 3);
        for piece in &pieces {
            assert!(piece.words() <= MAX_WORDS);
            assert!(piece.text.ends_with('.'));
        }
        assert_eq!(pieces[1].join, Join::Space);
    }

    #[test]
    fn a_paragraph_without_sentences_still_splits() {
        let pieces = split_block(Block::paragraph(words(600, "x")));
        assert!(pieces.iter().all(|p| p.words() <= MAX_WORDS));
        assert_eq!(pieces.iter().map(Block::words).sum::<usize>(), 600);
    }

    #[test]
    fn long_code_is_split_at_lines_and_stays_fenced() {
        let body: Vec<String> = (0..100).map(|i| format!("let x{i} = a + b;")).collect();
        let code = format!("```rust\n{}\n```", body.join("\n"));
        let pieces = split_block(Block::paragraph(code));
        assert!(pieces.len() >= 2);
        for piece in &pieces {
            assert!(piece.text.starts_with("```rust\n"));
            assert!(piece.text.ends_with("\n```"));
        }
    }

    fn group_paths(sections: Vec<DocSection>) -> Vec<Vec<String>> {
        group_sections(sections)
            .iter()
            .map(|g| g.iter().map(|s| s.path.join("/")).collect())
            .collect()
    }

    #[test]
    fn small_siblings_and_subsections_merge() {
        let small = vec![words(20, "w")];
        let paths = group_paths(vec![
            section(&["T", "A"], &small),
            section(&["T", "B"], &small),
            section(&["T", "B", "x"], &small),
            section(&["U"], &small),
        ]);
        assert_eq!(paths, vec![vec!["T/A", "T/B", "T/B/x"], vec!["U"]]);
    }

    #[test]
    fn a_subsection_does_not_merge_with_the_next_chapter() {
        let small = vec![words(20, "w")];
        let paths = group_paths(vec![
            section(&["T", "A", "x"], &small),
            section(&["T", "B"], &small),
        ]);
        assert_eq!(paths, vec![vec!["T/A/x"], vec!["T/B"]]);
    }

    #[test]
    fn sections_that_are_both_large_enough_stay_apart() {
        let paths = group_paths(vec![
            section(&["A"], &[words(90, "a")]),
            section(&["B"], &[words(90, "b")]),
        ]);
        assert_eq!(paths, vec![vec!["A"], vec!["B"]]);
    }

    #[test]
    fn merged_sections_keep_their_headings_as_lines() {
        let doc = DocInfo {
            source: "notes/a.md",
            kind: "markdown",
            title: "A",
            page: None,
        };
        let chunks = chunk_sections(
            &doc,
            vec![
                section(&["Talks"], &["I speak at conferences.".to_owned()]),
                section(&["Talks", "RustConf"], &["About async.".to_owned()]),
            ],
        );
        assert_eq!(chunks.len(), 1);
        assert_eq!(
            chunks[0].text,
            "I speak at conferences.\n\nRustConf\n\nAbout async."
        );
        assert_eq!(chunks[0].title, "Talks");
        assert_eq!(chunks[0].metadata["heading"], "Talks");
    }
}
