//! The embedded retrieval index: hybrid lexical search over the profile's
//! chunks, in process, with a calibrated relevance floor.
//!
//! A query is analysed into content terms (stop words dropped, Snowball
//! stems). Each term is expanded with a small hand-curated concept table
//! ("college" -> education, "pay" -> salary, "k8s" -> kubernetes; a concept
//! can also stand for a whole profile section), and a word the corpus does
//! not know is corrected to the nearest known word within one or two edits.
//! Three signals then rank the chunks:
//! 1. **BM25** over the stemmed terms of each chunk's title (counted
//!    [`IndexConfig::title_boost`] times), text, selected metadata values
//!    and a section token.
//! 2. **Character trigram TF-IDF cosine** over the unstemmed words, padded
//!    at word boundaries, so that misspellings and variant spellings still
//!    share most of their trigrams with the chunk.
//! 3. **Coverage**: the IDF-weighted share of the query's content terms the
//!    chunk matches, fully for the exact stem, an alias or the section a
//!    concept names, partly for a concept synonym or a typo correction.
//!
//! The rankings are fused with Reciprocal Rank Fusion. RRF only knows ranks,
//! so it cannot tell a good match from the least bad one; whether a chunk is
//! returned at all is decided by coverage alone, which has the same meaning
//! for every query and corpus and so can carry a fixed floor
//! ([`IndexConfig::floor`]). A question about two things, each named in
//! words of its own and each in its own chunk, can clear the floor with the
//! two chunks together when neither clears it alone. A question made only of
//! stop words ("tell me about yourself") has no topic at all and gets the
//! summary chunk instead.
//!
//! Building takes about a millisecond for a profile and a search a few
//! microseconds, so nothing is persisted: every cold start rebuilds it.

#[cfg(test)]
mod calibration;
pub(crate) mod hash;
mod lexicon;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};

use hash::FxBuildHasher;
pub(crate) use lexicon::osa_distance;
use lexicon::{
    GROUP_STEMS, GROUPS, GROUPS_BY_STEM, Group, KIND_STEMS, Lexicon, Meaning, PHRASES, is_place,
    is_weak_stem, is_where_stem, phrase_word_matches,
};

use crate::chunk::{Chunk, Section};
use crate::retrieval::{Hit, IndexError, SearchQuery, VectorIndex};
use crate::text;

/// Knobs of the embedded index. The defaults are calibrated on the sample
/// profile (see the `calibration` tests) and rarely need changing.
#[derive(Debug, Clone)]
pub struct IndexConfig {
    /// The relevance floor: the least coverage (the IDF-weighted share of the
    /// query's content terms a chunk matches, in `0..=1`) a chunk needs to be
    /// returned at all. Below it the twin says its profile does not cover the
    /// question. Default 0.55: a chunk must match more than half of what the
    /// question is about, so that one incidental word of a two-word question
    /// ("the meaning of *life*") is not enough.
    pub floor: f32,
    /// Once one chunk clears [`IndexConfig::floor`], the question is
    /// covered, and chunks down to this coverage are returned after the
    /// ones that cleared it, as context, while `top_k` has room. A question
    /// about two things ("what did you speed up at Sternhaul and at
    /// Bursztyn?") or one that leans on an incidental word ("do you mentor
    /// *junior* engineers?" matches a junior job's title better than the
    /// mentoring answer) has its other chunk at about half the floor. The
    /// floor alone still decides whether the profile covers the question.
    /// Default 0.3; set it to the floor or above to return only chunks that
    /// clear the floor.
    pub context_floor: f32,
    /// The `k` of Reciprocal Rank Fusion, `score = sum(1 / (k + rank))`.
    /// Larger values flatten the difference between ranks. Default 60, the
    /// value from the original RRF paper.
    pub rrf_k: f32,
    /// How much the coverage ranking counts in the fusion, relative to BM25
    /// and the trigram cosine (1 each). Coverage says how much of the
    /// question a chunk answers, the others how strongly it uses the
    /// question's words, and a chunk that uses one of them often ("why did
    /// you leave your last *job*?" for "would you move abroad for a job?")
    /// should not outrank the one that answers all of it. Default 2.
    pub coverage_weight: f32,
    /// BM25 term-frequency saturation. Default 1.2.
    pub bm25_k1: f32,
    /// BM25 length normalisation, `0` (none) to `1` (full). Default 0.4,
    /// below the usual 0.75: a chunk's length follows from what it is (a
    /// job is longer than each of its achievements) rather than from
    /// verbosity, so long chunks deserve a milder penalty. With 0.75 and
    /// titles counted twice, "what do you do at Acme?" ranked every
    /// achievement at Acme above the job.
    pub bm25_b: f32,
    /// How many times a chunk's title counts, relative to its text. Titles
    /// name the chunk's topic ("Senior Engineer at Acme", "Project: Kestrel"),
    /// so they deserve more weight than any one word of the text. Default 3,
    /// which put the expected chunk first for more calibration questions
    /// than 2 did (47 of 57 against 42).
    pub title_boost: u32,
    /// Metadata keys whose values are indexed with the text, so they count
    /// once more. Default: only `technologies`, the facts visitors ask about
    /// most ("have you used Kafka?"), which lifts the jobs and projects that
    /// list a technology over chunks that merely mention it. Most other keys
    /// repeat the title (company, institution, category), and counting the
    /// company again made every achievement outrank the job it belongs to.
    pub metadata_keys: Vec<String>,
    /// Credit for matching a query term through a concept synonym
    /// ("college" matching "university"), relative to an exact match.
    /// Default 0.7.
    pub synonym_credit: f32,
    /// Credit for matching a query term through a one-edit typo correction;
    /// two edits earn its square. Default 0.8.
    pub fuzzy_credit: f32,
    /// How much more a word no chunk contains weighs in the coverage score
    /// than its IDF says. BM25's IDF barely separates a word the profile
    /// never uses from its rarest word, yet a foreign word is the strongest
    /// sign that a question is about something else ("the *president* of
    /// the United States" must not match a chunk about currency units and
    /// invalid states). Default 1: an unseen term's IDF is already the
    /// highest any word has, and 1.5 refused rewordings that use one word
    /// the profile lacks (paraphrases answered 0.86 against 0.97 on
    /// `data/eval/questions.json`).
    pub unknown_term_boost: f32,
    /// The share of its weight a weak word ("want", "use", "favourite")
    /// keeps in the coverage score. Default 0: such words frame a question
    /// rather than name its topic, and at 0.3 they diluted the share of the
    /// words that do, which refused rewordings (paraphrases answered 0.90
    /// against 0.97 on `data/eval/questions.json`).
    pub weak_word_weight: f32,
    /// Whether a question made only of stop words ("what do you do?", "tell
    /// me about yourself") returns the summary chunks. Default true.
    pub summary_fallback: bool,
    /// Only the first this many distinct content terms of a query are used,
    /// which bounds the cost of a pasted essay. Default 32.
    pub max_query_terms: usize,
    /// Each signal's ranking is cut to its best this many chunks before
    /// fusion; a chunk below that in every ranking is not returned. Chunks
    /// that clear the floor lead the coverage ranking, so they are only cut
    /// when more than this many clear it. Only large corpora reach it.
    /// Default 100.
    pub rank_depth: usize,
    /// Trigrams found in more than this many chunks are left out of the
    /// trigram signal: at that point they are as common as stop words and
    /// walking their postings costs more than it adds. A profile never has
    /// that many chunks; it matters for large corpora. Default 2000.
    pub trigram_max_df: usize,
}

impl Default for IndexConfig {
    fn default() -> IndexConfig {
        IndexConfig {
            floor: 0.55,
            context_floor: 0.3,
            rrf_k: 60.0,
            coverage_weight: 2.0,
            bm25_k1: 1.2,
            bm25_b: 0.4,
            title_boost: 3,
            metadata_keys: vec!["technologies".to_owned()],
            synonym_credit: 0.7,
            fuzzy_credit: 0.8,
            unknown_term_boost: 1.0,
            weak_word_weight: 0.0,
            summary_fallback: true,
            max_query_terms: 32,
            rank_depth: 100,
            trigram_max_df: 2000,
        }
    }
}

/// One entry of a postings list: a chunk and a precomputed weight (BM25's
/// saturated term frequency, or the normalised trigram weight).
#[derive(Debug, Clone, Copy)]
struct Posting {
    doc: u32,
    weight: f32,
}

