//! Follow-ups: what a message that leans on the conversation is about.
//!
//! The server is stateless, so everything comes from the turns the client
//! sends. A message can refer back ("what did you use *there*?", "how many
//! stars does *it* have?", "the *second* one", "the *Go* one") or continue
//! the last question with a subject of its own ("*and* Portuguese?", "*what
//! about* Go?"). The
//! subject of the conversation is recovered from the last answer: the
//! chunks an extractive answer quotes (verbatim, so they are found exactly),
//! or else the profile's named things it mentions (employers, projects,
//! schools, certifications, skills), or else, for a generated answer that
//! names nothing known, the answer's own words; and from the last question
//! when the answer gives nothing (a refusal).

use crate::chunk::{Section, chunk_profile};
use crate::model::{Role, Turn};
use crate::profile::Profile;
use crate::retrieval::Hit;
use crate::text;

/// How a message leans on the conversation before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dependence {
    /// It refers back to what was discussed ("what did you use *there*?",
    /// "how many stars does *it* have?", "the *second* one", "*both*").
    Refers,
    /// It continues the last question with a subject of its own ("*and*
    /// your bachelor's thesis?", "*what about* Go?").
    Continues,
}

/// Whether and how a message only makes sense with the conversation before
/// it; `None` for a message that stands alone.
///
/// "It" and "there" right after a form of "be" are dummies ("is *there* a
/// way", "is *it* possible"), and "that" or "this" before a pronoun opens a
/// clause ("a project *that* you liked"), so they do not count.
pub(super) fn dependence(message: &str) -> Option<Dependence> {
    let words = lower_words(message);
    let first = words.first()?;
    let refers = words.iter().enumerate().any(|(i, word)| {
        let previous = i.checked_sub(1).map(|p| words[p].as_str());
        let next = words.get(i + 1).map(String::as_str);
        match word.as_str() {
            "it" | "there" => !previous.is_some_and(is_be),
            "its" | "them" | "they" | "their" | "those" | "these" => true,
            // "the two", "the three": a pair or trio named before, unless a
            // noun follows ("the two projects").
            "two" | "three" => previous == Some("the") && next.is_none_or(is_function_word),
            "both" => next.is_none_or(|n| n == "of"),
            // "the company", "the project": a thing of a kind named before.
            "the" => next.is_some_and(is_kind_noun),
            "that" | "this" => next.is_none_or(|n| !is_pronoun(n)),
            "then" => next.is_none(),
            // "the Kubernetes one?", "which one?", "the second one", "does
            // the Go one have...".
            "one" | "ones" => {
                next.is_none()
                    || previous.is_some_and(|p| {
                        ordinal(p).is_some()
                            || matches!(p, "that" | "this" | "which" | "other" | "the")
                    })
                    || (i >= 2 && words[i - 2] == "the")
            }
            _ => ordinal(word).is_some() && next.is_none_or(|n| n == "one" || n == "ones"),
        }
    });
    if refers {
        return Some(Dependence::Refers);
    }
    let continues = matches!(first.as_str(), "and" | "also" | "but" | "plus")
        || (words.len() > 1 && matches!(first.as_str(), "what" | "how") && words[1] == "about");
    continues.then_some(Dependence::Continues)
}

fn lower_words(message: &str) -> Vec<String> {
    let mut words = Vec::new();
    text::for_each_raw_word(message, |_, lower, _| words.push(lower.to_owned()));
    words
}

/// The position a message picks from a list by an ordinal used as a noun
/// ("the second one", "and the last?"), not as an adjective ("your first
/// job").
fn referring_ordinal(message: &str) -> Option<isize> {
    let words = lower_words(message);
    words.iter().enumerate().find_map(|(i, word)| {
        let next = words.get(i + 1).map(String::as_str);
        ordinal(word).filter(|_| next.is_none_or(|n| n == "one" || n == "ones"))
    })
}

