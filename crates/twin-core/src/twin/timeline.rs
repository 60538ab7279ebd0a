//! Jobs named by their place in time: "where did you work *before
//! Signalgrove*?", "your *first proper job*", "your *previous employer*",
//! "*and before that?*".
//!
//! No search can find the job such a question means, lexical or semantic:
//! its words name the neighbouring job ("Signalgrove", the one it is *not*
//! about) or no job at all ("first", "previous"). The profile's dates can, so
//! the twin rewrites the phrase into the job it names before it searches
//! ("where did you work *at Bursztyn Mobile*?"). A model reads the question
//! as it was asked; the composer, which picks sentences by their words,
//! reads it with the phrase dropped (see [`Resolved`]).
//!
//! A phrase is rewritten only when it plainly names a job: an ordinal or
//! "previous" right before a singular job noun ("first job", "previous
//! employer"), or "before"/"after" with a company, "your current role" or
//! (in a follow-up) "that", ending its clause. "Before you joined the
//! fintech" (no company named), "after Fernwave fixed it" (the company
//! starts a clause) and "the first month" (no job noun) are left alone, and
//! so is a phrase that names no job the profile has: "after Fernwave" while
//! Fernwave is the current job is a question about what comes next.

use std::ops::Range;

use crate::profile::Profile;
use crate::text;

/// The profile's roles in the order they started.
#[derive(Debug)]
pub(super) struct Timeline {
    jobs: Vec<Job>,
}

#[derive(Debug)]
struct Job {
    company: String,
    /// The company's name, lower-case, word by word.
    words: Vec<String>,
    /// An internship, placement or apprenticeship: not what "your first job"
    /// means when a job followed it.
    intern: bool,
    current: bool,
}

/// A word of the message, lower-case, with where it is.
#[derive(Debug)]
struct Token {
    lower: String,
    span: Range<usize>,
    /// What stands between the word before and this one.
    gap: String,
}

/// What a "before"/"after" phrase is relative to.
enum Anchor {
    /// The roles at one company: the index of its first and of its last.
    Company(usize, usize),
    Current,
    /// "That": the job the conversation is about.
    Subject,
}

impl Timeline {
    pub fn new(profile: &Profile) -> Timeline {
        let mut jobs: Vec<(&str, Job)> = profile
            .experience
            .iter()
            .map(|role| {
                let title = tokens(&role.title);
                let job = Job {
                    company: role.company.clone(),
                    words: tokens(&role.company).into_iter().map(|t| t.lower).collect(),
                    intern: title.iter().any(|t| is_intern_word(&t.lower)),
                    current: role.end.is_none(),
                };
                (role.start.as_str(), job)
            })
            .collect();
        // `YYYY-MM` sorts as it reads; a stable sort keeps the profile's
        // order for roles that started the same month.
        jobs.sort_by(|a, b| a.0.cmp(b.0));
        Timeline {
            jobs: jobs.into_iter().map(|(_, job)| job).collect(),
        }
    }

    /// `message` with each phrase that names a job by its place in time
    /// resolved; `None` when it has none. `subject` is what the
    /// conversation is about (pieces of chunk titles, see
    /// `Context::about`): the job "before that" is relative to.
    pub fn resolve(&self, message: &str, subject: &[String]) -> Option<Resolved> {
        let words = tokens(message);
        let subject = self.subject(subject);
        let mut search = String::new();
        let mut question = String::new();
        let mut copied = 0;
        let mut resolved = false;
        let mut i = 0;
        while i < words.len() {
            let Some(phrase) = self.phrase_at(&words, i, subject) else {
                i += 1;
                continue;
            };
            let before = &message[copied..words[i].span.start];
            let kept = phrase.kept.map(|kept| match kept {
                Kept::Word(k) => &message[words[k].span.clone()],
                Kept::Text(text) => text,
            });
            let company = &self.jobs[phrase.job].company;
            search.push_str(before);
            question.push_str(before);
            match kept {
                Some(kept) => {
                    search.push_str(&format!("{kept} at {company}"));
                    question.push_str(kept);
                }
                None => search.push_str(&format!("at {company}")),
            }
            copied = words[phrase.end - 1].span.end;
            resolved = true;
            i = phrase.end;
        }
        if !resolved {
            return None;
        }
        search.push_str(&message[copied..]);
        question.push_str(&message[copied..]);
        Some(Resolved {
            search,
            question: question.split_whitespace().collect::<Vec<_>>().join(" "),
        })
    }