/// The in-process index over a profile's chunks. Build it once per process;
/// searching needs only `&self` and is safe from many threads.
pub struct EmbeddedIndex {
    chunks: Vec<Chunk>,
    config: IndexConfig,
    /// Stem -> term id.
    terms: HashMap<Box<str>, u32, FxBuildHasher>,
    term_postings: Postings,
    term_idf: Vec<f32>,
    /// The IDF a term would have if no chunk contained it.
    unknown_idf: f32,
    /// The IDF of a term in a tenth of the chunks: the weight of a weak word
    /// the corpus lacks, before the weak-word factor.
    common_idf: f32,
    /// For each concept group, the ids of its terms the corpus contains.
    group_terms: Vec<Vec<u32>>,
    /// For each topic group, the term id of its section's token.
    group_sections: Vec<Option<u32>>,
    /// For each concept group, the term id of its concept token, which the
    /// chunks dense in the concept's words carry (see [`CONCEPT_DENSITY`]).
    group_concepts: Vec<Option<u32>>,
    /// The corpus's distinct words (lower-cased) with their term ids.
    words: Vec<(Box<str>, u32)>,
    /// Per term, whether some chunk's title uses it.
    title_terms: Vec<bool>,
    /// The corpus's words bucketed for typo correction, built on the first
    /// query with a word the corpus does not know: most queries have none,
    /// so a cold start does not pay for it.
    lexicon: OnceLock<Lexicon>,
    /// Packed trigram -> trigram id.
    grams: HashMap<u64, u32, FxBuildHasher>,
    gram_postings: Postings,
    gram_idf: Vec<f32>,
    unknown_gram_idf: f32,
    /// The summary chunks, for questions without a topic.
    summaries: Vec<u32>,
    /// Score accumulators, reused across searches to avoid zeroing a fresh
    /// buffer per chunk on every query.
    scratch: Mutex<Vec<Scratch>>,
}