/// The word that picks one of several things named before, as written:
/// "Go" in "how many stars does the Go one have?", "Berlin" in "and the
/// Berlin one?".
fn qualifier(message: &str) -> Option<String> {
    let mut words: Vec<(String, String)> = Vec::new();
    text::for_each_raw_word(message, |raw, lower, _| {
        words.push((raw.to_owned(), lower.to_owned()));
    });
    words.windows(3).find_map(|w| {
        let [(_, the), (raw, lower), (_, one)] = w else {
            return None;
        };
        let picks = the == "the"
            && matches!(one.as_str(), "one" | "ones")
            && ordinal(lower).is_none()
            && !matches!(
                lower.as_str(),
                "other" | "same" | "only" | "right" | "wrong"
            );
        picks.then(|| raw.clone())
    })
}

/// The position an ordinal names: 1 for "first", -1 for "last".
fn ordinal(word: &str) -> Option<isize> {
    Some(match word {
        "first" | "1st" | "former" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        "fifth" | "5th" => 5,
        "last" | "latter" => -1,
        _ => return None,
    })
}

/// A stop word or a weak word: not the noun a number would count ("the
/// two *projects*" names its own topic, "the two *run*..." refers back).
fn is_function_word(word: &str) -> bool {
    text::is_stop_word(word) || crate::index::is_weak_word(word)
}

/// Kinds of thing a profile names, which "the" turns into a reference to
/// the one just discussed: "how big was *the company*?".
fn is_kind_noun(word: &str) -> bool {
    matches!(
        word,
        "company"
            | "employer"
            | "startup"
            | "job"
            | "role"
            | "position"
            | "team"
            | "project"
            | "library"
            | "crate"
            | "tool"
            | "talk"
            | "meetup"
            | "degree"
            | "thesis"
            | "university"
            | "school"
            | "certification"
            | "certificate"
    )
}

fn is_be(word: &str) -> bool {
    matches!(
        word,
        "is" | "are" | "was" | "were" | "be" | "been" | "isn" | "wasn" | "s"
    )
}

fn is_pronoun(word: &str) -> bool {
    matches!(
        word,
        "i" | "you" | "he" | "she" | "we" | "they" | "it" | "is" | "was" | "s" | "your" | "my"
    )
}

/// What a message leans on, found in the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Context {
    /// What to search for with the message.
    pub text: String,
    /// Pieces of the titles of the chunks the conversation is about ("Sternhaul
    /// Logistics" names the role and each achievement there); empty when the
    /// subject is only known by its words.
    pub about: Vec<String>,
}

impl Context {
    /// Whether `hit` is one of the chunks the conversation is about.
    pub fn names(&self, hit: &Hit) -> bool {
        let title = hit.chunk.title.to_lowercase();
        self.about
            .iter()
            .any(|piece| title.contains(&piece.to_lowercase()))
    }
}

/// What the profile offers to recognise a conversation's subject by.
#[derive(Debug)]
pub(super) struct Conversation {
    /// Named things, in profile order.
    entities: Vec<Entity>,
    /// Each chunk's subject and its sentences long enough to be telling.
    chunks: Vec<QuotedChunk>,
    /// The opening of the composer's refusal: an answer that starts with it
    /// names no subject.
    refusal: String,
}

