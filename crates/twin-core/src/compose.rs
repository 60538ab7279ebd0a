//! The offline answerer: a first-person answer assembled from the most
//! relevant sentences of the retrieved chunks.
//!
//! It never writes a fact of its own. Every sentence it emits is quoted from a
//! chunk (chunks are written in the first person by [`crate::chunk`]), and
//! every quoted run ends with the `[n]` marker of the chunk it came from. The
//! only text it composes itself is the refusal, which names no facts beyond
//! the owner's contact address.
//!
//! It is the default answerer when no LLM is configured and the fallback
//! when the LLM fails, so it must be fast and total: no input makes it fail.
//!
//! It also judges, for the twin and whatever model answers, whether the
//! retrieved chunks state the one detail a question asks for (a count, a sum,
//! who did something): see the `asked` module.

use std::collections::{HashMap, HashSet};
use std::future::{self, Future};
use std::sync::Arc;

use futures_util::stream;

use crate::chunk::{Chunk, ChunkId, Section, chunk_profile};
use crate::model::{AnswerRequest, ChatModel, ModelError, TokenStream};
use crate::profile::Profile;
use crate::retrieval::Hit;
use crate::text;

mod asked;

use asked::{Holds, wants};

/// How many retrieved chunks the composer reads.
const MAX_CHUNKS: usize = 4;
/// How many sentences an answer quotes at most.
const MAX_SENTENCES: usize = 4;
/// Answers stop growing once they pass this many characters.
const SOFT_MAX_CHARS: usize = 650;
/// A top chunk that is *about* the question is quoted whole up to this size
/// (a STAR achievement reads best complete: situation, action and result).
const WHOLE_CHUNK_MAX_CHARS: usize = 900;
/// Share of the question's content terms a chunk's title must carry for the
/// chunk to count as being about the question.
const TITLE_MATCH: f32 = 0.6;
/// Share of a question of several words a sentence from an unrelated chunk
/// must match to be quoted after the top chunk's.
const STRONG_OVERLAP: f32 = 0.66;
/// The top chunk's opening sentence is quoted for context when it is at
/// most this long.
const OPENING_MAX_CHARS: usize = 400;
/// A chunk of the same section whose retrieval score is at least this share
/// of the top chunk's is quoted from too.
const SIBLING_SCORE: f32 = 0.9;
/// Credit for a question word that a sentence does not use but rewords
/// ("alarms" for "alerts", "migration" for "replaced"), against 1 for the word
/// itself: the index finds a chunk through the same rewordings, and the
/// composer should then quote the sentence that holds them.
const REWORD_CREDIT: f32 = 0.6;
/// Score added to a sentence that holds the kind of fact the question asks
/// for (a date for "when...", a number for "how many..."), on the scale of
/// the share of the question's terms the sentence matches.
const ANSWER_TYPE_BONUS: f32 = 0.3;

/// Builds extractive answers. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ExtractiveComposer {
    refusal: String,
    /// The analysed sentences of the profile's chunks, by id. Stemming every
    /// sentence of every retrieved chunk on each question was most of the
    /// cost of an answer; a chunk id names its content, so a hit whose id is
    /// here needs no analysis. Hits from elsewhere are analysed on the fly.
    analysed: Arc<HashMap<ChunkId, Analysed>>,
    /// The parts of the owner's name: not what a question is about.
    owner: Arc<[String]>,
    /// The stems of the things the profile names (employers, projects,
    /// schools), sorted: a question that names one is answered from a chunk
    /// that mentions it (see [`asked`]).
    names: Arc<[String]>,
}

/// A chunk's sentences, analysed once.
#[derive(Debug)]
struct Analysed {
    sentences: Vec<Sentence>,
    /// The terms of its text, title and metadata, sorted: what it mentions.
    mentions: Vec<String>,
    /// The terms of its title and metadata, sorted: what it is about.
    subject: Vec<String>,
}

#[derive(Debug)]
struct Sentence {
    text: String,
    /// Its terms, sorted for binary search.
    terms: Vec<String>,
    /// The concept groups of its terms, sorted.
    groups: Vec<u16>,
    /// The kinds of fact it states.
    holds: Holds,
    /// The stems of the names it gives: capitalised words within it, not
    /// "I" or a month.
    proper: Vec<String>,
}

impl Analysed {
    fn of(chunk: &Chunk) -> Analysed {
        let faq = chunk.section == crate::chunk::Section::Faq;
        let sentences: Vec<Sentence> = text::sentences(&chunk.text)
            .into_iter()
            .enumerate()
            .map(|(position, sentence)| {
                let mut terms = sorted_terms(sentence);
                // An FAQ's answer opens by answering its question: the
                // question's words are the opening sentence's too.
                if faq && position == 0 {
                    terms.extend(sorted_terms(&chunk.title));
                    terms.sort_unstable();
                    terms.dedup();
                }
                Sentence {
                    text: sentence.to_owned(),
                    groups: groups_of(&terms),
                    terms,
                    holds: Holds::of(sentence),
                    proper: asked::proper_names(sentence),
                }
            })
            .collect();
        let mut subject = text::terms(&chunk.title);
        for (key, value) in &chunk.metadata {
            subject.extend(text::terms(key));
            subject.extend(text::terms(value));
        }
        let mut mentions = subject.clone();
        mentions.extend(sentences.iter().flat_map(|s| s.terms.iter().cloned()));
        for terms in [&mut subject, &mut mentions] {
            terms.sort_unstable();
            terms.dedup();
        }
        Analysed {
            sentences,
            mentions,
            subject,
        }
    }
}