impl fmt::Debug for EmbeddedIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmbeddedIndex")
            .field("chunks", &self.chunks.len())
            .field("terms", &self.terms.len())
            .field("trigrams", &self.grams.len())
            .field("words", &self.words.len())
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl EmbeddedIndex {
    /// Indexes `chunks`. Takes about a millisecond for a profile of 60
    /// chunks (see `BENCHMARKS.md`).
    pub fn new(chunks: Vec<Chunk>, config: IndexConfig) -> EmbeddedIndex {
        let mut builder = Builder::with_capacity(&chunks);
        let title_weight = config.title_boost as f32;
        for chunk in &chunks {
            if title_weight > 0.0 {
                // A trailing qualifier in parentheses ("Cut storage cost by
                // 70% (Signalgrove)") says where, not what: it counts once,
                // so that every achievement at a company does not outrank
                // the answer to "why did you leave Signalgrove?".
                let (title, qualifier) = split_qualifier(&chunk.title);
                builder.in_title = true;
                builder.add_text(title, title_weight);
                builder.in_title = false;
                builder.add_text(qualifier, 1.0);
            }
            builder.add_text(&chunk.text, 1.0);
            for key in &config.metadata_keys {
                if let Some(value) = chunk.metadata.get(key) {
                    // The key too: a chunk that lists its technologies
                    // answers "which technologies?".
                    builder.add_text(key, 1.0);
                    builder.add_text(value, 1.0);
                }
            }
            builder.add_token(&section_token(chunk.section), title_weight.max(1.0));
            builder.end_doc();
        }
        let summaries = chunks
            .iter()
            .enumerate()
            .filter(|(_, c)| c.section == Section::Summary)
            .map(|(i, _)| i as u32)
            .collect();
        builder.finish(chunks, config, summaries)
    }

    /// The chunks relevant to `text`, best first: at most `top_k`, each
    /// clearing the relevance floor, with scores in `0..=1`.
    ///
    /// An empty result means the profile does not cover the question. A
    /// question with words but no content words returns the summary chunks
    /// with score 1 (see [`IndexConfig::summary_fallback`]).
    pub fn search(&self, text: &str, top_k: usize) -> Vec<Hit> {
        if top_k == 0 || self.chunks.is_empty() {
            return Vec::new();
        }
        match self.analyse(text) {
            Analysis::Empty => Vec::new(),
            Analysis::NoTopic if self.config.summary_fallback => self
                .summaries
                .iter()
                .take(top_k)
                .map(|&doc| Hit {
                    chunk: self.chunks[doc as usize].clone(),
                    score: 1.0,
                })
                .collect(),
            Analysis::NoTopic => Vec::new(),
            Analysis::Terms(query) => self.rank(&query, top_k),
        }
    }

    /// How many chunks the index holds.
    pub fn len(&self) -> usize {
        self.chunks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chunks.is_empty()
    }

    /// The indexed chunks, in the order they were given.
    pub fn chunks(&self) -> &[Chunk] {
        &self.chunks
    }

    pub fn config(&self) -> &IndexConfig {
        &self.config
    }

    /// Turns the query text into weighted, expanded terms and trigrams.
    fn analyse(&self, text: &str) -> Analysis {
        let mut words: Vec<QueryWord> = Vec::new();
        text::for_each_raw_word(text, |raw, lower, sentence_start| {
            words.push(QueryWord {
                lower: lower.to_owned(),
                stop: text::is_stop_in_context(raw, lower, sentence_start),
                name: written_as_name(raw, sentence_start),
                phrase: false,
                opens_part: sentence_start,
                shared_before: false,
            });
        });
        if words.is_empty() {
            return Analysis::Empty;
        }
        mark_parts(&mut words);
        let words = rewrite_phrases(words);

        let mut terms: Vec<QueryTerm> = Vec::new();
        // Each distinct stem once, with its term if it has one.
        let mut stems: Vec<(String, Option<usize>)> = Vec::new();
        let mut part = 0usize;
        // The terms the next part inherits, when it is a coordinated one.
        let mut shared: Option<Vec<usize>> = None;
        let mut gram_words: Vec<&str> = Vec::new();
        let mut noise = false;
        // The verb right after "you" or "I" ("do you *contribute* to open
        // source?", "how do you *approach* testing?") frames the question
        // rather than naming its topic, so it counts as a weak word.
        let mut after_subject = false;
        let mut after_how = false;
        let mut after_which = false;
        for QueryWord {
            lower,
            stop,
            name,
            phrase,
            opens_part,
            shared_before,
        } in &words
        {
            if *shared_before {
                let current = 1 << part;
                shared = Some(
                    (0..terms.len())
                        .filter(|&t| terms[t].parts & current != 0)
                        .collect(),
                );
            }
            if *opens_part && terms.iter().any(|t| t.parts & (1 << part) != 0) {
                part = (part + 1).min(MAX_PARTS - 1);
                for t in shared.take().unwrap_or_default() {
                    terms[t].parts |= 1 << part;
                }
            }
            // A verb the concept table knows names the topic after all:
            // "do you *mentor* juniors?", "what did you *earn* there?".
            // So does a name: "are you *CISSP* certified?".
            let verb = after_subject && !*stop && !*phrase && !*name && !self.names_topic(lower);
            // "How *big* is Fernwave?" asks for a size, as "how many" asks
            // for a count: the measure says what kind of answer is wanted,
            // not what it is about, and "the *biggest* failure" is no
            // answer to it. It is read as a stop word.
            // So does the unit after "which" or "what": "in *which month*
            // did you join?" asks for a date, and "every month or two" is
            // no answer to it.
            let measure = (after_how && HOW_MEASURES.contains(&lower.as_str()))
                || (after_which && WHICH_UNITS.contains(&lower.as_str()));
            after_how = lower == "how";
            after_which = matches!(lower.as_str(), "which" | "what");
            after_subject = match lower.as_str() {
                "you" | "i" | "we" => true,
                _ if *stop => after_subject && ADVERBS.contains(&lower.as_str()),
                _ => false,
            };
            if *stop || measure || stems.len() >= self.config.max_query_terms {
                continue;
            }
            if is_short_number(lower) {
                noise = true;
                continue;
            }
            let stem = text::stem(lower);
            if let Some((_, seen)) = stems.iter().find(|(s, _)| *s == stem) {
                // A word repeated in another part counts in that part too:
                // "which AWS certification..., and where did you run AWS?"
                if let Some(t) = *seen {
                    terms[t].parts |= 1 << part;
                }
                continue;
            }
            let mut term = self.resolve(lower, &stem, verb);
            if let Some(term) = &mut term {
                term.parts = 1 << part;
                term.name = *name;
                // A name the profile does not know is what the question is
                // about ("translate it into *Japanese*", "your *Lichess*
                // username"), not a rewording of what it knows.
                if term.foreign && term.name && !term.place {
                    term.weight *= FOREIGN_NAME_BOOST;
                }
            }
            stems.push((stem, term.is_some().then_some(terms.len())));
            if let Some(term) = term {
                // Trigrams are there to catch the spelling of the topic;
                // weak words frame the question and only add noise to it.
                if !term.vague {
                    gram_words.push(lower);
                }
                terms.push(term);
            }
        }
        if terms.is_empty() {
            // "What is 2+2?" has a topic, just not one the index can match;
            // only a question made of nothing but stop words has none.
            return if noise {
                Analysis::Empty
            } else {
                Analysis::NoTopic
            };
        }
        // A place says where the visitor is when the question is about
        // where someone works: "would you move to Amsterdam?", "we're a
        // London company: can you be on our payroll?". Anywhere else it is
        // as foreign as any word: "a lot of our merchants are in Madrid" is
        // not about the merchants the profile speaks of.
        if stems
            .iter()
            .any(|(stem, term)| term.is_some() && is_where_stem(stem))
        {
            for term in terms.iter_mut().filter(|t| t.place) {
                term.weight = self.common_idf;
                term.foreign = false;
            }
        }
        // "How old are you?" has a topic the profile lacks, and its one word
        // would match any chunk that says "old": a question (or a part of
        // one) of weak words only matches nothing.
        let mut parts = Vec::new();
        for p in 0..MAX_PARTS {
            let bit = 1u8 << p;
            let mut total = 0.0;
            let mut topical = false;
            for t in terms.iter().filter(|t| t.parts & bit != 0) {
                total += t.weight;
                topical |= !t.vague;
            }
            if topical && total > 0.0 {
                parts.push((bit, total));
            }
        }
        if parts.is_empty() {
            return Analysis::Empty;
        }

        let mut all_grams: Vec<u64> = Vec::new();
        for word in gram_words {
            for_each_trigram(word, |gram| all_grams.push(gram));
        }
        all_grams.sort_unstable();
        let mut grams = Vec::new();
        let mut norm = 0.0;
        for run in all_grams.chunk_by(|a, b| a == b) {
            let (gram, tf) = (run[0], run.len() as f32);
            let tf = 1.0 + tf.ln();
            match self.grams.get(&gram) {
                Some(&id) => {
                    let weight = tf * self.gram_idf[id as usize];
                    norm += weight * weight;
                    grams.push((id, weight));
                }
                None => norm += (tf * self.unknown_gram_idf).powi(2),
            }
        }
        let norm = norm.sqrt();
        for (_, weight) in &mut grams {
            *weight /= norm;
        }
        Analysis::Terms(Query {
            terms,
            grams,
            parts,
        })
    }

    /// What one content word of a query matches, or `None` for a misspelt
    /// stop word, which is dropped like the word itself.
    fn resolve(&self, lower: &str, stem: &str, verb: bool) -> Option<QueryTerm> {
        // A word the corpus lacks weighs as a term no chunk contains; one
        // that neither the corpus nor the concept table knows, even after
        // typo correction, is foreign to the profile and weighs more.
        let foreign = self.unknown_idf * self.config.unknown_term_boost;
        let mut term = QueryTerm {
            weight: self.unknown_idf,
            variants: Vec::new(),
            vague: is_weak_stem(stem),
            parts: 0,
            exact: true,
            foreign: false,
            place: false,
            name: false,
        };
        let mut weak = verb || term.vague;
        if let Some(&id) = self.terms.get(stem) {
            term.weight = self.term_idf[id as usize];
            term.variants.push((id, 1.0));
            self.expand(stem, 1.0, &mut term.variants);
        } else if GROUPS_BY_STEM.contains_key(stem) {
            self.expand(stem, 1.0, &mut term.variants);
        } else if is_place(lower) {
            // A place the profile does not name: foreign, unless the
            // question is about where someone works (see `PLACES` and
            // `analyse`).
            term.exact = false;
            term.place = true;
            term.foreign = true;
            term.weight = foreign;
        } else if is_manner_adverb(lower) {
            // An adverb neither the profile nor the concept table knows
            // ("deliberately", "realistically") says how something is done,
            // not what: it frames the question like a weak word.
            term.vague = true;
            term.exact = false;
            term.weight = self.common_idf;
            weak = true;
        } else {
            let mut corrections = self.lexicon().correct(lower);
            let base = BASE_LEXICON.correct(lower);
            let best = corrections
                .iter()
                .chain(&base)
                .map(|(_, d)| *d)
                .min()
                .unwrap_or(0);
            corrections.extend(base);
            corrections.retain(|(_, d)| *d == best);
            if !corrections.is_empty() && corrections.iter().all(|(m, _)| **m == Meaning::Stop) {
                return None;
            }
            let mut weight: Option<f32> = None;
            let corrected = !corrections.is_empty();
            term.exact = false;
            for (meaning, distance) in corrections {
                let Meaning::Stem(stem) = meaning else {
                    continue;
                };
                if is_weak_stem(stem) {
                    weak = true;
                    term.vague = true;
                }
                let credit = self.config.fuzzy_credit.powi(distance as i32);
                if let Some(&id) = self.terms.get(&**stem) {
                    let idf = self.term_idf[id as usize];
                    weight = Some(weight.map_or(idf, |w| w.max(idf)));
                    term.variants.push((id, credit));
                }
                self.expand(stem, credit, &mut term.variants);
            }
            term.weight = match weight {
                Some(idf) => idf,
                None if corrected => self.unknown_idf,
                // A weak word the profile never uses ("*hoping* to make",
                // "*willing* to move") frames the question all the same; it
                // weighs as a word of ordinary frequency would, not as a
                // foreign one.
                None if term.vague => self.common_idf,
                None => {
                    term.foreign = true;
                    foreign
                }
            };
        }
        // Numbers (years, amounts) are weak evidence that a question is on
        // topic: "Who won the 2018 World Cup?" shares its year with a job.
        if weak || lower.bytes().all(|b| b.is_ascii_digit()) {
            term.weight *= self.config.weak_word_weight;
        }
        // Keep each term once, at its best credit, strongest first: the
        // coverage pass relies on that order.
        term.variants
            .sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        term.variants.dedup_by_key(|v| v.0);
        term.variants
            .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Some(term)
    }

    /// Whether a verb names the question's topic rather than framing it: the
    /// concept table knows it ("do you *mentor*...", "what did you *earn*")
    /// or a chunk's title uses it ("where did you *intern*?" for "Software
    /// Engineering Intern"), where "hold" in "which certifications do you
    /// hold?" is neither.
    fn names_topic(&self, lower: &str) -> bool {
        let stem = text::stem(lower);
        GROUPS_BY_STEM.contains_key(stem.as_str())
            || self
                .terms
                .get(stem.as_str())
                .is_some_and(|&id| self.title_terms.get(id as usize).copied().unwrap_or(false))
    }

    /// The corpus's words for typo correction, built on first use.
    fn lexicon(&self) -> &Lexicon {
        self.lexicon.get_or_init(|| {
            let mut stems: Vec<&str> = vec![""; self.terms.len()];
            for (stem, &id) in &self.terms {
                stems[id as usize] = stem;
            }
            let mut lexicon = Lexicon::default();
            for (word, term) in &self.words {
                lexicon.add(word, Meaning::Stem(stems[*term as usize].into()));
            }
            lexicon
        })
    }

    /// Adds the corpus terms of `stem`'s concept groups.
    fn expand(&self, stem: &str, credit: f32, variants: &mut Vec<(u32, f32)>) {
        let Some(groups) = GROUPS_BY_STEM.get(stem) else {
            return;
        };
        let synonym_credit = credit * self.config.synonym_credit;
        for &g in groups {
            let group = &GROUPS[g as usize];
            // A hobby leads to the interests by the words for its kind
            // ("sports"), not by one pastime ("tennis").
            let leads = group.names_section || KIND_STEMS[g as usize].iter().any(|k| k == stem);
            if let Some(id) = self.group_sections[g as usize].filter(|_| leads) {
                let section_credit = if group.names_section {
                    credit
                } else {
                    synonym_credit
                };
                variants.push((id, section_credit));
            }
            // A hobby leads to the interests chunk only: its words elsewhere
            // mean something else ("reads" in a database, "game days" in
            // reliability work).
            if group.section.is_some() && !group.names_section {
                continue;
            }
            // A word of a theme in a chunk that is not about the theme (the
            // chunk has its token otherwise) is weaker evidence than a
            // synonym: "money" in "a platform that moves money" says little
            // about pay.
            let word_credit = if group.alias {
                credit
            } else if group.theme {
                synonym_credit * self.config.synonym_credit
            } else {
                synonym_credit
            };
            for &id in &self.group_terms[g as usize] {
                variants.push((id, word_credit));
            }
            // A chunk that is about the concept (the salary answer says
            // salary, range, compensation and equity) answers any of its
            // words in full, not just at the synonym credit: "how much money
            // do you want?" is about salary, whatever else mentions money.
            if let Some(id) = self.group_concepts[g as usize] {
                variants.push((id, credit));
            }
        }
    }

    /// Scores the chunks that match `query`, applies the floor and fuses.
    fn rank(&self, query: &Query, top_k: usize) -> Vec<Hit> {
        let mut s = self.take_scratch();
        self.match_terms(query, &mut s);

        // The floor, with a little slack for float rounding so that a chunk
        // matching exactly the floor's share of the query clears it.
        let floor = self.config.floor - 1e-4;
        if !s
            .touched
            .iter()
            .any(|&d| s.acc[d as usize].coverage >= floor)
        {
            // A question of two topics, each in its own chunk ("compare the
            // volumes at the metrics startup and in the tracking pipeline"),
            // is covered by the pair when by neither alone: both clear the
            // floor at the pair's coverage.
            match self.best_pair(query, &s) {
                Some((a, b, together)) => {
                    s.acc[a as usize].coverage = together;
                    s.acc[b as usize].coverage = together;
                }
                None => {
                    s.reset();
                    self.give_back(s);
                    return Vec::new();
                }
            }
        }

        // The trigram cosine of every chunk that matched a term. Chunks that
        // matched none cannot clear the floor, so they are not ranked.
        let trigrams = query.needs_trigrams();
        for &(id, weight) in query.grams.iter().filter(|_| trigrams) {
            let postings = self.gram_postings.get(id);
            if postings.len() > self.config.trigram_max_df {
                continue;
            }
            for p in postings {
                let acc = &mut s.acc[p.doc as usize];
                if acc.stamp != 0 {
                    acc.cosine += weight * p.weight;
                }
            }
        }

        // Reciprocal Rank Fusion of the three rankings, over every candidate,
        // so that where the floor lies does not change the order of the
        // chunks that clear it. Each ranking sorts (score, tie-break, chunk)
        // keys rather than chunk ids, so comparisons never chase pointers.
        let k = self.config.rrf_k;
        let depth = self.config.rank_depth.max(top_k);
        let Scratch {
            acc,
            touched,
            keys,
            fused,
        } = &mut s;
        let coverage_weight = self.config.coverage_weight;
        for signal in [Signal::Bm25, Signal::Cosine, Signal::Coverage] {
            let weight = match signal {
                Signal::Coverage => coverage_weight,
                Signal::Bm25 => 1.0,
                Signal::Cosine if trigrams => 1.0,
                Signal::Cosine => continue,
            };
            keys.clear();
            keys.extend(touched.iter().map(|&d| {
                let a = &acc[d as usize];
                match signal {
                    Signal::Bm25 => (a.bm25, 0.0, d),
                    Signal::Cosine => (a.cosine, a.bm25, d),
                    Signal::Coverage => (a.coverage, a.bm25, d),
                }
            }));
            for (rank, &(_, _, d)) in best_first(keys, depth, by_key).iter().enumerate() {
                let a = &mut acc[d as usize];
                if a.fused == 0.0 {
                    fused.push(d);
                }
                a.fused += weight / (k + rank as f32 + 1.0);
            }
        }
        keys.clear();
        keys.extend(fused.iter().filter_map(|&d| {
            let a = &acc[d as usize];
            (a.coverage >= floor).then_some((a.fused, a.coverage, d))
        }));
        // Normalise by the best possible fused score: first in all lists.
        let max = (1.0 + f32::from(u8::from(trigrams)) + coverage_weight) / (k + 1.0);
        let mut hits: Vec<Hit> = best_first(keys, top_k, by_key)
            .iter()
            .map(|&(score, _, d)| Hit {
                chunk: self.chunks[d as usize].clone(),
                score: (score / max).clamp(0.0, 1.0),
            })
            .collect();
        // Context: chunks below the floor but above the context floor, after
        // every chunk that cleared it, scores capped so they stay sorted.
        let context_floor = self.config.context_floor - 1e-4;
        if hits.len() < top_k && context_floor < floor {
            keys.clear();
            keys.extend(fused.iter().filter_map(|&d| {
                let a = &acc[d as usize];
                (a.coverage >= context_floor && a.coverage < floor)
                    .then_some((a.fused, a.coverage, d))
            }));
            let mut cap = hits.last().map_or(1.0, |h| h.score);
            for &(score, _, d) in best_first(keys, top_k - hits.len(), by_key) {
                cap = cap.min((score / max).clamp(0.0, 1.0));
                hits.push(Hit {
                    chunk: self.chunks[d as usize].clone(),
                    score: cap,
                });
            }
        }
        s.reset();
        self.give_back(s);
        hits
    }

    /// The credit chunk `d` gets for each of the query's terms: that of
    /// the best variant it contains, or 0.
    fn credits(&self, query: &Query, d: u32) -> Vec<f32> {
        query
            .terms
            .iter()
            .map(|term| {
                term.variants
                    .iter()
                    .find(|&&(id, _)| {
                        self.term_postings
                            .get(id)
                            .binary_search_by_key(&d, |p| p.doc)
                            .is_ok()
                    })
                    .map_or(0.0, |&(_, credit)| credit)
            })
            .collect()
    }

    /// The chunks most likely to answer a part of the question: those with
    /// the best coverage, at most [`PAIR_POOL`] of them, with their credits.
    fn pool(&self, query: &Query, s: &Scratch) -> Vec<(u32, Vec<f32>)> {
        let mut keys: Vec<(f32, f32, u32)> = s
            .touched
            .iter()
            .map(|&d| (s.acc[d as usize].coverage, s.acc[d as usize].bm25, d))
            .filter(|&(coverage, _, _)| coverage >= PAIR_MIN_COVERAGE)
            .collect();
        best_first(&mut keys, PAIR_POOL, by_key)
            .iter()
            .map(|&(_, _, d)| (d, self.credits(query, d)))
            .collect()
    }

    /// The two chunks that together cover the question best, with their
    /// coverage together, when it clears the floor and each adds at least
    /// [`PAIR_GAIN`] of a part to the other.
    fn best_pair(&self, query: &Query, s: &Scratch) -> Option<(u32, u32, f32)> {
        let pool = self.pool(query, s);
        let mut best: Option<(u32, u32, f32)> = None;
        for (i, (a, credits_a)) in pool.iter().enumerate() {
            for (b, credits_b) in &pool[i + 1..] {
                if gain(query, credits_a, credits_b) < PAIR_GAIN
                    || gain(query, credits_b, credits_a) < PAIR_GAIN
                {
                    continue;
                }
                let together = coverage_of(query, |t| credits_a[t].max(credits_b[t]));
                if best.is_none_or(|(_, _, c)| together > c) {
                    best = Some((*a, *b, together));
                }
            }
        }
        best.filter(|&(_, _, together)| together >= self.config.floor - 1e-4)
    }

    /// BM25 and coverage in one pass over the postings of the query's
    /// terms. Variants come strongest first, so the first time a chunk is
    /// seen for a term is its best credit for that term; the stamp makes sure
    /// it is counted once.
    fn match_terms(&self, query: &Query, s: &mut Scratch) {
        // The most topical words any chunk matches in full.
        let mut most = 0;
        for (i, term) in query.terms.iter().enumerate() {
            let stamp = i as u32 + 1;
            // The term's share of each part it is in.
            let mut shares = [0.0f32; MAX_PARTS];
            for (slot, &(bit, total)) in query.parts.iter().enumerate() {
                if term.parts & bit != 0 {
                    shares[slot] = term.weight / total;
                }
            }
            for &(id, credit) in &term.variants {
                let idf = self.term_idf[id as usize] * credit;
                for p in self.term_postings.get(id) {
                    let acc = &mut s.acc[p.doc as usize];
                    acc.bm25 += idf * p.weight;
                    if acc.stamp != stamp {
                        if acc.stamp == 0 {
                            s.touched.push(p.doc);
                        }
                        acc.stamp = stamp;
                        if credit >= 1.0 && !term.vague && term.weight > 0.0 {
                            acc.anchors += 1;
                            most = most.max(acc.anchors);
                        }
                        for (part, share) in acc.parts.iter_mut().zip(shares) {
                            *part += share * credit;
                        }
                    }
                }
            }
        }
        // A chunk that matches several of the question's topical words in
        // full is plainly what it is about: its words foreign to the profile
        // are more likely a rewording ("was *eating* them alive", "how much
        // did you *shave* off") than a topic the profile lacks, and weigh as
        // a word of ordinary frequency would. A name is not a rewording.
        let mut relief = [0.0f32; MAX_PARTS];
        for term in query.terms.iter().filter(|t| t.foreign && !t.name) {
            for (slot, &(bit, _)) in query.parts.iter().enumerate() {
                if term.parts & bit != 0 {
                    relief[slot] += (term.weight - self.common_idf).max(0.0);
                }
            }
        }
        for &d in &s.touched {
            let acc = &mut s.acc[d as usize];
            if acc.anchors >= ANCHOR_WORDS && acc.anchors == most {
                for ((part, &(_, total)), relief) in
                    acc.parts.iter_mut().zip(&query.parts).zip(relief)
                {
                    if total > relief {
                        *part = (*part * total / (total - relief)).min(1.0);
                    }
                }
            }
            acc.coverage = acc.parts.iter().copied().fold(0.0, f32::max);
        }
    }

    /// The coverage and BM25 score of every chunk matching any term of
    /// `text`, best coverage first, floor or not: for tuning and tests.
    #[cfg(test)]
    pub(crate) fn explain(&self, text: &str) -> Vec<(String, f32, f32)> {
        let Analysis::Terms(query) = self.analyse(text) else {
            return Vec::new();
        };
        let mut s = self.take_scratch();
        self.match_terms(&query, &mut s);
        let mut out: Vec<(String, f32, f32)> = s
            .touched
            .iter()
            .map(|&d| {
                let a = &s.acc[d as usize];
                (self.chunks[d as usize].title.clone(), a.coverage, a.bm25)
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(b.2.total_cmp(&a.2)));
        s.reset();
        self.give_back(s);
        out
    }

    fn take_scratch(&self) -> Scratch {
        let mut pool = self.scratch.lock().unwrap_or_else(PoisonError::into_inner);
        let scratch = pool.pop();
        drop(pool);
        scratch.unwrap_or_else(|| Scratch::new(self.chunks.len()))
    }

    fn give_back(&self, scratch: Scratch) {
        let mut pool = self.scratch.lock().unwrap_or_else(PoisonError::into_inner);
        // A few spare accumulators cover the concurrency a serverless
        // function sees; more would only hold memory.
        if pool.len() < 4 {
            pool.push(scratch);
        }
    }
}

impl VectorIndex for EmbeddedIndex {
    async fn search(&self, query: &SearchQuery) -> Result<Vec<Hit>, IndexError> {
        Ok(EmbeddedIndex::search(self, &query.text, query.top_k))
    }
}

/// Sorts the best `n` items of `items` to its front and returns them, in
/// `O(len + n log n)` rather than sorting everything.
fn best_first<T>(items: &mut [T], n: usize, order: impl Fn(&T, &T) -> std::cmp::Ordering) -> &[T] {
    let n = n.min(items.len());
    if n == 0 {
        return &[];
    }
    if n < items.len() {
        items.select_nth_unstable_by(n - 1, &order);
    }
    let best = &mut items[..n];
    best.sort_unstable_by(&order);
    best
}

/// How many of the best-covering chunks are weighed as a pair.
const PAIR_POOL: usize = 8;
/// How many of the question's topical words a chunk must match in full for
/// the question's foreign words to weigh less in its coverage.
const ANCHOR_WORDS: u32 = 3;
/// How much more a name foreign to the profile weighs than a foreign word.
/// Any factor from 2 to 6 gives the same results on every question set; 3
/// sits inside that range.
const FOREIGN_NAME_BOOST: f32 = 3.0;
/// The least coverage a chunk needs to be weighed as one of a pair.
const PAIR_MIN_COVERAGE: f32 = 0.15;
/// The least share of a part of the question a chunk must answer that the
/// other of a pair does not.
const PAIR_GAIN: f32 = 0.25;
/// The least number of topical words a chunk of a pair must answer alone.
const PAIR_WORDS: usize = 2;

/// The coverage given each term's credit: its best share of one part.
fn coverage_of(query: &Query, credit: impl Fn(usize) -> f32) -> f32 {
    query
        .parts
        .iter()
        .map(|&(bit, total)| {
            let covered: f32 = query
                .terms
                .iter()
                .enumerate()
                .filter(|(_, t)| t.parts & bit != 0)
                .map(|(i, t)| t.weight * credit(i))
                .sum();
            covered / total
        })
        .fold(0.0, f32::max)
}

/// The share of a part of the question that `other` answers beyond `base`,
/// or 0 when it names fewer than [`PAIR_WORDS`] topical words that `base`
/// lacks: a topic of its own takes more than one word ("the metrics
/// startup"), where a single one is as likely a word the profile uses for
/// something else ("what salary did you get climbing?" has one word in the
/// salary answer and one in the interests).
fn gain(query: &Query, base: &[f32], other: &[f32]) -> f32 {
    let own = query
        .terms
        .iter()
        .enumerate()
        .filter(|&(t, term)| !term.vague && other[t] > 0.0 && base[t] == 0.0)
        .count();
    if own < PAIR_WORDS {
        return 0.0;
    }
    coverage_of(query, |t| (other[t] - base[t]).max(0.0))
}

/// A question is cut into at most this many parts; the rest of a longer one
/// belongs to its last part.
const MAX_PARTS: usize = 4;

/// Words after "and" that start a new question within a question: "...,
/// and *which* library came out of it?", "and *did* you...".
const PART_OPENERS: &[&str] = &[
    "are", "can", "could", "did", "do", "does", "has", "have", "how", "is", "tell", "was", "were",
    "what", "when", "where", "which", "who", "why", "will", "would",
];

/// Prepositions that, repeated after "and", coordinate two things asked the
/// same question: "at Sternhaul and at Bursztyn".
const COORDINATED: &[&str] = &["about", "at", "during", "for", "from", "in", "on", "with"];

/// Marks where the parts of a question begin: at each sentence after the
/// first (already marked by the caller), at a question word after a
/// conjunction, at a preposition after "and" that repeats one of the same
/// part, and at a word after "and" that coordinates with the word before
/// it ("Rust and Go"); a coordinated part shares what was asked before the
/// first of the pair.
fn mark_parts(words: &mut [QueryWord]) {
    if let Some(first) = words.first_mut() {
        first.opens_part = false;
    }
    let mut part_start = 0;
    for i in 1..words.len() {
        if words[i].opens_part {
            part_start = i;
            continue;
        }
        if !matches!(
            words[i - 1].lower.as_str(),
            "and" | "also" | "plus" | "but" | "or"
        ) {
            continue;
        }
        let word = words[i].lower.as_str();
        if PART_OPENERS.contains(&word) && words[i - 1].lower != "or" {
            words[i].opens_part = true;
            part_start = i;
        } else if COORDINATED.contains(&word)
            && let Some(j) = (part_start..i - 1).rev().find(|&j| words[j].lower == word)
        {
            words[j].shared_before = true;
            words[i].opens_part = true;
            part_start = i;
        } else if !words[i].stop
            && i >= 2
            && !words[i - 2].stop
            && i - 2 >= part_start
            && !words[part_start..i].iter().any(|w| w.lower == "between")
        {
            // "Tell me about tramboard and pgfault": two things, each asked
            // what was asked of the first. Not "the difference between TCP
            // and UDP", which is asked of both together.
            words[i - 2].shared_before = true;
            words[i].opens_part = true;
            part_start = i;
        }
    }
}

/// Stop words that may sit between a subject and its verb ("have you
/// *ever* managed").
const ADVERBS: &[&str] = &["also", "ever", "just", "really", "still"];

/// The measures a "how" asks for ("how *big*", "how *often*").
#[rustfmt::skip]
/// Not "soon", which the concept table reads as when someone could start,
/// nor "old" or "tall", whose question ("how old are you?") is about the
/// owner's person, which the profile does not cover.
const HOW_MEASURES: &[&str] = &[
    "big", "bigger", "busy", "deep", "far", "frequently", "good", "large", "larger", "many",
    "much", "often", "small", "well",
];

/// What a "which" or "what" asks for when it asks for a date ("which
/// *month*") or a quantity ("what *figure* do you have in mind?"): the kind
/// of answer, not its topic.
#[rustfmt::skip]
const WHICH_UNITS: &[&str] = &[
    "amount", "date", "day", "figure", "month", "number", "week", "year",
];

/// True for a number of one or two digits ("2" in "2+2", "5" in "4.5 out
/// of 5"): too common in chunks and too vague in questions to match on.
fn is_short_number(word: &str) -> bool {
    word.len() <= 2 && word.bytes().all(|b| b.is_ascii_digit())
}

/// Splits a trailing parenthesised qualifier off a title: `("Cut storage
/// cost", "(Signalgrove)")`. A title without one is returned whole.
fn split_qualifier(title: &str) -> (&str, &str) {
    let trimmed = title.trim_end();
    if trimmed.ends_with(')')
        && let Some(open) = trimmed.rfind(" (")
        && !trimmed[..open].trim().is_empty()
    {
        return (&trimmed[..open], &trimmed[open..]);
    }
    (title, "")
}

/// Whether a lower-case word is one of the weak words that frame a question
/// rather than name its topic ("use", "want", "run").
pub(crate) fn is_weak_word(lower: &str) -> bool {
    is_weak_stem(&text::stem(lower))
}

/// [`is_weak_word`] for a word already stemmed.
pub(crate) fn is_weak_term(stem: &str) -> bool {
    is_weak_stem(stem)
}

/// The concept groups (and aliases) a stem belongs to, ascending: two words
/// that share one are rewordings of each other ("alarms" and "alerts",
/// "migration" and "replaced"). For matching within retrieved chunks, such
/// as the composer's choice of sentence. Hobby groups are left out: their
/// words mean something else outside the interests chunk ("reads" in a
/// database).
pub(crate) fn word_groups(stem: &str) -> &'static [u16] {
    static WORD_GROUPS: LazyLock<StemGroups> =
        LazyLock::new(|| groups_where(|group| group.section.is_none() || group.names_section));
    WORD_GROUPS.get(stem).map_or(&[], Vec::as_slice)
}