    /// The job the conversation is about: the first of `about` that names a
    /// company the profile has worked for.
    fn subject(&self, about: &[String]) -> Option<usize> {
        about.iter().find_map(|piece| {
            let piece = piece.to_lowercase();
            self.jobs
                .iter()
                .position(|job| piece.contains(&job.company.to_lowercase()))
        })
    }

    /// The phrase starting at word `i`, if it names a job: the index past
    /// its last word and what replaces it.
    fn phrase_at(&self, words: &[Token], i: usize, subject: Option<usize>) -> Option<Phrase> {
        let word = words[i].lower.as_str();
        // "before Signalgrove", "prior to joining Fernwave", "after that".
        let relation = match word {
            "before" => Some((Direction::Before, i + 1)),
            "after" => Some((Direction::After, i + 1)),
            "prior" | "previous" if words.get(i + 1).is_some_and(|t| t.lower == "to") => {
                Some((Direction::Before, i + 2))
            }
            _ => None,
        };
        if let Some((direction, mut next)) = relation {
            let fillers = words[next..]
                .iter()
                .take(4)
                .take_while(|t| is_filler(&t.lower))
                .count();
            next += fillers;
            let (anchor, end) = self.anchor(words, next, subject.is_some())?;
            if !ends_clause(words, end) {
                return None;
            }
            let job = match anchor {
                Anchor::Company(first, last) => match direction {
                    Direction::Before => first.checked_sub(1)?,
                    Direction::After => last + 1,
                },
                Anchor::Current => {
                    let current = self.jobs.iter().position(|job| job.current)?;
                    match direction {
                        Direction::Before => current.checked_sub(1)?,
                        Direction::After => return None,
                    }
                }
                Anchor::Subject => {
                    let subject = subject?;
                    match direction {
                        Direction::Before => subject.checked_sub(1)?,
                        Direction::After => subject + 1,
                    }
                }
            };
            return (job < self.jobs.len()).then_some(Phrase {
                end,
                job,
                kept: None,
            });
        }
        // "your first proper job", "previous employer", "second role".
        let place = match word {
            "first" | "1st" | "earliest" => Place::Nth(0),
            "second" | "2nd" => Place::Nth(1),
            "third" | "3rd" => Place::Nth(2),
            "fourth" | "4th" => Place::Nth(3),
            "fifth" | "5th" => Place::Nth(4),
            "previous" | "prior" | "former" | "last" | "preceding" => Place::Previous,
            _ => return self.career_start_at(words, i),
        };
        let qualifiers = words[i + 1..]
            .iter()
            .take(3)
            .take_while(|t| is_qualifier(&t.lower))
            .count();
        let noun = words.get(i + 1 + qualifiers)?;
        let wants_intern = is_intern_word(&noun.lower);
        if !wants_intern && !is_job_noun(&noun.lower) {
            return None;
        }
        let mut end = i + 2 + qualifiers;
        // "after the internship", "out of uni": said of the first job, and
        // no less true of the job found without it.
        if let Some(tail) = education_tail(words, end) {
            end = tail;
        }
        let job = match place {
            Place::Nth(n) => self.nth(n, wants_intern)?,
            Place::Previous => {
                let current = self.jobs.iter().position(|job| job.current);
                match current {
                    Some(current) => current.checked_sub(1)?,
                    None => self.jobs.len().checked_sub(1)?,
                }
            }
        };
        Some(Phrase {
            end,
            job,
            kept: Some(Kept::Word(i + 1 + qualifiers)),
        })
    }