fn sorted_terms(text: &str) -> Vec<String> {
    let mut terms = text::terms(text);
    terms.sort_unstable();
    terms.dedup();
    terms
}

/// The concept groups of `terms`, sorted and each once.
fn groups_of(terms: &[String]) -> Vec<u16> {
    let mut groups: Vec<u16> = terms
        .iter()
        .flat_map(|term| crate::index::word_groups(term))
        .copied()
        .collect();
    groups.sort_unstable();
    groups.dedup();
    groups
}

/// A content word of the question.
#[derive(Debug)]
struct QueryTerm {
    stem: String,
    /// The concept groups it belongs to, sorted; none when the retrieved
    /// chunks use the word itself.
    groups: &'static [u16],
}

/// How a sentence speaks to a word of the question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// It uses the word.
    Word,
    /// It uses a word of the same concept: a rewording.
    Reworded,
    /// It uses a word on the same topic ("thesis" for "degree").
    Topic,
    None,
}

impl Match {
    fn credit(self) -> f32 {
        match self {
            Match::Word => 1.0,
            Match::Reworded | Match::Topic => REWORD_CREDIT,
            Match::None => 0.0,
        }
    }
}

impl QueryTerm {
    /// How a sentence (its sorted terms and groups) speaks to this word.
    fn matches(&self, terms: &[String], groups: &[u16]) -> Match {
        if terms.binary_search(&self.stem).is_ok() {
            return Match::Word;
        }
        let mut found = Match::None;
        for &g in self.groups {
            if groups.binary_search(&g).is_ok() {
                if !crate::index::is_topic_group(g) {
                    return Match::Reworded;
                }
                found = Match::Topic;
            }
        }
        found
    }
}

/// A composed answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Composition {
    pub text: String,
    /// The 1-based citation numbers the text uses, ascending.
    pub cited: Vec<usize>,
    /// False when the profile had nothing relevant and the text is a refusal.
    pub covered: bool,
}

impl ExtractiveComposer {
    pub fn new(profile: &Profile) -> ExtractiveComposer {
        let refusal = format!(
            "My profile doesn't cover that, so I'd rather not guess. \
             I'm happy to talk about my experience, projects, skills or what I'm looking for next. \
             For anything else, email me at {}.",
            profile.person.contact.email
        );
        let chunks = chunk_profile(profile);
        let owner = profile.name_words();
        let mut names: Vec<String> = chunks
            .iter()
            .filter(|chunk| chunk.section != Section::Summary)
            .flat_map(|chunk| &chunk.metadata)
            .filter(|(key, _)| matches!(key.as_str(), "company" | "name" | "institution"))
            .flat_map(|(_, value)| asked::content_stems(value))
            .filter(|stem| !owner.iter().any(|o| text::stem(o) == *stem))
            .collect();
        names.sort_unstable();
        names.dedup();
        let analysed = chunks
            .iter()
            .map(|chunk| (chunk.id.clone(), Analysed::of(chunk)))
            .collect();
        ExtractiveComposer {
            refusal,
            analysed: Arc::new(analysed),
            owner: owner.into(),
            names: names.into(),
        }
    }

    /// Whether `hits` state what `question` asks for, when it asks for one
    /// detail ("how many stars does slidewire have?", "who supervised your
    /// thesis?"): a chunk about the question that does not state its detail
    /// does not answer it (see the `asked` module).
    ///
    /// `about` is what the conversation is about when the question refers
    /// back to it ("how many stars does *it* have?" after slidewire): the
    /// detail must then be stated about that too.
    pub fn states_asked(&self, question: &str, hits: &[Hit], about: Option<&str>) -> bool {
        let question = text::owner_as_you(question, &self.owner);
        let about: Vec<String> = about
            .map(asked::content_stems)
            .unwrap_or_default()
            .into_iter()
            .filter(|stem| self.names.binary_search(stem).is_ok())
            .collect();
        self.with_analysed(hits, |analysed| {
            let vocabulary = vocabulary(analysed);
            asked::Asked::of(&question, &self.names, &about, analysed, &vocabulary).stated(analysed)
        })
    }

    /// Calls `f` with the analysis of the first [`MAX_CHUNKS`] hits: the
    /// profile's own from start-up, others' made now.
    fn with_analysed<R>(&self, hits: &[Hit], f: impl FnOnce(&[&Analysed]) -> R) -> R {
        let hits = &hits[..hits.len().min(MAX_CHUNKS)];
        let fresh: Vec<Option<Analysed>> = hits
            .iter()
            .map(|hit| {
                (!self.analysed.contains_key(&hit.chunk.id)).then(|| Analysed::of(&hit.chunk))
            })
            .collect();
        let analysed: Vec<&Analysed> = hits
            .iter()
            .zip(&fresh)
            .map(|(hit, fresh)| match fresh {
                Some(analysed) => analysed,
                None => &self.analysed[&hit.chunk.id],
            })
            .collect();
        f(&analysed)
    }