/// Whether group `g` of [`word_groups`] names a section (education, skills):
/// its words share a topic ("degree", "thesis"), which tells a sentence on
/// it from one that is not, without being rewordings of each other.
pub(crate) fn is_topic_group(g: u16) -> bool {
    GROUPS[g as usize].section.is_some()
}

/// Whether concept group `g` is a theme: words on one subject ("lead",
/// "manager", "mentor"), not rewordings of one another.
pub(crate) fn is_theme_group(g: u16) -> bool {
    GROUPS[g as usize].theme
}

/// How many distinct words (stems) of a theme a chunk must use to be about
/// it and carry its token: two, so that one incidental "money" (in "a
/// platform that moves money") is not enough while an answer about pay,
/// which says salary, range and compensation, is. A word in the title
/// counts as two.
const CONCEPT_DENSITY: f32 = 2.0;

/// The theme groups a stem belongs to.
fn concept_groups(stem: &str) -> &'static [u16] {
    static CONCEPTS: LazyLock<StemGroups> = LazyLock::new(|| groups_where(|group| group.theme));
    CONCEPTS.get(stem).map_or(&[], Vec::as_slice)
}

/// Stems, each with some of the groups it belongs to, ascending.
type StemGroups = HashMap<&'static str, Vec<u16>, FxBuildHasher>;