    /// "Where did you start your career?": the first job.
    fn career_start_at(&self, words: &[Token], i: usize) -> Option<Phrase> {
        if !matches!(
            words[i].lower.as_str(),
            "start" | "started" | "starting" | "begin" | "began" | "begun" | "beginning"
        ) {
            return None;
        }
        let owner = words.get(i + 1)?;
        let career = words.get(i + 2)?;
        if !matches!(
            owner.lower.as_str(),
            "your" | "her" | "his" | "my" | "their"
        ) || career.lower != "career"
        {
            return None;
        }
        Some(Phrase {
            end: i + 3,
            job: self.nth(0, false)?,
            kept: Some(Kept::Text("work")),
        })
    }

    /// The `n`th job from the start (0-based). Internships count only when
    /// asked for, or when the profile has nothing else.
    fn nth(&self, n: usize, intern: bool) -> Option<usize> {
        let any_kind = !self.jobs.iter().any(|job| job.intern == intern);
        self.jobs
            .iter()
            .enumerate()
            .filter(|(_, job)| any_kind || job.intern == intern)
            .nth(n)
            .map(|(index, _)| index)
    }

    /// What a "before"/"after" phrase is relative to, starting at word `i`,
    /// with the index past its last word.
    fn anchor(&self, words: &[Token], i: usize, in_conversation: bool) -> Option<(Anchor, usize)> {
        let first = words.get(i)?;
        if matches!(first.lower.as_str(), "that" | "this" | "then") && in_conversation {
            let end = if words
                .get(i + 1)
                .is_some_and(|t| t.lower == "one" || is_job_noun(&t.lower))
            {
                i + 2
            } else {
                i + 1
            };
            return Some((Anchor::Subject, end));
        }
        if matches!(first.lower.as_str(), "current" | "present")
            && words.get(i + 1).is_some_and(|t| is_job_noun(&t.lower))
        {
            return Some((Anchor::Current, i + 2));
        }
        // The longest run of the company's words from its first; one word
        // is enough when it is the name's first ("Sternhaul").
        let (job, len) = self
            .jobs
            .iter()
            .enumerate()
            .filter_map(|(index, job)| {
                let len = job
                    .words
                    .iter()
                    .zip(&words[i..])
                    .take_while(|(name, word)| **name == word.lower)
                    .count();
                (len > 0 && (len == job.words.len() || job.words[0].len() >= 4))
                    .then_some((index, len))
            })
            .max_by_key(|&(_, len)| len)?;
        // "before your Fernwave days", "after the Signalgrove job".
        let end = match words.get(i + len) {
            Some(t) if is_job_noun(&t.lower) || matches!(t.lower.as_str(), "days" | "years") => {
                i + len + 1
            }
            _ => i + len,
        };
        let company = &self.jobs[job].company;
        let roles = self
            .jobs
            .iter()
            .enumerate()
            .filter(|(_, j)| &j.company == company);
        let first = roles.clone().map(|(index, _)| index).min()?;
        let last = roles.map(|(index, _)| index).max()?;
        Some((Anchor::Company(first, last), end))
    }
}

/// A message resolved: what to search for, with the job named ("where did
/// you work *at Bursztyn Mobile*?"), and what the composer reads, with the
/// phrase dropped ("where did you work?"). The composer picks sentences by
/// the question's words: the name would pull it to the sentences that name
/// the company rather than those that answer, and "before Signalgrove"
/// would make it look for Signalgrove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Resolved {
    pub search: String,
    pub question: String,
}

/// A phrase that names a job: the index past its last word, the job, and
/// what of it stays ("first proper *job*").
struct Phrase {
    end: usize,
    job: usize,
    kept: Option<Kept>,
}