    /// The answer given when nothing relevant was retrieved, or nothing
    /// retrieved states what was asked.
    pub fn refusal(&self) -> Composition {
        Composition {
            text: self.refusal.clone(),
            cited: Vec::new(),
            covered: false,
        }
    }

    /// Picks the sentences that answer `request.question` best, or refuses
    /// when the hits do not state the detail it asks for
    /// ([`ExtractiveComposer::states_asked`]).
    pub fn compose(&self, request: &AnswerRequest) -> Composition {
        let hits = &request.hits[..request.hits.len().min(MAX_CHUNKS)];
        if hits.is_empty() {
            return self.refusal();
        }
        let question = text::owner_as_you(&request.question, &self.owner);
        self.with_analysed(hits, |analysed| {
            let vocabulary = vocabulary(analysed);
            let asked = asked::Asked::of(&question, &self.names, &[], analysed, &vocabulary);
            if asked.stated(analysed) {
                let statements = asked.statements(analysed);
                self.compose_from(&question, hits, analysed, &vocabulary, &statements)
            } else {
                self.refusal()
            }
        })
    }

    /// Picks the sentences of `hits` (analysed; `vocabulary` their terms) that
    /// answer `question`.
    /// `statements` are the sentences that state the detail it asks for
    /// ([`asked::Asked::statements`]), as (hit, sentence) positions: when
    /// there are some, the answer quotes one.
    fn compose_from(
        &self,
        question: &str,
        hits: &[Hit],
        analysed: &[&Analysed],
        vocabulary: &[&str],
        statements: &[(usize, usize)],
    ) -> Composition {
        let query = query_terms(question, vocabulary);
        let wants = wants(question);

        let mut candidates = Vec::new();
        for (rank, analysed) in analysed.iter().enumerate() {
            for (position, sentence) in analysed.sentences.iter().enumerate() {
                candidates.push(Candidate {
                    rank,
                    position,
                    overlap: overlap(&query, &sentence.terms, &sentence.groups),
                    typed: wants.is_some_and(|w| sentence.holds.answers(w)),
                    score: 0.0,
                    sentence: &sentence.text,
                    terms: &sentence.terms,
                    groups: &sentence.groups,
                });
            }
        }
        for c in &mut candidates {
            c.score = sentence_score(c, &hits[c.rank]);
        }

        let about = title_overlap(&query, &hits[0].chunk.title) >= TITLE_MATCH;
        // An achievement reads best whole, as the story it is: the
        // situation, what I did and the result. A visitor asking "how did you
        // stop the double charges?" wants the middle, and "what came of it?"
        // the end, in words the chunk rarely shares.
        let story = hits[0].chunk.section == crate::chunk::Section::Achievement;
        let whole_top = query.is_empty() || about || story;
        // The stems of each part of a question about several things.
        let parts: Vec<Vec<String>> = asked::parts(question)
            .iter()
            .map(|part| {
                query_terms(part, vocabulary)
                    .into_iter()
                    .map(|t| t.stem)
                    .collect::<Vec<_>>()
            })
            .filter(|stems| !stems.is_empty())
            .collect();
        let mut picked = pick(&mut candidates, hits, &query, &parts, whole_top);
        // When the detail asked for is stated in a chunk about what the
        // question names, the answer quotes it, past the usual length if
        // need be: "how many stars does queuebound have?" finds the FAQ
        // that names queuebound first, beside another project's stars.
        let quotes_statement = picked.iter().any(|p| statements.contains(&(p.0, p.1)));
        if !quotes_statement
            && let Some(c) = candidates
                .iter()
                .filter(|c| statements.contains(&(c.rank, c.position)))
                .max_by(|a, b| a.score.total_cmp(&b.score))
        {
            picked.push((c.rank, c.position, c.sentence));
            picked.sort_by_key(|p| (p.0, p.1));
        }
        render(&picked)
    }
}

impl ChatModel for ExtractiveComposer {
    fn name(&self) -> &str {
        "extractive"
    }

    fn is_extractive(&self) -> bool {
        true
    }

    fn answer(
        &self,
        request: &AnswerRequest,
    ) -> impl Future<Output = Result<TokenStream, ModelError>> + Send {
        let composition = self.compose(request);
        future::ready(Ok(token_stream(&composition.text)))
    }
}

/// Streams finished text as word-sized tokens, so the extractive answer
/// arrives the way an LLM's would and clients need one code path.
pub fn token_stream(text: &str) -> TokenStream {
    let tokens: Vec<Result<String, ModelError>> = split_tokens(text).into_iter().map(Ok).collect();
    Box::pin(stream::iter(tokens))
}

/// Splits text into words, each keeping its trailing whitespace, so that
/// concatenating the tokens gives back the text exactly.
pub fn split_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut in_space = false;
    for (i, ch) in text.char_indices() {
        if ch.is_whitespace() {
            in_space = true;
        } else if in_space {
            tokens.push(text[start..i].to_owned());
            start = i;
            in_space = false;
        }
    }
    if start < text.len() {
        tokens.push(text[start..].to_owned());
    }
    tokens
}