/// [`GROUPS_BY_STEM`] narrowed to the groups `keep` accepts.
fn groups_where(keep: fn(&Group) -> bool) -> StemGroups {
    GROUPS_BY_STEM
        .iter()
        .map(|(stem, groups)| {
            let kept = groups
                .iter()
                .copied()
                .filter(|&g| keep(&GROUPS[g as usize]))
                .collect();
            (stem.as_str(), kept)
        })
        .collect()
}

/// The pseudo-term a chunk about concept group `g` carries. The `@` keeps it
/// apart from any word.
fn concept_token(g: usize) -> String {
    format!("@{g}")
}

/// The pseudo-term that marks a chunk's section. The `#` keeps it apart
/// from any word, since words never contain one.
fn section_token(section: Section) -> String {
    format!("#{}", section.as_str())
}

/// One word of a query.
#[derive(Debug, Clone, PartialEq)]
struct QueryWord {
    lower: String,
    stop: bool,
    /// Whether it is written as a name (see [`written_as_name`]).
    name: bool,
    /// Whether it replaced a phrase of [`PHRASES`].
    phrase: bool,
    /// Whether it opens a part of the question (see [`Query::parts`]).
    opens_part: bool,
    /// Whether the next part inherits the terms before this word: "what did
    /// you speed up *at* Sternhaul and at Bursztyn?" asks the same of both.
    shared_before: bool,
}