#[derive(Debug)]
struct Entity {
    name: String,
    /// A shorter form people use: "Sternhaul" for "Sternhaul Logistics".
    short: Option<String>,
    kind: EntityKind,
    /// What to search for when the conversation is about this entity.
    search: String,
    /// The piece of a title that marks its chunks.
    about: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntityKind {
    Employer,
    Project,
    School,
    Certification,
    Skill,
}

#[derive(Debug)]
struct QuotedChunk {
    /// The piece of a title that marks the chunks about the same thing: the
    /// employer for a role or an achievement, else the title itself.
    about: String,
    /// What to search for when an answer quoted the chunk: a project's name
    /// (its title repeats "Project:"), else the title.
    search: String,
    sentences: Vec<String>,
}

/// Assistant text scanned for a subject; longer turns are cut, so that a
/// client cannot make resolution slow.
const MAX_SCANNED_CHARS: usize = 4_000;
/// At most this much of a generated answer serves as context.
const MAX_ANSWER_CONTEXT_CHARS: usize = 400;
/// Sentences shorter than this say too little to identify their chunk.
const MIN_QUOTED_CHARS: usize = 25;
/// An answer's subject is at most this many chunks.
const MAX_SUBJECTS: usize = 2;

impl Conversation {
    pub fn new(profile: &Profile, refusal: &str) -> Conversation {
        let chunks = chunk_profile(profile);
        let mut entities = Vec::new();
        for role in &profile.experience {
            let first = role.company.split_whitespace().next().unwrap_or_default();
            let title = chunks
                .iter()
                .find(|c| {
                    c.section == Section::Experience
                        && c.metadata.get("company") == Some(&role.company)
                })
                .map_or_else(|| role.company.clone(), |c| c.title.clone());
            entities.push(Entity {
                name: role.company.clone(),
                short: (first.len() >= 5 && first.len() < role.company.len())
                    .then(|| first.to_owned()),
                kind: EntityKind::Employer,
                search: title,
                about: role.company.clone(),
            });
        }
        for project in &profile.projects {
            entities.push(Entity {
                name: project.name.clone(),
                short: None,
                kind: EntityKind::Project,
                search: project.name.clone(),
                about: project.name.clone(),
            });
        }
        for edu in &profile.education {
            entities.push(Entity {
                name: plain_name(&edu.degree),
                short: None,
                kind: EntityKind::School,
                search: format!("{} {}", edu.degree, edu.field),
                about: edu.degree.clone(),
            });
            if !entities.iter().any(|e| e.name == edu.institution) {
                entities.push(Entity {
                    name: edu.institution.clone(),
                    short: None,
                    kind: EntityKind::School,
                    search: edu.institution.clone(),
                    about: edu.institution.clone(),
                });
            }
        }
        let certifications = chunks
            .iter()
            .find(|c| c.section == Section::Certifications)
            .map_or_else(|| "Certifications".to_owned(), |c| c.title.clone());
        for cert in &profile.certifications {
            entities.push(Entity {
                name: plain_name(&cert.name),
                short: None,
                kind: EntityKind::Certification,
                search: format!("{certifications} {}", cert.name),
                about: certifications.clone(),
            });
        }
        for category in &profile.skills {
            for skill in &category.skills {
                entities.push(Entity {
                    name: skill.name.clone(),
                    short: None,
                    kind: EntityKind::Skill,
                    search: format!("{} {}", skill.name, category.category),
                    about: category.category.clone(),
                });
            }
        }
        let chunks = chunks
            .into_iter()
            .map(|chunk| {
                let sentences = text::sentences(&chunk.text)
                    .into_iter()
                    .filter(|s| s.len() >= MIN_QUOTED_CHARS)
                    .map(str::to_owned)
                    .collect();
                let search = match chunk.section {
                    Section::Project => chunk.metadata.get("name").cloned(),
                    _ => None,
                };
                let about = match chunk.section {
                    Section::Experience | Section::Achievement => {
                        chunk.metadata.get("company").cloned()
                    }
                    _ => None,
                };
                QuotedChunk {
                    search: search.unwrap_or_else(|| chunk.title.clone()),
                    about: about.unwrap_or(chunk.title),
                    sentences,
                }
            })
            .collect();
        Conversation {
            entities,
            chunks,
            refusal: cut(refusal, 30).to_owned(),
        }
    }