#[derive(Debug)]
struct Candidate<'a> {
    rank: usize,
    position: usize,
    sentence: &'a str,
    /// The sentence's terms, sorted.
    terms: &'a [String],
    /// The concept groups of its terms, sorted.
    groups: &'a [u16],
    /// Fraction of the question's content terms found in the sentence.
    overlap: f32,
    /// Whether it holds the kind of fact the question asks for.
    typed: bool,
    score: f32,
}

/// The terms of the retrieved chunks' sentences, sorted and each once.
fn vocabulary<'a>(analysed: &[&'a Analysed]) -> Vec<&'a str> {
    let mut vocabulary: Vec<&str> = analysed
        .iter()
        .flat_map(|a| a.sentences.iter())
        .flat_map(|sentence| sentence.terms.iter().map(String::as_str))
        .collect();
    vocabulary.sort_unstable();
    vocabulary.dedup();
    vocabulary
}

/// The question's content terms, with a misspelt one ("kuberntes",
/// "ledgr") replaced by the closest term of the retrieved chunks: the index
/// found these chunks through its own typo correction, and the composer
/// should look for the same words in them. A term the chunks lack is
/// matched by its concept's words, as the index matched it.
/// `vocabulary` is the chunks' terms, as [`vocabulary`] gives them.
fn query_terms(question: &str, vocabulary: &[&str]) -> Vec<QueryTerm> {
    let mut scratch = Vec::new();
    text::terms(question)
        .into_iter()
        .map(|term| corrected(term, vocabulary, &mut scratch))
        .collect::<HashSet<String>>()
        .into_iter()
        .map(|stem| {
            // A word the chunks use is looked for as itself: its concept's
            // other words there ("role" and "work" for "company") are
            // rewordings of nothing the visitor left out.
            let reworded = vocabulary.binary_search(&stem.as_str()).is_err();
            QueryTerm {
                groups: if reworded {
                    crate::index::word_groups(&stem)
                } else {
                    &[]
                },
                stem,
            }
        })
        .collect()
}

/// `term`, or the closest term of `vocabulary` (sorted) when it is not one
/// and is long enough to correct. `scratch` is reused across calls.
fn corrected(term: String, vocabulary: &[&str], scratch: &mut Vec<u32>) -> String {
    if vocabulary.binary_search(&term.as_str()).is_ok() {
        return term;
    }
    let chars: Vec<char> = term.chars().collect();
    // Short words are too close to too many others to correct.
    let budget = match chars.len() {
        ..=4 => return term,
        5..=6 => 1,
        _ => 2,
    };
    let mut best: Option<(u32, &str)> = None;
    let mut other = Vec::new();
    for &known in vocabulary {
        if !known.starts_with(chars[0]) {
            continue;
        }
        other.clear();
        other.extend(known.chars());
        let max = best.map_or(budget, |(d, _)| d.saturating_sub(1));
        if let Some(d) = crate::index::osa_distance(&chars, &other, max, scratch)
            && best.is_none_or(|(b, _)| d < b)
        {
            best = Some((d, known));
        }
    }
    best.map_or(term, |(_, known)| known.to_owned())
}

/// The share of the question's terms a sentence (its sorted terms and
/// groups) speaks to, a reworded one at [`REWORD_CREDIT`].
fn overlap(query: &[QueryTerm], terms: &[String], groups: &[u16]) -> f32 {
    share(query, |t| t.matches(terms, groups).credit())
}

/// How much of the question a chunk title carries. Titles name the unit
/// ("Cut tracking latency by 70%", "What are your salary expectations?"), so a
/// title that carries the question marks a chunk the visitor asked about.
/// A title on the same topic does not: every degree's title is on the topic
/// of "what degrees do you have?".
fn title_overlap(query: &[QueryTerm], title: &str) -> f32 {
    let terms = sorted_terms(title);
    let groups = groups_of(&terms);
    share(query, |t| match t.matches(&terms, &groups) {
        Match::Topic => 0.0,
        m => m.credit(),
    })
}

/// The mean of `credit` over the question's terms; 0 for a question
/// without any.
fn share(query: &[QueryTerm], credit: impl Fn(&QueryTerm) -> f32) -> f32 {
    if query.is_empty() {
        return 0.0;
    }
    query.iter().map(credit).sum::<f32>() / query.len() as f32
}

fn sentence_score(c: &Candidate<'_>, hit: &Hit) -> f32 {
    // Term overlap and holding the kind of fact asked for decide; the
    // chunk's retrieval score and an opening sentence's role as a topic
    // sentence break ties.
    let opening = if c.position == 0 { 0.05 } else { 0.0 };
    let typed = if c.typed { ANSWER_TYPE_BONUS } else { 0.0 };
    c.overlap + typed + 0.35 * hit.score + opening
}