/// Whether a query word is written as a name: capitalised where no
/// sentence opens, or with a capital after its first letter ("CISSP",
/// "GraphQL"), and not "I".
pub(crate) fn written_as_name(raw: &str, sentence_start: bool) -> bool {
    let mut letters = raw.chars();
    let first = letters.next().is_some_and(char::is_uppercase);
    raw != "I" && ((first && !sentence_start) || letters.any(char::is_uppercase))
}

/// Replaces the multi-word phrases of [`PHRASES`] with their concept word.
fn rewrite_phrases(words: Vec<QueryWord>) -> Vec<QueryWord> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    'words: while i < words.len() {
        for (phrase, replacement) in PHRASES {
            let end = i + phrase.len();
            if end <= words.len()
                && words[i..end]
                    .iter()
                    .zip(*phrase)
                    .all(|(w, p)| phrase_word_matches(p, &w.lower))
            {
                out.push(QueryWord {
                    lower: (*replacement).to_owned(),
                    // A phrase that only frames the question ("end up",
                    // "any chance") is replaced by a stop word.
                    stop: text::is_stop_word(replacement),
                    name: false,
                    phrase: true,
                    opens_part: words[i..end].iter().any(|w| w.opens_part),
                    shared_before: words[i..end].iter().any(|w| w.shared_before),
                });
                i = end;
                continue 'words;
            }
        }
        out.push(words[i].clone());
        i += 1;
    }
    out
}

/// Whether `word` looks like an adverb of manner: six letters or more
/// ending in "-ly", but not "-ily", "-fly" or "-ply" ("family", "butterfly",
/// "supply" are nouns and verbs).
fn is_manner_adverb(word: &str) -> bool {
    word.len() >= 6
        && word.ends_with("ly")
        && !["ily", "fly", "ply"].iter().any(|end| word.ends_with(end))
}

/// Calls `f` with the packed trigrams of `word` padded with a space on each
/// side, so that "go" gives " go" and "go ", and word starts and ends weigh
/// as much as their middles. Characters are packed 21 bits each, so distinct
/// trigrams never collide.
fn for_each_trigram(word: &str, mut f: impl FnMut(u64)) {
    let mut window = [u64::from(' '); 3];
    let mut filled = 1;
    for ch in word.chars().chain(std::iter::once(' ')) {
        window = [window[1], window[2], u64::from(ch)];
        filled += 1;
        if filled >= 3 {
            f(window[0] << 42 | window[1] << 21 | window[2]);
        }
    }
}

/// Stop words and the words of the concept table: what a typo can be
/// corrected to besides the corpus's own words. Built once per process.
static BASE_LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let mut lexicon = Lexicon::default();
    for word in text::STOP_WORDS {
        lexicon.add(word, Meaning::Stop);
    }
    for group in GROUPS {
        for word in group.words {
            lexicon.add(word, Meaning::Stem(text::stem(word).into()));
        }
    }
    lexicon
});

/// An analysed query.
enum Analysis {
    /// No words at all.
    Empty,
    /// Only stop words: a question about the person in general.
    NoTopic,
    Terms(Query),
}

struct Query {
    terms: Vec<QueryTerm>,
    /// Trigram ids with their weights, normalised over all of the query's
    /// trigrams (including those no chunk has).
    grams: Vec<(u32, f32)>,
    /// The parts of the question that have a topic, each as its bit in
    /// [`QueryTerm::parts`] and the total weight of its terms. A question is
    /// cut into parts at its sentences and at "and" before a question word
    /// ("what did you build at Sternhaul, *and which* library came out of
    /// it?"); a chunk's coverage is its best coverage of one part, so a
    /// question about two things finds the chunk for each.
    parts: Vec<(u8, f32)>,
}