    /// What `message` leans on, newest turn first: the thing an ordinal
    /// picks from the last answer ("the second one"); else the subject of
    /// the last answer; else, for an answer that names nothing known, its
    /// own words; else (a refusal) the last question, and the one before it
    /// while the questions lean on context too. `None` when the history
    /// says nothing.
    pub fn context(&self, message: &str, history: &[Turn]) -> Option<Context> {
        let position = referring_ordinal(message);
        let qualifier = qualifier(message);
        let mut context = Context {
            text: String::new(),
            about: Vec::new(),
        };
        let add = |context: &mut Context, text: &str| {
            if !context.text.is_empty() {
                context.text.push(' ');
            }
            context.text.push_str(text);
        };
        for turn in history.iter().rev() {
            let said = cut(&turn.content, MAX_SCANNED_CHARS);
            match turn.role {
                Role::Assistant => {
                    if said.starts_with(&self.refusal) {
                        continue;
                    }
                    if let Some(position) = position
                        && let Some(entity) = self.nth_mentioned(said, position)
                    {
                        add(&mut context, &entity.search);
                        context.about.push(entity.about.clone());
                        break;
                    }
                    if let Some(qualifier) = &qualifier
                        && let Some(entity) = self.qualified_mention(said, qualifier)
                    {
                        add(&mut context, &entity.search);
                        context.about.push(entity.about.clone());
                        break;
                    }
                    let subjects = self.subjects(said);
                    if !subjects.is_empty() {
                        for (search, about) in subjects {
                            add(&mut context, &search);
                            context.about.push(about);
                        }
                        break;
                    }
                    // A generated answer that names no employer, project or
                    // school: an answer that opens with what it names is
                    // about that ("Rust. Its type system..."); otherwise its
                    // own words are the best account of what was discussed.
                    let mentions = self.mentions(said);
                    if let Some(&(0, first)) = mentions.first() {
                        add(&mut context, &first.search);
                        context.about.push(first.about.clone());
                        break;
                    }
                    if text::terms(said).len() >= 3 {
                        add(&mut context, cut(said, MAX_ANSWER_CONTEXT_CHARS));
                        break;
                    }
                }
                Role::User => {
                    add(&mut context, said);
                    if dependence(said).is_none() {
                        break;
                    }
                }
            }
        }
        (!context.text.is_empty()).then_some(context)
    }

    /// What to search for and the title pieces of the chunks `said` quotes,
    /// in the order quoted, or failing that (a generated answer) of the
    /// employers, projects and schools it names. At most [`MAX_SUBJECTS`].
    fn subjects(&self, said: &str) -> Vec<(String, String)> {
        let mut found: Vec<(usize, &str, &str)> = self
            .chunks
            .iter()
            .filter_map(|chunk| {
                let at = chunk
                    .sentences
                    .iter()
                    .filter_map(|s| said.find(s.as_str()))
                    .min()?;
                Some((at, chunk.search.as_str(), chunk.about.as_str()))
            })
            .collect();
        if found.is_empty() {
            found = self
                .named_things(said)
                .into_iter()
                .map(|(at, e)| (at, e.search.as_str(), e.about.as_str()))
                .collect();
        }
        found.sort_by_key(|&(at, _, _)| at);
        let mut subjects: Vec<(String, String)> = Vec::new();
        for (_, search, about) in found {
            if subjects.len() == MAX_SUBJECTS {
                break;
            }
            if !subjects.iter().any(|(s, _)| s == search) {
                subjects.push((search.to_owned(), about.to_owned()));
            }
        }
        subjects
    }

    /// The entity at `position` (1-based, -1 for the last) among those
    /// `said` names, counting only the kind named first among the kinds
    /// named more than once: a list of projects that also names their
    /// languages is a list of projects.
    fn nth_mentioned(&self, said: &str, position: isize) -> Option<&Entity> {
        let mentions = self.mentions(said);
        let kind = mentions
            .iter()
            .map(|(_, e)| e.kind)
            .find(|&kind| mentions.iter().filter(|(_, e)| e.kind == kind).count() >= 2)?;
        let listed: Vec<&Entity> = mentions
            .iter()
            .filter(|(_, e)| e.kind == kind)
            .map(|&(_, e)| e)
            .collect();
        let index = if position < 0 {
            listed.len().checked_sub(1)?
        } else {
            position.unsigned_abs() - 1
        };
        listed.get(index).copied()
    }