enum Kept {
    /// One of the phrase's words, by index.
    Word(usize),
    /// A word in its place: "start your career" is "*work*".
    Text(&'static str),
}

#[derive(Debug, Clone, Copy)]
enum Direction {
    Before,
    After,
}

#[derive(Debug, Clone, Copy)]
enum Place {
    Nth(usize),
    Previous,
}

/// Whether the phrase that ends before word `end` ends its clause: the
/// message ends, punctuation follows, or a word that opens a new clause.
/// "Before Fernwave, where were you?" ends it; "before Fernwave fixed it"
/// and "after Fernwave's outage" do not.
fn ends_clause(words: &[Token], end: usize) -> bool {
    let Some(next) = words.get(end) else {
        return true;
    };
    let gap = &next.gap;
    gap.contains([
        ',', '.', '?', '!', ';', ':', '(', ')', '\u{2014}', '\u{2013}',
    ]) || gap.contains(" - ")
        || matches!(
            next.lower.as_str(),
            "and"
                | "or"
                | "but"
                | "so"
                | "what"
                | "which"
                | "where"
                | "when"
                | "how"
                | "why"
                | "who"
        )
}

/// After "first job": "after the internship", "out of uni", "post-degree";
/// the index past it.
fn education_tail(words: &[Token], i: usize) -> Option<usize> {
    let mut next = match words.get(i)?.lower.as_str() {
        "after" | "post" | "following" => i + 1,
        "out" if words.get(i + 1).is_some_and(|t| t.lower == "of") => i + 2,
        _ => return None,
    };
    if words
        .get(next)
        .is_some_and(|t| matches!(t.lower.as_str(), "the" | "your" | "her" | "his" | "my"))
    {
        next += 1;
    }
    let word = words.get(next)?;
    let education = is_intern_word(&word.lower)
        || matches!(
            word.lower.as_str(),
            "uni"
                | "university"
                | "college"
                | "school"
                | "studies"
                | "studying"
                | "degree"
                | "graduation"
                | "graduating"
                | "master"
                | "masters"
                | "msc"
                | "bachelor"
                | "bachelors"
                | "bsc"
                | "phd"
                | "education"
        );
    if !education {
        return None;
    }
    // "master's": the possessive's "s".
    let past = next + 1;
    Some(if words.get(past).is_some_and(|t| t.lower == "s") {
        past + 1
    } else {
        past
    })
}

fn is_job_noun(word: &str) -> bool {
    matches!(
        word,
        "job" | "role" | "position" | "employer" | "company" | "gig" | "post" | "workplace"
    )
}

fn is_intern_word(word: &str) -> bool {
    matches!(
        word,
        "intern" | "internship" | "placement" | "trainee" | "apprentice" | "apprenticeship"
    )
}

/// Words between an ordinal and its job noun: "first *proper full-time* job".
fn is_qualifier(word: &str) -> bool {
    matches!(
        word,
        "proper"
            | "real"
            | "actual"
            | "full"
            | "time"
            | "professional"
            | "paid"
            | "permanent"
            | "official"
            | "serious"
            | "salaried"
            | "engineering"
            | "software"
            | "tech"
            | "dev"
            | "developer"
            | "industry"
            | "grown"
            | "up"
    )
}

/// Words between "before"/"after" and the job: "before *you joined*
/// Fernwave", "after *your time at* Signalgrove".
fn is_filler(word: &str) -> bool {
    matches!(
        word,
        "you"
            | "she"
            | "he"
            | "i"
            | "they"
            | "joining"
            | "joined"
            | "join"
            | "leaving"
            | "left"
            | "leave"
            | "working"
            | "worked"
            | "work"
            | "at"
            | "for"
            | "with"
            | "your"
            | "her"
            | "his"
            | "my"
            | "the"
            | "time"
            | "moving"
            | "moved"
            | "move"
            | "to"
            | "going"
            | "went"
            | "starting"
            | "started"
            | "landing"
            | "landed"
            | "got"
            | "were"
            | "was"
            | "been"
    )
}

/// The message's words, lower-case, as the index reads them
/// ([`text::for_each_raw_word`]), with where each stands.
fn tokens(message: &str) -> Vec<Token> {
    let mut words: Vec<Token> = Vec::new();
    text::for_each_raw_word(message, |raw, lower, _| {
        // `raw` is a slice of `message`: its offset is where it stands.
        let begin = raw.as_ptr() as usize - message.as_ptr() as usize;
        let after = words.last().map_or(0, |w| w.span.end);
        words.push(Token {
            lower: lower.to_owned(),
            span: begin..begin + raw.len(),
            gap: message[after..begin].to_owned(),
        });
    });
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timeline() -> Timeline {
        let profile: Profile =
            serde_json::from_str(include_str!("../../../../data/digitaltwin.json")).unwrap();
        Timeline::new(&profile)
    }

    #[track_caller]
    fn check(message: &str, expect: Option<&str>) {
        check_in(message, &[], expect);
    }

    #[track_caller]
    fn check_in(message: &str, about: &[&str], expect: Option<&str>) {
        let about: Vec<String> = about.iter().map(|s| s.to_string()).collect();
        let resolved = timeline().resolve(message, &about);
        assert_eq!(
            resolved.as_ref().map(|r| r.search.as_str()),
            expect,
            "{message}"
        );
    }

    #[test]
    fn before_and_after_a_company_name_its_neighbour() {
        check(
            "Where did you work before Signalgrove?",
            Some("Where did you work at Bursztyn Mobile?"),
        );
        check(
            "Where did you work before Fernwave, and why did you leave?",
            Some("Where did you work at Sternhaul Logistics, and why did you leave?"),
        );
        check(
            "which company did you join after Bursztyn Mobile?",
            Some("which company did you join at Signalgrove?"),
        );
        check(
            "what were you doing before your Fernwave days?",
            Some("what were you doing at Sternhaul Logistics?"),
        );
        check(
            "What did you do prior to joining Sternhaul?",
            Some("What did you do at Signalgrove?"),
        );
        check(
            "And before your current role?",
            Some("And at Sternhaul Logistics?"),
        );
        check("What did you do before the internship at Motlawa?", None);
    }

    #[test]
    fn a_relation_that_names_no_job_is_left_alone() {
        // Fernwave is the current job: what comes after it is a goal.
        check(
            "What sort of employer do you want to join after Fernwave?",
            None,
        );
        // The first job has none before it.
        check("Where were you before Motlawa Port Systems?", None);
        // The company starts a clause of its own.
        check(
            "How often were cards double-charged before Fernwave fixed it?",
            None,
        );
        check("What changed after Fernwave's outage?", None);
        // No company is named.
        check(
            "Did you build any payment integration before you joined the fintech?",
            None,
        );
        check(
            "Before we go further, what kind of pay are you after?",
            None,
        );
        check("How much faster was it after you reworked it?", None);
        // "That" is a job only in a conversation about one.
        check("and before that?", None);
    }

    #[test]
    fn an_ordinal_job_is_found_by_date() {
        check(
            "what was your first job?",
            Some("what was your job at Kotwica Labs?"),
        );
        check(
            "your first proper job after the internship - what was that about?",
            Some("your job at Kotwica Labs - what was that about?"),
        );
        check(
            "What was your first full-time role out of uni?",
            Some("What was your role at Kotwica Labs?"),
        );
        check(
            "Where was your first internship?",
            Some("Where was your internship at Motlawa Port Systems?"),
        );
        check(
            "What was your second job?",
            Some("What was your job at Bursztyn Mobile?"),
        );
        check(
            "Tell me about your previous employer.",
            Some("Tell me about your employer at Sternhaul Logistics."),
        );
        check(
            "Why did you leave your last job?",
            Some("Why did you leave your job at Sternhaul Logistics?"),
        );
        check(
            "Where did you start your career?",
            Some("Where did you work at Kotwica Labs?"),
        );
        // Not a job: a month, a follow-up's "one", plural jobs.
        check("What did you do in your first month?", None);
        check("and the last one?", None);
        check("What were your previous jobs?", None);
        check("What was your tenth job?", None);
    }

    #[test]
    fn the_composer_reads_the_question_without_the_phrase() {
        let check = |message: &str, question: &str| {
            let resolved = timeline().resolve(message, &[]).unwrap();
            assert_eq!(resolved.question, question, "{message}");
        };
        check(
            "Where did you work before Fernwave, and why did you leave?",
            "Where did you work , and why did you leave?",
        );
        check(
            "What tech did you use in your first proper job?",
            "What tech did you use in your job?",
        );
        check("Where did you start your career?", "Where did you work?");
    }

    #[test]
    fn before_that_is_relative_to_the_conversation() {
        check_in(
            "and before that?",
            &["Fernwave Payments"],
            Some("and at Sternhaul Logistics?"),
        );
        check_in(
            "what about after that job?",
            &["Bursztyn Mobile"],
            Some("what about at Signalgrove?"),
        );
        // The conversation is about a project, not a job.
        check_in("and before that?", &["Project: pgfault"], None);
    }
}