/// One content word of a query.
#[derive(Debug)]
struct QueryTerm {
    /// Its share of the query: the IDF of the term, or of its correction,
    /// or the IDF of a term no chunk contains.
    weight: f32,
    /// Corpus terms that count as a match, with their credit, best first.
    variants: Vec<(u32, f32)>,
    /// Whether the word is one of the weak words that say nothing about a
    /// topic ("old", "new", "want").
    vague: bool,
    /// The parts of the question the word is in, as bits.
    parts: u8,
    /// Whether the word is spelt as the corpus or the concept table has
    /// it, rather than corrected or unknown.
    exact: bool,
    /// Whether it is a place the profile does not name.
    place: bool,
    /// Whether neither the profile nor the concept table knows the word,
    /// even after correction.
    foreign: bool,
    /// Whether the question writes it as a name ("Google", "PagerDuty").
    name: bool,
}

impl Query {
    /// Whether every topical word is spelt as the profile or the concept
    /// table has it. The trigram signal is there for misspellings and
    /// variant forms; without any, it only rewards chunks that repeat the
    /// question's literal words ("money" in "money-moving") over the one
    /// that answers it, so it is left out of the fusion.
    fn needs_trigrams(&self) -> bool {
        self.terms.iter().any(|t| !t.vague && !t.exact)
    }
}

/// Per-chunk accumulators for one search, reused across searches. Zeroing
/// them only where the last search wrote keeps a search on a large corpus
/// from paying for every chunk.
struct Scratch {
    acc: Vec<Acc>,
    /// The chunks the search touched: the candidates.
    touched: Vec<u32>,
    /// Sort keys: (score, tie-break score, chunk).
    keys: Vec<(f32, f32, u32)>,
    /// The chunks with a fused score.
    fused: Vec<u32>,
}

/// One chunk's scores, together so that a search touches one cache line
/// per chunk.
#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    bm25: f32,
    coverage: f32,
    /// Coverage of each part of the question; `coverage` is the best.
    parts: [f32; MAX_PARTS],
    cosine: f32,
    fused: f32,
    /// 0 for an untouched chunk, else 1 + the last query term credited.
    stamp: u32,
    /// How many topical words of the query it matches in full.
    anchors: u32,
}

/// The signals fused into the ranking.
#[derive(Debug, Clone, Copy)]
enum Signal {
    Bm25,
    Cosine,
    Coverage,
}

/// Best first: higher score, then higher tie-break score, then earlier chunk.
fn by_key(a: &(f32, f32, u32), b: &(f32, f32, u32)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0)
        .then(b.1.total_cmp(&a.1))
        .then(a.2.cmp(&b.2))
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            acc: vec![Acc::default(); n],
            touched: Vec::new(),
            keys: Vec::new(),
            fused: Vec::new(),
        }
    }

    fn reset(&mut self) {
        for &d in &self.touched {
            self.acc[d as usize] = Acc::default();
        }
        self.touched.clear();
        self.fused.clear();
        self.keys.clear();
    }
}

/// The postings lists of all terms (or trigrams) in one allocation, as
/// compressed sparse rows: the list of id `i` is
/// `entries[offsets[i]..offsets[i + 1]]`, sorted by chunk.
#[derive(Debug, Default)]
struct Postings {
    offsets: Vec<u32>,
    entries: Vec<Posting>,
}

impl Postings {
    fn get(&self, id: u32) -> &[Posting] {
        let id = id as usize;
        &self.entries[self.offsets[id] as usize..self.offsets[id + 1] as usize]
    }

    /// Lays out `(id, chunk, value)` triples, given in chunk order, by id;
    /// `weight` turns each into its posting weight.
    fn from_triples(
        counts: &[u32],
        triples: &[(u32, u32, f32)],
        mut weight: impl FnMut(u32, u32, f32) -> f32,
    ) -> Postings {
        let mut offsets = Vec::with_capacity(counts.len() + 1);
        let mut total = 0;
        offsets.push(0);
        for &count in counts {
            total += count;
            offsets.push(total);
        }
        let mut cursor: Vec<u32> = offsets[..counts.len()].to_vec();
        let mut entries = vec![
            Posting {
                doc: 0,
                weight: 0.0
            };
            total as usize
        ];
        for &(id, doc, value) in triples {
            let slot = &mut cursor[id as usize];
            entries[*slot as usize] = Posting {
                doc,
                weight: weight(id, doc, value),
            };
            *slot += 1;
        }
        Postings { offsets, entries }
    }
}

/// The `words` entry of a word that is not indexed (a stop word).
const SKIPPED: u32 = u32::MAX;

/// Collects postings chunk by chunk while the index is built.
#[derive(Default)]
struct Builder {
    /// Lower-cased word -> word id ([`SKIPPED`] for a stop word), so each
    /// distinct word is checked, stemmed and split into trigrams only once.
    words: HashMap<Box<str>, u32, FxBuildHasher>,
    /// Per word id: its term and the range of its trigrams in `word_grams`.
    word_info: Vec<(u32, u32, u32)>,
    word_grams: Vec<u32>,
    terms: HashMap<Box<str>, u32, FxBuildHasher>,
    grams: HashMap<u64, u32, FxBuildHasher>,
    /// (term, chunk, weighted term frequency), in chunk order.
    term_triples: Vec<(u32, u32, f32)>,
    /// Per term, the number of chunks containing it.
    term_df: Vec<u32>,
    gram_triples: Vec<(u32, u32, f32)>,
    gram_df: Vec<u32>,
    /// The current chunk's distinct words, terms and trigrams, with their
    /// frequencies in dense arrays indexed by id. Words are counted first
    /// and expanded to terms and trigrams once per chunk, so a repeated word
    /// costs one addition.
    doc_words: Vec<u32>,
    doc_word_tf: Vec<f32>,
    doc_terms: Vec<u32>,
    doc_term_tf: Vec<f32>,
    doc_grams: Vec<u32>,
    doc_gram_tf: Vec<f32>,
    doc_len: Vec<f32>,
    /// Per term, the concept groups its stem belongs to.
    term_concepts: Vec<&'static [u16]>,
    /// Whether the words being added are a title's.
    in_title: bool,
    /// Per term, whether some chunk's title uses it.
    title_terms: Vec<bool>,
    /// Per concept group, how often the current chunk uses its words.
    doc_concept_tf: Vec<f32>,
    doc_concepts: Vec<u16>,
}

impl Builder {
    /// A builder with room for `chunks`, estimated from their size, so that
    /// the maps and vectors do not grow and rehash while indexing.
    fn with_capacity(chunks: &[Chunk]) -> Builder {
        let bytes: usize = chunks
            .iter()
            .map(|c| c.title.len() + c.text.len() + 32)
            .sum();
        // About one content word per 12 bytes of prose, fewer distinct ones.
        let words = bytes / 12;
        Builder {
            words: HashMap::with_capacity_and_hasher(words / 2, FxBuildHasher::default()),
            terms: HashMap::with_capacity_and_hasher(words / 2, FxBuildHasher::default()),
            grams: HashMap::with_capacity_and_hasher(
                (words * 2).min(1 << 16),
                FxBuildHasher::default(),
            ),
            term_triples: Vec::with_capacity(words),
            gram_triples: Vec::with_capacity(words * 6),
            doc_len: Vec::with_capacity(chunks.len()),
            ..Builder::default()
        }
    }

    fn add_text(&mut self, text: &str, weight: f32) {
        text::for_each_raw_word(text, |raw, lower, sentence_start| {
            // Only "go", "it" and "us" need their context to tell whether
            // they stop; every other word's fate is cached in `words`, so
            // a repeated word costs one lookup.
            if text::is_case_sensitive(lower) {
                if !text::is_stop_in_context(raw, lower, sentence_start) {
                    self.add_word(lower, weight);
                }
                return;
            }
            self.add_word(lower, weight);
        });
    }

    /// Adds a term that is not a word (a section token): no stemming, no
    /// trigrams, no typo correction.
    fn add_token(&mut self, token: &str, weight: f32) {
        let next = self.terms.len() as u32;
        let term = *self.terms.entry(token.into()).or_insert(next);
        if term == next {
            self.term_df.push(0);
            self.doc_term_tf.push(0.0);
            self.term_concepts.resize(next as usize + 1, &[]);
        }
        let tf = &mut self.doc_term_tf[term as usize];
        if *tf == 0.0 {
            self.doc_terms.push(term);
        }
        *tf += weight;
    }