    /// The employer, project or school among those `said` names that
    /// `qualifier` picks out ("the Go one"): the one `said` describes with
    /// it, or else the only one whose own chunks use it.
    fn qualified_mention(&self, said: &str, qualifier: &str) -> Option<&Entity> {
        let named = self.named_things(said);
        if named.len() < 2 {
            return None;
        }
        if let Some(at) = find_name(said, qualifier) {
            // A qualifier describes the name in its own clause ("my older Go
            // library queuebound"), or else the name its clause follows, as
            // an apposition does ("tinyqueue, a job queue in Rust").
            let is_break = |c: char| matches!(c, ',' | ';' | '.' | ':' | '(' | ')' | '\u{2014}');
            // `at` is approximate outside ASCII (see `find_name`): where it
            // is not a boundary of `said`, there is no clause to look in.
            let (start, end) = match (said.get(..at), said.get(at..)) {
                (Some(head), Some(tail)) => (
                    head.rfind(is_break).map_or(0, |i| i + 1),
                    tail.find(is_break).map_or(said.len(), |i| at + i),
                ),
                _ => (at, at),
            };
            let in_clause = named
                .iter()
                .filter(|(named_at, _)| (start..end).contains(named_at))
                .min_by_key(|(named_at, _)| named_at.abs_diff(at));
            let before = named.iter().rev().find(|(named_at, _)| *named_at < at);
            return in_clause.or(before).or(named.first()).map(|&(_, e)| e);
        }
        // Only a name ("the HTTP one", "the Berlin one") is looked up in
        // the chunks: "the best one" asks for a judgement, not a word.
        if !qualifier.chars().any(char::is_uppercase) {
            return None;
        }
        let mut using = named.iter().filter(|(_, e)| {
            self.chunks.iter().any(|chunk| {
                chunk.about.contains(&e.about)
                    && chunk
                        .sentences
                        .iter()
                        .any(|s| find_name(s, qualifier).is_some())
            })
        });
        match (using.next(), using.next()) {
            (Some(&(_, e)), None) => Some(e),
            _ => None,
        }
    }

    /// The employers, projects and schools among [`Self::mentions`]: the
    /// things an answer can be about, where a language or a skill is only
    /// said of them.
    fn named_things(&self, said: &str) -> Vec<(usize, &Entity)> {
        let mut named = self.mentions(said);
        named.retain(|(_, e)| {
            matches!(
                e.kind,
                EntityKind::Employer | EntityKind::Project | EntityKind::School
            )
        });
        named
    }