/// Chooses the sentences to quote.
/// `parts` are the stems of each part of the question, when it has several.
fn pick<'a>(
    candidates: &mut [Candidate<'a>],
    hits: &[Hit],
    query: &[QueryTerm],
    parts: &[Vec<String>],
    whole_top: bool,
) -> Vec<(usize, usize, &'a str)> {
    let query_terms = query.len();
    let mut picked: Vec<(usize, usize, &'a str)> = Vec::new();

    // The best hit always speaks: the index vouched for it, even when the
    // question's words (misspelt, say) appear in none of its sentences.
    let top: Vec<&Candidate<'a>> = candidates.iter().filter(|c| c.rank == 0).collect();
    let faq_like = hits[0].chunk.section == crate::chunk::Section::Faq;
    if whole_top {
        // The visitor asked about this very unit, or about an achievement,
        // or asked something with no content words ("tell me about
        // yourself"): the chunk reads best as written, from its opening
        // sentence on.
        let mut chars = 0;
        for c in &top {
            if chars > 0 && chars + c.sentence.len() > WHOLE_CHUNK_MAX_CHARS {
                break;
            }
            picked.push((c.rank, c.position, c.sentence));
            chars += c.sentence.len();
        }
    } else if faq_like {
        // An FAQ answer reads best from its own opening sentences, and
        // one from further in when only that one holds what was asked for.
        for c in top.iter().take(3) {
            picked.push((c.rank, c.position, c.sentence));
        }
        if !top.iter().take(3).any(|c| c.typed)
            && let Some(c) = top.iter().find(|c| c.typed)
        {
            picked.push((c.rank, c.position, c.sentence));
        }
    } else {
        // Of equals, the earlier sentence: it reads first in the chunk.
        let best = top
            .iter()
            .max_by(|a, b| {
                a.score
                    .total_cmp(&b.score)
                    .then(b.position.cmp(&a.position))
            })
            .map(|c| (c.rank, c.position, c.sentence));
        picked.extend(best);
        // The opening sentence says what the chunk is ("From 2018 to 2022
        // I worked as...", "ledgerline (2023-present): I was the
        // creator..."), so a sentence from further in reads in context.
        if let Some(opening) = top.iter().find(|c| c.position == 0)
            && opening.sentence.len() <= OPENING_MAX_CHARS
            && !picked.iter().any(|p| p.1 == 0)
        {
            picked.push((opening.rank, opening.position, opening.sentence));
        }
        // A sibling ranked about as high (the other degree for "what degrees
        // do you have?") is as much the answer: its opening sentence too.
        if let Some(second) = hits.get(1)
            && second.chunk.section == hits[0].chunk.section
            && second.score >= SIBLING_SCORE * hits[0].score
            && let Some(opening) = candidates.iter().find(|c| c.rank == 1 && c.position == 0)
            && opening.sentence.len() <= OPENING_MAX_CHARS
        {
            picked.push((opening.rank, opening.position, opening.sentence));
        }
    }
    // Whether a sentence speaks to a word of the question: with the word or
    // a rewording of it. A word on the same topic helps choose among a
    // chunk's sentences but is no reason to quote one more: every sentence
    // of a degree is on the topic of "what degrees do you have?".
    let speaks_to = |c: &Candidate<'_>, t: &QueryTerm| {
        matches!(t.matches(c.terms, c.groups), Match::Word | Match::Reworded)
    };
    // The query terms the answer already speaks to.
    let mut covered: HashSet<&str> = HashSet::new();
    for p in &picked {
        if let Some(c) = candidates
            .iter()
            .find(|c| c.rank == p.0 && c.position == p.1)
        {
            covered.extend(
                query
                    .iter()
                    .filter(|t| speaks_to(c, t))
                    .map(|t| t.stem.as_str()),
            );
        }
    }

    let best_score = candidates.iter().map(|c| c.score).fold(f32::MIN, f32::max);
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut chars: usize = picked.iter().map(|p| p.2.len()).sum();
    for c in candidates.iter() {
        if picked.len() >= MAX_SENTENCES || chars >= SOFT_MAX_CHARS {
            break;
        }
        let already = picked.iter().any(|p| p.0 == c.rank && p.1 == c.position);
        // A further sentence must share words with the question and be nearly
        // as good as the best one; otherwise it is padding.
        if already || !query.iter().any(|t| speaks_to(c, t)) || c.score < 0.6 * best_score {
            continue;
        }
        // And it must come from a sibling of the top chunk (another project
        // for "what projects have you built?", the other degree for "where
        // did you study?") or match most of a question of several words.
        // One shared word is not enough: "based" is in "property-based
        // tests" and "base salary" too.
        let sibling = c.rank == 0
            || (!whole_top && !faq_like && hits[c.rank].chunk.section == hits[0].chunk.section);
        let strong = query_terms >= 2 && c.overlap >= STRONG_OVERLAP;
        // Or it answers a part of the question nothing picked so far
        // answers: "what did you build at Sternhaul, and which library came
        // out of it?" needs a sentence for each.
        let fresh = query
            .iter()
            .filter(|t| !covered.contains(t.stem.as_str()) && speaks_to(c, t))
            .count();
        let completes =
            query_terms >= 3 && fresh >= 2 && fresh * 3 >= query_terms && c.overlap >= 0.4;
        // Or it answers the whole of a part, however short, that nothing
        // picked speaks to: "where did you work, and why did you leave?".
        let answers_part = parts.len() >= 2
            && parts.iter().any(|part| {
                part.iter().all(|stem| {
                    !covered.contains(stem.as_str())
                        && query.iter().any(|t| &t.stem == stem && speaks_to(c, t))
                })
            });
        if !sibling && !strong && !completes && !answers_part {
            continue;
        }
        covered.extend(
            query
                .iter()
                .filter(|t| speaks_to(c, t))
                .map(|t| t.stem.as_str()),
        );
        picked.push((c.rank, c.position, c.sentence));
        chars += c.sentence.len();
    }

    picked.sort_by_key(|p| (p.0, p.1));
    picked
}