    fn add_word(&mut self, lower: &str, weight: f32) {
        let word = match self.words.get(lower) {
            Some(&SKIPPED) => return,
            Some(&word) => word,
            None if !text::is_case_sensitive(lower)
                && (text::is_stop_word(lower) || is_short_number(lower)) =>
            {
                self.words.insert(lower.into(), SKIPPED);
                return;
            }
            None => self.new_word(lower),
        };
        if self.in_title {
            let term = self.word_info[word as usize].0 as usize;
            if self.title_terms.len() <= term {
                self.title_terms.resize(term + 1, false);
            }
            self.title_terms[term] = true;
        }
        let tf = &mut self.doc_word_tf[word as usize];
        if *tf == 0.0 {
            self.doc_words.push(word);
        }
        *tf += weight;
    }

    /// Stems and splits a word seen for the first time.
    fn new_word(&mut self, lower: &str) -> u32 {
        let stem = text::stem(lower);
        let next = self.terms.len() as u32;
        let concepts = concept_groups(&stem);
        let term = *self.terms.entry(stem.into()).or_insert(next);
        if term == next {
            self.term_df.push(0);
            self.doc_term_tf.push(0.0);
            self.term_concepts.resize(next as usize, &[]);
            self.term_concepts.push(concepts);
        }
        let start = self.word_grams.len() as u32;
        for_each_trigram(lower, |gram| {
            let next = self.grams.len() as u32;
            let id = *self.grams.entry(gram).or_insert(next);
            if id == next {
                self.gram_df.push(0);
                self.doc_gram_tf.push(0.0);
            }
            self.word_grams.push(id);
        });
        let word = self.word_info.len() as u32;
        self.word_info
            .push((term, start, self.word_grams.len() as u32));
        self.doc_word_tf.push(0.0);
        self.words.insert(lower.into(), word);
        word
    }

    fn end_doc(&mut self) {
        let doc = self.doc_len.len() as u32;
        for &word in &self.doc_words {
            let tf = std::mem::take(&mut self.doc_word_tf[word as usize]);
            let (term, start, end) = self.word_info[word as usize];
            let term_tf = &mut self.doc_term_tf[term as usize];
            if *term_tf == 0.0 {
                self.doc_terms.push(term);
            }
            *term_tf += tf;
            for &gram in &self.word_grams[start as usize..end as usize] {
                let gram_tf = &mut self.doc_gram_tf[gram as usize];
                if *gram_tf == 0.0 {
                    self.doc_grams.push(gram);
                }
                *gram_tf += tf;
            }
        }
        self.doc_words.clear();
        self.add_concept_tokens();
        let mut len = 0.0;
        for &term in &self.doc_terms {
            let tf = std::mem::take(&mut self.doc_term_tf[term as usize]);
            len += tf;
            self.term_df[term as usize] += 1;
            self.term_triples.push((term, doc, tf));
        }
        self.doc_terms.clear();
        for &gram in &self.doc_grams {
            let tf = std::mem::take(&mut self.doc_gram_tf[gram as usize]);
            self.gram_df[gram as usize] += 1;
            self.gram_triples.push((gram, doc, tf));
        }
        self.doc_grams.clear();
        self.doc_len.push(len);
    }

    /// Gives the current chunk the token of each theme of which it uses at
    /// least [`CONCEPT_DENSITY`] distinct words (stems), or one of them
    /// three times, as a title word is counted: "What team size do you
    /// prefer?" is about teams.
    fn add_concept_tokens(&mut self) {
        if self.doc_concept_tf.is_empty() {
            self.doc_concept_tf = vec![0.0; GROUPS.len()];
        }
        for &term in &self.doc_terms {
            let groups = self.term_concepts.get(term as usize).copied();
            // A word used three times (once in a title counts three times)
            // weighs as two distinct words.
            let weight = if self.doc_term_tf[term as usize] >= 3.0 {
                2.0
            } else {
                1.0
            };
            for &g in groups.unwrap_or(&[]) {
                let count = &mut self.doc_concept_tf[g as usize];
                if *count == 0.0 {
                    self.doc_concepts.push(g);
                }
                *count += weight;
            }
        }
        let mut dense = Vec::new();
        for g in self.doc_concepts.drain(..) {
            if std::mem::take(&mut self.doc_concept_tf[g as usize]) >= CONCEPT_DENSITY {
                dense.push(g);
            }
        }
        for g in dense {
            self.add_token(&concept_token(g as usize), 1.0);
        }
    }

    fn finish(self, chunks: Vec<Chunk>, config: IndexConfig, summaries: Vec<u32>) -> EmbeddedIndex {
        let n = chunks.len() as f32;
        let avg_len = if chunks.is_empty() {
            1.0
        } else {
            (self.doc_len.iter().sum::<f32>() / n).max(1.0)
        };
        let bm25_idf = |df: f32| (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        let (k1, b) = (config.bm25_k1, config.bm25_b);

        // BM25's saturated, length-normalised term frequency, precomputed so
        // that a search only multiplies it by the IDF.
        let term_idf: Vec<f32> = self.term_df.iter().map(|&df| bm25_idf(df as f32)).collect();
        let doc_len = &self.doc_len;
        let term_postings =
            Postings::from_triples(&self.term_df, &self.term_triples, |_, doc, tf| {
                let norm = 1.0 - b + b * doc_len[doc as usize] / avg_len;
                tf * (k1 + 1.0) / (tf + k1 * norm)
            });

        // Trigram TF-IDF with sublinear tf, normalised per chunk so that the
        // dot product with a normalised query is the cosine.
        let gram_idf_of = |df: f32| ((n + 1.0) / (df + 1.0)).ln() + 1.0;
        let gram_idf: Vec<f32> = self
            .gram_df
            .iter()
            .map(|&df| gram_idf_of(df as f32))
            .collect();
        let mut norms = vec![0.0f32; chunks.len()];
        let mut gram_postings =
            Postings::from_triples(&self.gram_df, &self.gram_triples, |gram, doc, tf| {
                // Most trigrams occur once in a chunk; skip the logarithm.
                let tf = if tf == 1.0 { 1.0 } else { 1.0 + tf.ln() };
                let weight = tf * gram_idf[gram as usize];
                norms[doc as usize] += weight * weight;
                weight
            });
        for norm in &mut norms {
            *norm = norm.sqrt().recip();
        }
        for p in &mut gram_postings.entries {
            p.weight *= norms[p.doc as usize];
        }

        let group_terms: Vec<Vec<u32>> = GROUP_STEMS
            .iter()
            .map(|stems| {
                let mut ids: Vec<u32> = stems
                    .iter()
                    .filter_map(|stem| self.terms.get(stem.as_str()).copied())
                    .collect();
                ids.sort_unstable();
                ids
            })
            .collect();

        // A hobby leads to its section only when a chunk there speaks of
        // that kind of hobby: "any sports?" is answered by "bouldering,
        // surfing and cycling", while "what music are you into?" is not
        // answered by any of them.
        let group_sections = GROUPS
            .iter()
            .zip(&group_terms)
            .map(|(group, ids)| {
                let section = group.section?;
                let token = self.terms.get(section_token(section).as_str()).copied()?;
                let spoken_of = group.names_section
                    || ids.iter().any(|&id| {
                        term_postings
                            .get(id)
                            .iter()
                            .any(|p| chunks[p.doc as usize].section == section)
                    });
                spoken_of.then_some(token)
            })
            .collect();

        let group_concepts = (0..GROUPS.len())
            .map(|g| self.terms.get(concept_token(g).as_str()).copied())
            .collect();

        EmbeddedIndex {
            group_sections,
            group_concepts,
            unknown_idf: bm25_idf(0.0),
            common_idf: bm25_idf(n / 10.0),
            unknown_gram_idf: gram_idf_of(0.0),
            words: self
                .words
                .into_iter()
                .filter(|&(_, id)| id != SKIPPED)
                .map(|(word, id)| (word, self.word_info[id as usize].0))
                .collect(),
            lexicon: OnceLock::new(),
            title_terms: self.title_terms,
            terms: self.terms,
            term_postings,
            term_idf,
            group_terms,
            grams: self.grams,
            gram_postings,
            gram_idf,
            summaries,
            scratch: Mutex::new(Vec::new()),
            chunks,
            config,
        }
    }
}