    /// The entities `said` names, each once, in the order first named. A
    /// name inside an earlier one ("Technology" in "Baltic Institute of
    /// Technology") is not a mention of its own.
    fn mentions(&self, said: &str) -> Vec<(usize, &Entity)> {
        let mut found: Vec<(usize, usize, &Entity)> = self
            .entities
            .iter()
            .filter_map(|e| {
                [Some(e.name.as_str()), e.short.as_deref()]
                    .into_iter()
                    .flatten()
                    .filter_map(|name| find_name(said, name).map(|at| (at, name.len(), e)))
                    .min_by_key(|&(at, _, _)| at)
            })
            .collect();
        found.sort_by_key(|&(at, len, _)| (at, std::cmp::Reverse(len)));
        let mut kept: Vec<(usize, &Entity)> = Vec::new();
        let mut end = 0;
        for (at, len, e) in found {
            if kept.is_empty() || at >= end {
                kept.push((at, e));
                end = at + len;
            }
        }
        kept
    }
}

/// A name without its parenthesised abbreviation: "Master of Science" for
/// "Master of Science (MSc)", as people write it.
fn plain_name(name: &str) -> String {
    name.split(" (").next().unwrap_or(name).trim().to_owned()
}

/// The byte offset of `name` in `text` as a whole word: case-insensitive,
/// except for names of three letters or fewer ("Go", "AWS"), which match
/// only as written.
fn find_name(text: &str, name: &str) -> Option<usize> {
    if name.is_empty() {
        return None;
    }
    let (haystack, needle) = if name.chars().count() <= 3 {
        (text.to_owned(), name.to_owned())
    } else {
        (text.to_lowercase(), name.to_lowercase())
    };
    // Lower-casing can change byte lengths outside ASCII; the offsets only
    // order mentions, so an approximate position is enough.
    let mut from = 0;
    while let Some(found) = haystack[from..].find(&needle) {
        let start = from + found;
        let end = start + needle.len();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(haystack[..start].chars().next_back())
            && boundary(haystack[end..].chars().next())
        {
            return Some(start);
        }
        from = start + needle.len().max(1);
        while !haystack.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// At most `max` bytes of `text`, cut at a character boundary.
fn cut(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The message and its context as one retrieval query. Sentence ends are
/// dropped: the index treats each sentence of a query as a question of its
/// own, and here the context narrows the message rather than adding a
/// second question.
pub(super) fn in_context(message: &str, context: &str) -> String {
    let mut query = String::with_capacity(message.len() + context.len() + 1);
    for part in [message, context] {
        if part.is_empty() {
            continue;
        }
        if !query.is_empty() {
            query.push(' ');
        }
        query.extend(part.chars().map(|c| match c {
            '.' | '?' | '!' | ';' | '\n' => ' ',
            c => c,
        }));
    }
    query
}

/// `hits` with the chunks the conversation is about first, in their order,
/// then the rest; scores capped so that they stay sorted.
pub(super) fn about_first(hits: Vec<Hit>, context: &Context) -> Vec<Hit> {
    let (mut first, rest): (Vec<Hit>, Vec<Hit>) = hits.into_iter().partition(|h| context.names(h));
    first.extend(rest);
    let mut cap = f32::INFINITY;
    for hit in &mut first {
        cap = cap.min(hit.score);
        hit.score = cap;
    }
    first
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::chunk::Chunk;

    const FIXTURE: &str = include_str!("../../tests/data/profile.json");
    const REFUSAL: &str = "My profile doesn't cover that, so I'd rather not guess.";

    /// The fixture profile with a second project, for lists.
    fn profile() -> Profile {
        let mut doc: serde_json::Value = serde_json::from_str(FIXTURE).expect("json");
        let mut second = doc["projects"][0].clone();
        second["name"] = "kestrel".into();
        second["summary"] = "A rate limiter for HTTP services.".into();
        doc["projects"]
            .as_array_mut()
            .expect("projects")
            .push(second);
        Profile::from_json(&doc.to_string()).expect("valid")
    }

    fn conversation() -> Conversation {
        Conversation::new(&profile(), REFUSAL)
    }

    fn turn(role: Role, content: &str) -> Turn {
        Turn {
            role,
            content: content.into(),
        }
    }

    /// A conversation so far: the visitor asked for the projects and the
    /// twin answered `answer`.
    fn projects_answer(answer: &str) -> [Turn; 2] {
        [
            turn(Role::User, "Which projects do you maintain?"),
            turn(Role::Assistant, answer),
        ]
    }

    #[test]
    fn messages_that_lean_on_the_conversation() {
        let check = |message: &str, expect: Option<Dependence>| {
            assert_eq!(dependence(message), expect, "{message:?}");
        };
        for message in [
            "what did you use there?",
            "How many stars does it have?",
            "and the second one?",
            "When did you get the Kubernetes one?",
            "which one?",
            "How long did the two run side by side?",
            "Tell me more about both",
            "What did you do after that?",
            "How big was the company?",
            "what were you studying then?",
        ] {
            check(message, Some(Dependence::Refers));
        }
        for message in [
            "and Portuguese?",
            "What about Go?",
            "how about your thesis?",
        ] {
            check(message, Some(Dependence::Continues));
        }
        for message in [
            "Where did you study?",
            "Is there a way to contact you?",
            "Is it possible to work remotely?",
            "What was your first job?",
            "Tell me about a project that you liked",
            "Which two projects are you proudest of?",
            "",
        ] {
            check(message, None);
        }
    }

    #[test]
    fn a_quoted_answer_names_its_chunk() {
        let profile = profile();
        let chunk = chunk_profile(&profile)
            .into_iter()
            .find(|c| c.section == Section::Experience && c.title.contains("Quill"))
            .expect("a role at Quill");
        let sentence = text::sentences(&chunk.text)[1];
        let history = [
            turn(Role::User, "What did you do before?"),
            turn(Role::Assistant, &format!("{sentence} [1]")),
        ];
        let context = conversation()
            .context("what did you use there?", &history)
            .expect("a context");
        assert_eq!(context.text, chunk.title);
        assert_eq!(context.about, ["Quill Analytics"]);
    }

    #[test]
    fn an_ordinal_picks_from_the_last_answer() {
        let history = projects_answer(
            "I maintain tinyqueue, a job queue in Rust, and kestrel, a rate limiter. [1]",
        );
        let conversation = conversation();
        let second = conversation
            .context("and the second one?", &history)
            .expect("a context");
        assert_eq!(second.text, "kestrel");
        assert_eq!(second.about, ["kestrel"]);
        let first = conversation
            .context("tell me about the first one", &history)
            .expect("a context");
        assert_eq!(first.text, "tinyqueue");
        let last = conversation
            .context("and the last one?", &history)
            .expect("a context");
        assert_eq!(last.text, "kestrel");
    }

    #[test]
    fn a_qualifier_picks_from_the_last_answer() {
        let history = projects_answer(
            "I maintain tinyqueue, a job queue in Rust, and kestrel, a Go rate limiter. [1]",
        );
        let conversation = conversation();
        for (message, expected) in [
            ("how many stars does the Go one have?", "kestrel"),
            ("and the Rust one?", "tinyqueue"),
        ] {
            assert_eq!(dependence(message), Some(Dependence::Refers), "{message}");
            let context = conversation.context(message, &history).expect("a context");
            assert_eq!(context.text, expected, "{message}");
            assert_eq!(context.about, [expected], "{message}");
        }
        // Described in the name's own clause, before the name.
        let history = projects_answer(
            "I maintain tinyqueue, a job queue; my older Go library kestrel is frozen. [1]",
        );
        let context = conversation
            .context("how many stars does the Go one have?", &history)
            .expect("a context");
        assert_eq!(context.text, "kestrel");
        // Not named in the answer: the project whose own text uses it.
        let history = projects_answer("I maintain tinyqueue and kestrel. [1]");
        let context = conversation
            .context("is the HTTP one popular?", &history)
            .expect("a context");
        assert_eq!(context.text, "kestrel");
        // A qualifier that picks nothing leaves both subjects.
        for message in ["is the Haskell one popular?", "is the best one popular?"] {
            let context = conversation.context(message, &history).expect("a context");
            assert_eq!(context.text, "tinyqueue kestrel", "{message}");
        }
    }

    #[test]
    fn a_qualifier_in_text_that_lowercases_longer_is_safe() {
        let conversation = conversation();
        // "İ" is two bytes and lower-cases to three, which shifts the
        // offsets `find_name` reports past character boundaries.
        for prefix in ["", "İ", "İİ", "İİİ", "İİİİİİİİ"] {
            for qualifier in ["Rust", "Über"] {
                let history = projects_answer(&format!(
                    "{prefix} I maintain tinyqueue, and kestrel, {qualifier}"
                ));
                let message = format!("and the {qualifier} one?");
                let context = conversation.context(&message, &history).expect("a context");
                assert!(!context.text.is_empty(), "{prefix} {qualifier}");
            }
        }
    }

    #[test]
    fn qualifiers_are_words_before_one_after_the() {
        assert_eq!(
            qualifier("how many stars does the Go one have?").as_deref(),
            Some("Go")
        );
        assert_eq!(qualifier("and the Berlin ones?").as_deref(), Some("Berlin"));
        assert_eq!(qualifier("and the second one?"), None);
        assert_eq!(qualifier("is that the only one?"), None);
        assert_eq!(qualifier("what is the one you like?"), None);
    }

    #[test]
    fn a_generated_answer_is_its_own_context() {
        let conversation = conversation();
        // It opens with a skill: "it" is that skill.
        let history = [
            turn(Role::User, "What's your favourite language?"),
            turn(
                Role::Assistant,
                "Rust. Its type system catches my mistakes.",
            ),
        ];
        let context = conversation
            .context("how long have you used it?", &history)
            .expect("a context");
        assert_eq!(context.text, "Rust Languages");
        assert_eq!(context.about, ["Languages"]);
        // It names nothing the profile names: its words are the context.
        let said = "We built a queue that keeps jobs across restarts.";
        let history = [
            turn(Role::User, "What is your side project?"),
            turn(Role::Assistant, said),
        ];
        let context = conversation
            .context("how many stars does it have?", &history)
            .expect("a context");
        assert_eq!(context.text, said);
        assert!(context.about.is_empty());
    }

    #[test]
    fn a_refusal_sends_resolution_back_to_the_question() {
        let conversation = conversation();
        let history = [
            turn(Role::User, "Tell me about tinyqueue"),
            turn(Role::Assistant, &format!("{REFUSAL} Email me.")),
        ];
        let context = conversation
            .context("and its stars?", &history)
            .expect("a context");
        assert_eq!(context.text, "Tell me about tinyqueue");
        // A question that leans on context too goes one turn further back.
        let history = [
            turn(Role::User, "Where do you work now?"),
            turn(Role::Assistant, REFUSAL),
            turn(Role::User, "and before that?"),
            turn(Role::Assistant, REFUSAL),
        ];
        let context = conversation
            .context("what did you do there?", &history)
            .expect("a context");
        assert_eq!(context.text, "and before that? Where do you work now?");
        assert!(conversation.context("and there?", &[]).is_none());
    }

    #[test]
    fn the_query_is_one_sentence_and_the_subject_goes_first() {
        assert_eq!(
            in_context("and the stars?", "Tell me about X. It is fast!"),
            "and the stars  Tell me about X  It is fast "
        );
        assert_eq!(in_context("", "kestrel"), "kestrel");
        let hit = |title: &str, score: f32| Hit {
            chunk: Chunk::new(Section::Project, title, "text", BTreeMap::new()),
            score,
        };
        let context = Context {
            text: "kestrel".into(),
            about: vec!["Kestrel".into()],
        };
        let hits = about_first(
            vec![hit("Project: tinyqueue", 0.9), hit("Project: kestrel", 0.5)],
            &context,
        );
        let got: Vec<(&str, f32)> = hits
            .iter()
            .map(|h| (h.chunk.title.as_str(), h.score))
            .collect();
        assert_eq!(
            got,
            [("Project: kestrel", 0.5), ("Project: tinyqueue", 0.5)]
        );
    }

    #[test]
    fn names_are_found_as_whole_words() {
        assert_eq!(find_name("I use Go daily", "Go"), Some(6));
        assert_eq!(find_name("Let's go", "Go"), None);
        assert_eq!(find_name("Gopher", "Go"), None);
        assert_eq!(
            find_name("At Quill Analytics, I", "quill analytics"),
            Some(3)
        );
        assert_eq!(plain_name("Master of Science (MSc)"), "Master of Science");
        assert_eq!(cut("héllo", 2), "h");
    }
}