/// Joins the sentences, ending each chunk's run with its `[n]` marker.
fn render(picked: &[(usize, usize, &str)]) -> Composition {
    let mut text = String::new();
    let mut cited = Vec::new();
    for (i, (rank, _, sentence)) in picked.iter().enumerate() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(sentence.trim());
        let last_of_chunk = picked.get(i + 1).is_none_or(|next| next.0 != *rank);
        if last_of_chunk {
            text.push_str(&format!(" [{}]", rank + 1));
            cited.push(rank + 1);
        }
    }
    Composition {
        text,
        cited,
        covered: true,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::chunk::{Chunk, Section};

    fn hit(section: Section, title: &str, text: &str, score: f32) -> Hit {
        Hit {
            chunk: Chunk::new(section, title, text, BTreeMap::new()),
            score,
        }
    }

    fn composer() -> ExtractiveComposer {
        ExtractiveComposer {
            refusal: "My profile doesn't cover that. Email me at a@example.dev.".into(),
            analysed: Arc::default(),
            owner: Arc::new([]),
            names: Arc::new([]),
        }
    }

    fn request(question: &str, hits: Vec<Hit>) -> AnswerRequest {
        AnswerRequest {
            question: question.into(),
            history: Vec::new(),
            hits,
        }
    }

    #[test]
    fn no_hits_is_a_refusal_without_citations() {
        let c = composer().compose(&request("what is your favourite colour?", vec![]));
        assert!(!c.covered);
        assert!(c.cited.is_empty());
        assert!(c.text.contains("doesn't cover"));
    }

    #[test]
    fn quotes_the_matching_sentence_with_its_marker() {
        let hits = vec![
            hit(
                Section::Experience,
                "Staff Engineer at Tidewater",
                "Since May 2022 I worked as Staff Engineer at Tidewater. I lead the payments platform team. We moved settlement to Rust.",
                0.9,
            ),
            hit(
                Section::Project,
                "Project: Kestrel",
                "Kestrel (2021): I was the creator. It is a rate limiter written in Rust.",
                0.4,
            ),
        ];
        let c = composer().compose(&request("Which team do you lead?", hits));
        assert!(c.covered);
        assert!(
            c.text.contains("I lead the payments platform team."),
            "{}",
            c.text
        );
        assert!(c.text.contains("[1]"), "{}", c.text);
        assert_eq!(c.cited.first(), Some(&1));
    }

    #[test]
    fn every_sentence_comes_from_a_chunk() {
        let hits = vec![
            hit(
                Section::Skills,
                "Skills: Languages",
                "Languages I work with: Rust (expert, 8 years), Go (advanced, 5 years) and Python (advanced).",
                0.8,
            ),
            hit(
                Section::Project,
                "Project: Kestrel",
                "Kestrel (2021): I was the creator. It is a rate limiter written in Rust.",
                0.7,
            ),
        ];
        let c = composer().compose(&request("how many years of Rust?", hits.clone()));
        let stripped = c.text.replace(" [1]", "").replace(" [2]", "");
        for sentence in text::sentences(&stripped) {
            assert!(
                hits.iter().any(|h| h.chunk.text.contains(sentence)),
                "invented sentence: {sentence}"
            );
        }
    }

    #[test]
    fn faq_answers_are_quoted_from_the_start() {
        let hits = vec![hit(
            Section::Faq,
            "What are your salary expectations?",
            "I'm looking for EUR 120k to 140k base. I'm flexible on the mix with equity.",
            0.9,
        )];
        let c = composer().compose(&request("salary?", hits));
        assert_eq!(
            c.text,
            "I'm looking for EUR 120k to 140k base. I'm flexible on the mix with equity. [1]"
        );
        assert_eq!(c.cited, vec![1]);
    }

    #[test]
    fn a_misspelt_question_still_quotes_the_top_hit() {
        let hits = vec![hit(
            Section::Education,
            "MSc in Distributed Systems",
            "I studied Distributed Systems at Baltic Institute of Technology.",
            0.5,
        )];
        let c = composer().compose(&request("wher did yuo studdy", hits));
        assert!(
            c.text.starts_with("I studied Distributed Systems"),
            "{}",
            c.text
        );
    }

    #[test]
    fn a_chunk_the_question_names_is_quoted_whole() {
        let text = "At Acme, checkout timed out at peak. I had to fix it in a week. \
                    I moved the joins to a materialised view. As a result, p99 fell from 900 ms to 270 ms.";
        let hits = vec![hit(
            Section::Achievement,
            "Cut checkout latency by 70% (Acme)",
            text,
            0.9,
        )];
        let c = composer().compose(&request("How did you cut the checkout latency?", hits));
        assert_eq!(c.text, format!("{text} [1]"));
    }

    #[test]
    fn an_achievement_asked_about_in_other_words_is_told_whole() {
        let text = "At Acme, checkout timed out at peak. I had to fix it in a week. \
                    I moved the joins to a materialised view. As a result, p99 fell from 900 ms to 270 ms.";
        let hits = vec![
            hit(
                Section::Achievement,
                "Cut checkout latency by 70% (Acme)",
                text,
                0.9,
            ),
            hit(
                Section::Project,
                "Project: Kestrel",
                "Kestrel (2021): I was the creator. It is a rate limiter written in Rust.",
                0.4,
            ),
        ];
        let c = composer().compose(&request(
            "what did you do when the buying page kept hanging?",
            hits,
        ));
        assert_eq!(c.text, format!("{text} [1]"));
    }

    #[test]
    fn a_word_the_chunk_lacks_finds_the_sentence_that_rewords_it() {
        let hits = vec![hit(
            Section::Experience,
            "Staff Engineer at Tidewater",
            "From 2019 I worked as Staff Engineer at Tidewater. I run the platform team of six. \
             I replaced the nightly settlement batch with a streaming service.",
            0.9,
        )];
        let c = composer().compose(&request("what migration did you lead at Tidewater?", hits));
        assert!(
            c.text.contains("I replaced the nightly settlement batch"),
            "{}",
            c.text
        );
        assert!(!c.text.contains("I run the platform team"), "{}", c.text);
    }

    #[test]
    fn a_word_the_chunks_use_is_looked_for_as_itself() {
        let chunk = Chunk::new(
            Section::Achievement,
            "Cut pages by 80% (Acme)",
            "At Acme, most alerts were noise. I deleted 140 of them for companies to trust the rest.",
            BTreeMap::new(),
        );
        let analysed = Analysed::of(&chunk);
        let terms = query_terms(
            "which companies, and which alarms?",
            &vocabulary(&[&analysed]),
        );
        let groups = |stem: &str| {
            terms
                .iter()
                .find(|t| t.stem == stem)
                .map(|t| t.groups)
                .unwrap_or_else(|| panic!("no term {stem} in {terms:?}"))
        };
        // "companies" is in the chunk: only "companies" counts for it.
        assert!(groups("compani").is_empty());
        // "alarms" is not: any word of its concept ("alerts") does.
        assert!(!groups("alarm").is_empty());
    }

    #[test]
    fn one_shared_word_does_not_pull_in_an_unrelated_chunk() {
        let hits = vec![
            hit(
                Section::Contact,
                "Location and contact",
                "I'm based in Lisbon, Portugal. Email me at a@example.dev.",
                0.9,
            ),
            hit(
                Section::Faq,
                "What are your salary expectations?",
                "I'm targeting a base salary of EUR 150k.",
                0.85,
            ),
        ];
        let c = composer().compose(&request("Where are you based?", hits));
        assert_eq!(c.text, "I'm based in Lisbon, Portugal. [1]");
        assert_eq!(c.cited, vec![1]);
    }

    #[test]
    fn siblings_of_the_top_chunk_add_to_the_answer() {
        let hits = vec![
            hit(
                Section::Project,
                "Project: Kestrel",
                "Kestrel (2021): I was the creator. It is a rate limiter I built in Rust.",
                0.9,
            ),
            hit(
                Section::Project,
                "Project: Osprey",
                "Osprey (2023): I built a log shipper in Go.",
                0.8,
            ),
        ];
        let c = composer().compose(&request("What have you built?", hits));
        assert!(
            c.text.contains("[1]") && c.text.contains("[2]"),
            "{}",
            c.text
        );
        assert!(c.text.contains("log shipper"), "{}", c.text);
    }

    #[test]
    fn misspelt_words_are_matched_to_the_chunks_words() {
        let text = "At Acme our ledger was slow. I rebuilt the ledger in Rust. \
                    As a result, posting took 34 ms.";
        let hits = vec![hit(
            Section::Achievement,
            "Rebuilt the ledger (Acme)",
            text,
            0.9,
        )];
        // Once "rebult" and "ledgr" are read as the chunk's "rebuilt" and
        // "ledger", the title carries the question and the chunk is quoted
        // whole.
        let c = composer().compose(&request("how did you rebult the ledgr", hits));
        assert_eq!(c.text, format!("{text} [1]"));
    }

    #[test]
    fn the_opening_sentence_gives_a_quote_its_context() {
        let hits = vec![hit(
            Section::Experience,
            "Engineer at Acme",
            "From 2019 to 2022 I worked as Engineer at Acme. I built the billing system. \
             We used Kafka for events.",
            0.9,
        )];
        let c = composer().compose(&request("Did you use Kafka?", hits));
        assert_eq!(
            c.text,
            "From 2019 to 2022 I worked as Engineer at Acme. We used Kafka for events. [1]"
        );
    }

    #[test]
    fn a_question_asking_when_quotes_the_sentence_with_the_date() {
        let hits = vec![hit(
            Section::Goals,
            "Career goals and availability",
            "Next I want a staff role on a platform team. I like correctness problems. \
             Availability: open to new roles from March 2027 with four weeks' notice.",
            0.8,
        )];
        // No word of the question is in the chunk; only its kind of answer is.
        let c = composer().compose(&request(
            "What's the earliest you could come on board?",
            hits.clone(),
        ));
        assert!(c.text.contains("March 2027"), "{}", c.text);
        // Without a date asked for, the same words quote no date.
        let c = composer().compose(&request("Could you come on board?", hits));
        assert!(!c.text.contains("March 2027"), "{}", c.text);
    }

    #[test]
    fn an_faq_answer_adds_the_later_sentence_that_holds_what_was_asked() {
        let hits = vec![hit(
            Section::Faq,
            "Are you open to new roles?",
            "Yes. I'm leading a migration and I've committed to seeing it through. \
             I'd like a staff role. I'm open to new roles from March 2027.",
            0.8,
        )];
        // The title does not carry the question, so the answer is the FAQ's
        // opening sentences, not the whole chunk.
        let c = composer().compose(&request("Could you join us?", hits.clone()));
        assert!(c.text.starts_with("Yes."), "{}", c.text);
        assert!(!c.text.contains("March 2027"), "{}", c.text);
        let c = composer().compose(&request("When could you join us?", hits));
        assert!(c.text.starts_with("Yes."), "{}", c.text);
        assert!(c.text.contains("March 2027"), "{}", c.text);
    }

    #[test]
    fn the_detail_asked_is_quoted_from_the_chunk_about_what_was_named() {
        let hits = vec![
            hit(
                Section::Faq,
                "Are you involved in open source?",
                "Yes. I maintain ledgerkit, with about 1,900 GitHub stars, and quillpad, \
                 which is in maintenance mode. I spend four hours a week on it.",
                0.9,
            ),
            hit(
                Section::Project,
                "Project: quillpad",
                "quillpad (2020): I was the author. quillpad is a note-taking tool in Go. \
                 It has about 600 stars on GitHub.",
                0.7,
            ),
        ];
        let composer = ExtractiveComposer {
            names: asked::content_stems("ledgerkit quillpad").into(),
            ..composer()
        };
        let question = "How many GitHub stars does quillpad have?";
        let c = composer.compose(&request(question, hits.clone()));
        assert!(c.text.contains("600 stars"), "{}", c.text);
        assert_eq!(c.cited, [1, 2]);
        // Not named, the stars in the FAQ answer it.
        let c = composer.compose(&request("How many GitHub stars do you have?", hits));
        assert!(c.text.contains("1,900"), "{}", c.text);
    }

    #[test]
    fn a_question_asking_how_many_quotes_a_number_not_a_year() {
        let hits = vec![hit(
            Section::Experience,
            "Backend Engineer at Signalgrove",
            "From April 2016 to August 2018 I worked as Backend Engineer at Signalgrove. \
             I joined when it had 14 people and stayed while it grew to 45. \
             Highlights: Cut storage cost by 70%.",
            0.9,
        )];
        let c = composer().compose(&request(
            "how big did the company get while you were there?",
            hits,
        ));
        // Both later sentences hold numbers; of equals, the earlier one.
        assert!(c.text.contains("grew to 45"), "{}", c.text);
        assert!(!c.text.contains("70%"), "{}", c.text);
    }

    #[test]
    fn a_sibling_ranked_as_high_is_quoted_too() {
        let hits = vec![
            hit(
                Section::Education,
                "BSc in Physics, Acme University",
                "I studied Physics at Acme University, earning a BSc. My thesis was on optics.",
                0.9,
            ),
            hit(
                Section::Education,
                "MSc in Computing, Acme University",
                "I studied Computing at Acme University, earning an MSc. I graduated with merit.",
                0.85,
            ),
        ];
        let c = composer().compose(&request("What degrees do you have?", hits));
        assert!(c.text.contains("earning a BSc. [1]"), "{}", c.text);
        assert!(c.text.contains("earning an MSc. [2]"), "{}", c.text);
    }

    #[test]
    fn each_part_of_a_question_gets_a_sentence() {
        let hits = vec![
            hit(
                Section::Project,
                "Project: Kestrel",
                "Kestrel (2021): I was the creator. It is a rate limiter written in Rust.",
                0.9,
            ),
            hit(
                Section::Achievement,
                "Cut checkout latency (Acme)",
                "At Acme I cut checkout latency by 70%.",
                0.8,
            ),
        ];
        let c = composer().compose(&request(
            "What is Kestrel written in, and what did you cut at Acme?",
            hits,
        ));
        assert!(c.text.contains("written in Rust. [1]"), "{}", c.text);
        assert!(c.text.contains("latency by 70%. [2]"), "{}", c.text);
    }

    #[test]
    fn a_short_part_gets_the_faq_that_answers_it() {
        let hits = vec![
            hit(
                Section::Experience,
                "Engineer at Acme",
                "From 2018 to 2022 I worked as Engineer at Acme. I moved to working remotely in 2020.",
                0.9,
            ),
            hit(
                Section::Faq,
                "Why did you leave your last job?",
                "Acme was acquired in 2022 and ended remote roles. I wanted stricter correctness.",
                0.8,
            ),
        ];
        // "Leave" is in the FAQ's question, not in its answer: the answer's
        // opening speaks to it all the same, and answers the second part.
        let c = composer().compose(&request("Where did you work, and why did you leave?", hits));
        assert!(c.text.contains("ended remote roles. [2]"), "{}", c.text);
    }

    #[test]
    fn tokens_concatenate_back_to_the_text() {
        let text = "I lead  the team.\nWe ship weekly. [1]";
        let tokens = split_tokens(text);
        assert_eq!(tokens.concat(), text);
        assert_eq!(tokens[0], "I ");
        assert!(tokens.len() > 5);
        assert!(split_tokens("").is_empty());
    }
}
