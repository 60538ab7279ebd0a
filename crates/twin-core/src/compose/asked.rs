//! What a question asks for, and whether the retrieved chunks state it.
//!
//! The index decides whether the profile is *about* a question: whether its
//! words weigh enough in some chunk. That is not the same as answering it.
//! "How many GitHub stars does slidewire have?" is about slidewire, and the
//! slidewire chunk clears the relevance floor on the name alone, but no
//! sentence about slidewire counts its stars. A question that asks for one
//! detail is answered only when a sentence states that detail:
//!
//! * "how many...", "how much...": a sentence that holds a number (an amount
//!   of money when the question asks what was paid, earned or raised) and
//!   uses, or rewords, one of the question's own words for the detail;
//! * "when...", "what year...": a sentence that holds a date; "on which
//!   exact day in February...", which already gives the month, and "which
//!   day of the month", a month with its day;
//! * "who...", "which company...", "which e-ink display model...": a
//!   sentence that uses, or rewords, the word
//!   for what was done or held ("supervised", "bought", "manager"), and gives
//!   a name when the question asks who someone is: the name of the one the
//!   sentence speaks of, not one beside a description of it ("acquired by a
//!   larger carrier that moved engineering to Hamburg" names no acquirer).
//!
//! In every case the sentence must come from a chunk that mentions every
//! thing of the profile the question names (an employer, a project, a
//! school): the salary the owner asks for next is not their pay at Fernwave.
//! The composer then quotes such a sentence from a chunk about that thing
//! ([`Asked::statements`]).
//!
//! A question of several parts ("when could you start, and what salary are
//! you after?") is answered when any part is: the composer quotes what the
//! profile has for it.

use std::collections::HashMap;

use super::{Analysed, Match, QueryTerm, corrected};
use crate::text;

/// The kind of fact a question asks for, when its wording says so.
///
/// A visitor's words for the thing they want often appear nowhere near the
/// fact: "what's the earliest you could come on board?" shares no word with
/// "Open to new roles from March 2027", but it asks *when*, and of the
/// retrieved chunk's sentences only that one holds a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wants {
    /// "when", "what year", "the earliest": a month or a year.
    Date,
    /// "on which exact day in February": a month with its day.
    Day,
    /// "in which month of 2024": a month; the year is no answer.
    Month,
    /// "how many", "how big", "what percentage": a quantity.
    Number,
    /// "how long": a duration, or the dates that bound it.
    Span,
    /// "how much are you paid", "what were you earning": a sum of money.
    Money,
    /// "Explain the CAP theorem", "how Raft leader election works": a
    /// lesson on a subject, which a profile does not give. It says what
    /// its owner did, not how things work.
    Lesson,
}

/// What a sentence holds: a date (a month name or a year), a day (a month
/// with its day, "12 February"), a day of the week, a quantity (a number
/// that is not a year, written in digits or words) and a sum of money (a
/// quantity with its currency).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Holds {
    pub date: bool,
    pub day: bool,
    pub month: bool,
    pub weekday: bool,
    pub number: bool,
    pub money: bool,
}

impl Holds {
    pub(super) fn of(sentence: &str) -> Holds {
        let mut holds = Holds::default();
        // Whether the word before was a quantity, for "40,000 euros", a day
        // of the month, for "12 February", and a month, for "February 12".
        let mut after_number = false;
        let mut after_day = false;
        let mut after_month = false;
        for word in sentence.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            let lower = word.to_ascii_lowercase();
            // Months are capitalised, which tells "May 2021" from "I may".
            let month = word.starts_with(char::is_uppercase) && MONTHS.contains(&lower.as_str());
            let number = !is_year(word) && says_quantity(&lower);
            let day = is_day(word);
            if is_year(word) || month {
                holds.date = true;
            } else if number {
                holds.number = true;
            }
            holds.day |= (month && after_day) || (day && after_month);
            holds.month |= month;
            holds.weekday |= WEEKDAYS.contains(&lower.as_str());
            if after_number && CURRENCIES.contains(&lower.as_str()) {
                holds.money = true;
            }
            after_number = number;
            after_day = day;
            after_month = month;
        }
        holds.money |= sentence.char_indices().any(|(i, c)| {
            matches!(c, '€' | '$' | '£' | '¥')
                && sentence[i + c.len_utf8()..]
                    .trim_start()
                    .starts_with(|d: char| d.is_ascii_digit())
        });
        holds
    }

    pub(super) fn answers(self, wants: Wants) -> bool {
        match wants {
            Wants::Date => self.date || self.weekday,
            Wants::Day => self.day,
            Wants::Month => self.month,
            Wants::Number => self.number,
            Wants::Span => self.date || self.number,
            Wants::Money => self.money,
            Wants::Lesson => false,
        }
    }
}

/// Days of the week, which say when as a date does ("any weekday
/// afternoon").
#[rustfmt::skip]
const WEEKDAYS: &[&str] = &[
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mondays",
    "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays", "weekday",
    "weekdays", "weekend", "weekends",
];

/// A day of the month: "12", "12th", "1st".
fn is_day(word: &str) -> bool {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    matches!(suffix, "" | "st" | "nd" | "rd" | "th")
        && digits.len() <= 2
        && digits.parse::<u8>().is_ok_and(|d| (1..=31).contains(&d))
}

fn is_year(word: &str) -> bool {
    word.len() == 4
        && word
            .parse::<u16>()
            .is_ok_and(|y| (1950..=2099).contains(&y))
}

#[rustfmt::skip]
const MONTHS: &[&str] = &[
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
];

/// Number words that state a quantity. "One" is left out: "one of the
/// first..." is rarely a count.
#[rustfmt::skip]
const NUMBER_WORDS: &[&str] = &[
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
    "hundreds", "thousand", "thousands", "million", "millions", "billion", "billions", "dozen",
    "dozens", "half", "third", "thirds", "twice", "double", "triple", "percent",
];

/// Currency names written after an amount ("40,000 euros"); symbols are
/// read before it ("€40,000").
#[rustfmt::skip]
const CURRENCIES: &[&str] = &[
    "euro", "euros", "eur", "dollar", "dollars", "usd", "pound", "pounds", "gbp", "franc",
    "francs", "chf", "zloty", "zlotys", "pln", "krona", "kronor", "sek",
];

/// Words that ask for a sum of money after "how much" or "what": what was
/// paid, earned, raised or is worth. Not "make": "how much faster did you
/// make it?" asks for a speed-up, and "how much do you make?" is answered
/// by whatever the profile says on pay.
#[rustfmt::skip]
const MONEY_WORDS: &[&str] = &[
    "salary", "salaries", "pay", "paid", "paying", "earn", "earns", "earned", "earning",
    "earnings", "raise", "raised", "compensation", "income", "wage", "wages", "valuation",
    "valued", "worth", "funding", "funded", "revenue", "price", "money", "rate", "budget",
    "budgets",
];

/// Verbs of cost: "how much did it end up *costing*?" asks for a sum as
/// "how much money" does, but says nothing of what was paid for; the sum
/// must be the one for what the question names, which the chunk it is in
/// tells.
#[rustfmt::skip]
const COST_WORDS: &[&str] = &["cost", "costs", "costing", "costed"];

/// Verbs of change: "how much money did you save?" asks how big the change
/// was, which a percentage answers as well as a sum.
#[rustfmt::skip]
const CHANGE_WORDS: &[&str] = &[
    "save", "saved", "saving", "cut", "reduce", "reduced", "lower", "lowered", "drop", "dropped",
    "shrink", "shrank", "increase", "increased", "grow", "grew", "improve", "improved",
];

/// What the question's wording asks for, if anything in particular.
pub(super) fn wants(question: &str) -> Option<Wants> {
    let lower = question.to_lowercase();
    let words = words(&lower);
    let has = |word: &str| words.contains(&word);
    let after_how = |then: &[&str]| {
        words
            .windows(2)
            .any(|pair| pair[0] == "how" && then.contains(&pair[1]))
    };
    let after_what = |then: &[&str]| {
        words
            .windows(2)
            .any(|pair| matches!(pair[0], "what" | "which") && then.contains(&pair[1]))
    };
    if after_how(&["long"]) {
        Some(Wants::Span)
    } else if after_what(&["month"]) {
        Some(Wants::Month)
    } else if has("when")
        || has("earliest")
        || has("soonest")
        || after_how(&["soon"])
        || after_what(&["year", "date"])
    {
        Some(Wants::Date)
    } else if let Some(amount) = amount(&words) {
        Some(amount)
    } else if after_how(&[
        "many", "much", "big", "large", "fast", "often", "old", "far", "small",
    ]) || has("percentage")
    {
        Some(Wants::Number)
    } else {
        None
    }
}

/// "How many...", "how much..." and "what... salary": a number, or a sum of
/// money when the question asks what was paid, earned or raised. "How much
/// do you enjoy it?" asks for neither.
fn amount(words: &[&str]) -> Option<Wants> {
    let money = (money_words(words, MONEY_WORDS).next().is_some()
        || words.iter().any(|w| COST_WORDS.contains(w)))
        && !words.iter().any(|w| CHANGE_WORDS.contains(w));
    let how = words
        .windows(2)
        .position(|pair| pair[0] == "how" && matches!(pair[1], "many" | "much"));
    let asks_amount = how.is_some_and(|at| {
        words[at + 1] == "many"
            || money
            || words
                .get(at + 2)
                .is_none_or(|next| !AUXILIARIES.contains(next))
    });
    if asks_amount {
        return Some(if money { Wants::Money } else { Wants::Number });
    }
    // "What were you earning?", "what's the salary?": a word for pay after
    // the question word, unless "what" asks for something else that was
    // earned ("what's the highest qualification you earned?").
    let what = words.iter().position(|w| matches!(*w, "what" | "which"));
    let asks_other = |what: usize, at: usize| {
        words[what + 1..at]
            .iter()
            .any(|w| !MONEY_WORDS.contains(w) && !content_stems(w).is_empty())
    };
    match (what, money_words(words, PAY_WORDS).next()) {
        (Some(what), Some((at, _))) if money && what < at && !asks_other(what, at) => {
            Some(Wants::Money)
        }
        _ => score_word(words).map(|_| Wants::Number),
    }
}

/// The words of `list` in `words`, with their positions, that speak of
/// money: "pay attention" does not.
fn money_words<'a>(
    words: &[&'a str],
    list: &'static [&'static str],
) -> impl Iterator<Item = (usize, &'a str)> {
    words
        .iter()
        .enumerate()
        .filter(move |&(i, w)| list.contains(w) && words.get(i + 1) != Some(&"attention"))
        .map(|(i, w)| (i, *w))
}

/// The words of [`MONEY_WORDS`] that ask for a sum after "what" too ("what
/// were you earning?"); "what's it worth knowing" and "what rate of
/// failures" ask for none.
#[rustfmt::skip]
const PAY_WORDS: &[&str] = &[
    "salary", "salaries", "pay", "paid", "earn", "earns", "earned", "earning", "earnings",
    "compensation", "income", "wage", "wages", "valuation", "funding", "revenue", "budget",
    "budgets", "cost", "costs", "costing",
];

/// Words for a figure that "what" asks for as "how many" does: "what
/// *score* did you get?", "what final *grade*?".
#[rustfmt::skip]
const SCORE_WORDS: &[&str] = &[
    "score", "scores", "grade", "grades", "mark", "marks", "gpa", "percentage", "headcount",
];

/// The word for a figure a "what" question asks for, with its position:
/// within a few words of "what" or "which" ("what final grade", "what's
/// the score").
fn score_word<'a>(words: &[&'a str]) -> Option<(usize, &'a str)> {
    let what = words.iter().position(|w| matches!(*w, "what" | "which"))?;
    (what + 1..words.len().min(what + 5))
        .find(|&i| SCORE_WORDS.contains(&words[i]))
        .map(|i| (i, words[i]))
}

/// Whether a part asks when: it opens with "when", "what year", "how soon"
/// or "what's the earliest". A "when" further in joins clauses ("did she
/// keep it going when a region went down?"). "What month" is asked for
/// before this is ([`asks_month`]).
fn asks_date(words: &[&str]) -> bool {
    let lead = &words[..words.len().min(4)];
    let what = lead.iter().any(|w| matches!(*w, "what" | "which"));
    lead.contains(&"when")
        || lead.windows(2).any(|p| {
            matches!(p[0], "what" | "which") && matches!(p[1], "year" | "date" | "day")
                || p == ["how", "soon"]
        })
        || (what && words.iter().any(|w| matches!(*w, "earliest" | "soonest")))
}

/// Whether a part asks for the month: "which month", "what month".
fn asks_month(words: &[&str]) -> bool {
    let lead = &words[..words.len().min(5)];
    lead.windows(2)
        .any(|p| matches!(p[0], "what" | "which") && p[1] == "month")
}

/// Whether a part asks for the day itself: "which day", "what exact date",
/// "on what precise day". "What date could you start?" asks when, which a
/// month answers; so does "what exact date could you start?" when the
/// month is all the profile has (see [`Ask::of`]).
fn asks_day(words: &[&str]) -> bool {
    let lead = &words[..words.len().min(5)];
    lead.windows(2).any(|p| match p {
        [what, "day"] => matches!(*what, "what" | "which" | "exact" | "precise"),
        [exact, "date"] => matches!(*exact, "exact" | "precise"),
        _ => false,
    })
}

/// Auxiliaries: with [`FRAMING`], the words that only frame what follows.
/// The word after them names what a "who" question asks about.
#[rustfmt::skip]
const AUXILIARIES: &[&str] = &[
    "is", "are", "was", "were", "am", "be", "been", "do", "does", "did", "has", "have", "had",
    "will", "would", "can", "could", "should", "might", "s",
];

/// Pronouns, determiners and adverbs that frame a "who" question.
#[rustfmt::skip]
const FRAMING: &[&str] = &[
    "you", "your", "she", "her", "he", "his", "they", "their", "it", "its", "i", "my", "we",
    "our", "the", "a", "an", "this", "that", "these", "those", "actually", "exactly", "ever",
    "really", "ultimately", "originally", "first", "other", "another",
];

/// Nouns for someone, some organisation, or a work or product that has a
/// name: "which company bought it?" asks for a name, as "who" does, and so
/// do "which Lem novel..." and "which display model...". Not schools:
/// "which university did you attend?" asks for the one the education chunk
/// names, whatever its verb.
#[rustfmt::skip]
const WHO_NOUNS: &[&str] = &[
    "company", "companies", "firm", "firms", "business", "employer", "employers", "organisation",
    "organization", "bank", "investor", "investors", "client", "clients", "customer",
    "customers", "person", "people", "startup", "startups", "gateway", "gateways", "carrier",
    "carriers", "vendor", "vendors", "supplier", "suppliers", "partner", "partners", "agency",
    "agencies", "acquirer", "buyer", "buyers", "venue", "venues", "model", "models", "brand",
    "brands", "region", "regions", "novel", "novels", "album", "albums", "song", "songs", "film",
    "films", "movie", "movies",
];

/// Nouns that only say "a quantity of": "how much payment volume" counts
/// payments, which a sentence counts in euros without saying "volume".
const QUANTITIES: &[&str] = &[
    "amount", "amounts", "number", "numbers", "volume", "volumes", "quantity", "total", "figure",
];

/// Nouns that only say "some kind of": "which observability tools" asks
/// for tools of observability, which a sentence lists without saying
/// "tools", and "what stack" alone names no kind to look for.
#[rustfmt::skip]
const KINDS: &[&str] = &[
    "tool", "tools", "stack", "stacks", "tech", "technology", "technologies", "language",
    "languages", "framework", "frameworks", "provider", "providers", "platform", "platforms",
    "title", "titles", "role", "roles", "thing", "things", "stuff", "area", "areas", "kind",
    "kinds", "sort", "sorts", "type", "types", "figure", "number", "amount", "volume", "volumes",
    "size", "level", "levels", "skill", "skills", "library", "libraries", "service", "services",
    "system", "systems", "product", "products", "hardware", "software", "gear", "setup", "part",
    "parts", "bit", "bits", "aspect", "aspects",
];

/// What "how much" measures in time, not in itself: "how much
/// experience" is answered by "7 years".
const LASTING: &[&str] = &["experience", "time"];

/// Whether a word of a sentence, in lower case, says a quantity: it holds
/// a digit ("3,800", "4.8", "€9") or is a number word ("eight").
fn says_quantity(lower: &str) -> bool {
    lower.bytes().any(|b| b.is_ascii_digit()) || NUMBER_WORDS.contains(&lower)
}

/// Whether a word is a number, in digits or words.
fn is_number(word: &str) -> bool {
    word.bytes().all(|b| b.is_ascii_digit()) || NUMBER_WORDS.contains(&word)
}

/// Whether a word of a sentence is written as a name: capitalised where no
/// sentence opens, and not "I" or a month.
fn is_name(raw: &str, lower: &str, sentence_start: bool) -> bool {
    !sentence_start
        && raw.starts_with(char::is_uppercase)
        && lower != "i"
        && !MONTHS.contains(&lower)
}

/// The stems of the names `sentence` gives: its capitalised words other
/// than its first, "I" and the months.
pub(super) fn proper_names(sentence: &str) -> Vec<String> {
    let mut names = Vec::new();
    text::for_each_raw_word(sentence, |raw, lower, sentence_start| {
        if is_name(raw, lower, sentence_start) {
            names.push(text::stem(lower));
        }
    });
    names.sort_unstable();
    names.dedup();
    names
}

fn words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect()
}

/// What one part of a question asks for in particular, and where the
/// answer must be stated for the profile to cover it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Ask {
    /// The kind of fact the stating sentence holds, if a kind.
    holds: Option<Wants>,
    /// The words for the detail asked: the stating sentence uses or rewords
    /// one of them. "paid" in "how much are you paid?", "GitHub stars" in
    /// "how many GitHub stars...?", "supervised" in "who supervised your
    /// thesis?", "climbing gym" in "the name of the climbing gym". Empty:
    /// any of the part's words
    /// other than the names, or, for a date, none.
    focus: Vec<String>,
    /// The part's other words. When the retrieved chunks use any of them,
    /// the chunk that states the focus uses one too: a supervisor named in
    /// a chunk about leadership did not supervise the thesis. For a thing
    /// of a kind, what qualifies the kind, which the stating chunk speaks
    /// to whether or not another chunk does.
    context: Vec<String>,
    /// The stems of the things of the profile the part names (employers,
    /// projects, schools): the stating chunk mentions each.
    names: Vec<String>,
    /// Whether `focus` is the noun a "how many" question counts: the
    /// stating sentence uses it, unless no retrieved chunk does, and then
    /// any of the part's words will do ("how many people did you hire?" is
    /// answered by "two engineers").
    counted: bool,
    /// When the part asks who someone is ("which company...?", "who are
    /// the friends...?"): the stems of its words. The stating sentence gives
    /// a name the question does not: "I co-organise it with two friends"
    /// does not say who they are.
    asked: Option<Vec<String>>,
    /// Whether the stating sentence must use a focus word itself, not a
    /// rewording: of a choice between PagerDuty and Opsgenie, "on call"
    /// names neither.
    literal: bool,
    /// Whether the part asks the same of each thing it names: "each",
    /// "both".
    each: bool,
    /// Whether the part asks for a thing of a kind ("which surf school"):
    /// the stating sentence speaks of that kind, in any words on it.
    thing: bool,
}

impl Ask {
    /// What `part` (lower-case) asks for in particular, if anything.
    /// `names` are the stems of the things the profile names, sorted.
    pub(super) fn of(part: &str, names: &[String]) -> Option<Ask> {
        let words = words(part);
        // Each word's content stem, if it has one (stop words and weak words
        // have none), stemmed once.
        let stems: Vec<Option<String>> = words.iter().map(|w| content_stems(w).pop()).collect();
        let mut named_here: Vec<String> = stems
            .iter()
            .flatten()
            .filter(|s| names.binary_search(s).is_ok())
            .cloned()
            .collect();
        named_here.sort_unstable();
        named_here.dedup();
        let names = named_here;
        if is_lesson(&words) && names.is_empty() {
            return Some(Ask::wanting(Wants::Lesson, names));
        }
        let named = |i: usize| stems[i].as_ref().is_some_and(|s| names.contains(s));
        // The first word after `at` that is not framing, a number or a name,
        // if it says something.
        let next_word = |at: usize| {
            (at + 1..words.len())
                .find(|&i| {
                    let w = words[i];
                    !AUXILIARIES.contains(&w) && !FRAMING.contains(&w) && !is_number(w) && !named(i)
                })
                .filter(|&i| stems[i].is_some())
        };
        if let Some(holds) = amount(&words) {
            // What "how many" counts: the words up to its verb ("GitHub
            // stars" in "how many GitHub stars does it have?").
            let counted: Vec<String> = words
                .windows(2)
                .position(|p| p[0] == "how" && matches!(p[1], "many" | "much"))
                // "How much equity...?" counts equity too, but a
                // comparative ("how much faster", "how much more") and
                // "how much money saved" ask for a change that a percentage
                // or a sum answers.
                .filter(|&at| {
                    words[at + 1] == "many"
                        || words.get(at + 2).is_some_and(|next| {
                            !MONEY_WORDS.contains(next)
                                && !next.ends_with("er")
                                && !matches!(*next, "more" | "less")
                        })
                })
                .map(|at| {
                    (at + 2..words.len())
                        .take_while(|&i| {
                            !AUXILIARIES.contains(&words[i]) && !text::is_stop_word(words[i])
                        })
                        .filter(|&i| {
                            !named(i) && stems[i].is_some() && !QUANTITIES.contains(&words[i])
                        })
                        .map(|i| words[i].to_owned())
                        .collect()
                })
                // "What score...?" counts the score.
                .or_else(|| score_word(&words).map(|(_, w)| vec![w.to_owned()]))
                .unwrap_or_default();
            let counts = holds == Wants::Number && !counted.is_empty();
            let focus = match holds {
                Wants::Money => money_words(&words, MONEY_WORDS)
                    .map(|(_, w)| w.to_owned())
                    .collect(),
                _ => counted,
            };
            return Some(Ask {
                holds: Some(holds),
                focus,
                context: Vec::new(),
                names,
                counted: counts,
                asked: None,
                literal: false,
                each: false,
                thing: false,
            });
        }
        // "On which exact day in February 2027...?" takes a month with its
        // day: the question already says "February 2027". Without a month
        // or year in the question, the month is news, and any date answers.
        // "Which day of the month" wants the day as much.
        let gives_date = words
            .iter()
            .any(|w| is_year(w) || (MONTHS.contains(w) && *w != "may"))
            || words.windows(3).any(|w| w == ["of", "the", "month"]);
        // "In which month of 2024...?" takes a month: the year is the
        // question's.
        if asks_month(&words) {
            return Some(Ask::wanting(Wants::Month, names));
        }
        let asks_day = asks_day(&words);
        if asks_day && gives_date {
            return Some(Ask::wanting(Wants::Day, names));
        }
        if asks_date(&words) || asks_day {
            // "When..." and "what year...": a date, in a chunk that mentions
            // what the question names. Its other words often appear nowhere
            // near the date ("what's the earliest you could come on
            // board?"), so any date there answers.
            return Some(Ask::wanting(Wants::Date, names));
        }
        // "Who...", and "what are the names of...", which asks the same.
        let who = words.iter().position(|w| *w == "who").or_else(|| {
            words
                .windows(2)
                .position(|p| matches!(p[0], "name" | "names") && p[1] == "of")
                .map(|at| at + 1)
        });
        // "Which company", "which fintech startups".
        let which = words.iter().enumerate().find_map(|(at, w)| {
            if !matches!(*w, "which" | "what") {
                return None;
            }
            // The noun may follow the words that qualify it ("which e-ink
            // display *model*"), but not a verb: in "what does your
            // employer sell?" the employer is not what is asked for.
            (at + 1..words.len().min(at + 6))
                .take_while(|&i| {
                    !AUXILIARIES.contains(&words[i])
                        && (FRAMING.contains(&words[i]) || !text::is_stop_word(words[i]))
                })
                .find(|&noun| WHO_NOUNS.contains(&words[noun]))
        });
        if who.is_none() && which.is_none() {
            return Ask::which_thing(&words, &stems, names);
        }
        let after = who.or(which)?;
        // What they did or were: the first word after the question's frame
        // ("the two friends": numbers frame it too) and the names. A "which
        // company" question whose next word says nothing ("which startups
        // use ledgerline?") asks for the company itself.
        let focus = next_word(after).or(which)?;
        stems[focus].as_ref()?;
        // With the rest of its noun phrase: "the name of the climbing *gym*"
        // asks for the gym, which "bouldering at an indoor gym" describes.
        let focus_end = (focus + 1..words.len())
            .find(|&i| {
                AUXILIARIES.contains(&words[i])
                    || FRAMING.contains(&words[i])
                    || is_number(words[i])
                    || named(i)
                    || stems[i].is_none()
            })
            .unwrap_or(words.len());
        let focus_stems: Vec<&String> = stems[focus..focus_end].iter().flatten().collect();
        // The part's other words, but for the kind of answer ("company"),
        // "name" in "the name of", and numbers: "the €1.4 million saving"
        // is not about any other million.
        let context = (0..words.len())
            .filter(|&i| {
                let name_of =
                    matches!(words[i], "name" | "names") && words.get(i + 1) == Some(&"of");
                !(WHO_NOUNS.contains(&words[i]) || is_number(words[i]) || name_of)
            })
            .filter(|&i| {
                stems[i]
                    .as_ref()
                    .is_some_and(|s| !focus_stems.contains(&s) && !names.contains(s))
            })
            .map(|i| words[i].to_owned())
            .collect();
        // "Which company...?" and "who are the friends...?", "who was your
        // manager?" ask who they are: a name. "Who do you mentor?" and "who
        // supervised it?" may be answered by who they were ("four
        // engineers").
        let identity = which.is_some()
            || who.is_some_and(|at| {
                words[at] == "of"
                    || words
                        .get(at + 1)
                        .is_some_and(|w| matches!(*w, "is" | "are" | "was" | "were" | "s"))
            });
        Some(Ask {
            holds: None,
            focus: words[focus..focus_end]
                .iter()
                .map(|w| (*w).to_owned())
                .collect(),
            context,
            names,
            counted: false,
            asked: identity.then(|| text::terms(part)),
            literal: false,
            each: false,
            thing: false,
        })
    }

    /// A part that asks only for a kind of fact, `holds`, in a chunk that
    /// mentions what it names: when, to the precision of a date, a month or
    /// a day, or a lesson, which no chunk holds.
    fn wanting(holds: Wants, names: Vec<String>) -> Ask {
        Ask {
            holds: Some(holds),
            focus: Vec::new(),
            context: Vec::new(),
            names,
            counted: false,
            asked: None,
            literal: false,
            each: false,
            thing: false,
        }
    }

    /// "Which surf school do you go to?", "what commission did they
    /// take?": a thing of some kind, named by the noun the question's
    /// "which" or "what" opens, before its verb. The stating sentence uses
    /// that noun, rewords it or speaks of its topic: "beginner surfing at
    /// Costa da Caparica" says where, not with which school.
    fn which_thing(words: &[&str], stems: &[Option<String>], names: Vec<String>) -> Option<Ask> {
        let at = words.iter().position(|w| matches!(*w, "which" | "what"))?;
        let end = (at + 1..words.len())
            .find(|&i| AUXILIARIES.contains(&words[i]) || text::is_stop_word(words[i]))?;
        // The noun is the subject or object of the question's verb, perhaps
        // qualified first ("which surf school at Caparica do you..."); in
        // "what drew you to payments?" the word after "what" is the verb.
        if end == at + 1 || !words[end..].iter().any(|w| AUXILIARIES.contains(w)) {
            return None;
        }
        let phrase: Vec<usize> = (at + 1..end)
            .filter(|&i| {
                stems[i]
                    .as_ref()
                    .is_some_and(|s| !names.contains(s) && !is_number(words[i]))
            })
            .collect();
        let &head = phrase.last()?;
        // What qualifies the kind ("Postgres major" version, "Rust" book)
        // is the context its stating chunk speaks to: "a shorter version of
        // my talk" is no version of Postgres.
        let (focus, context): (Vec<usize>, Vec<usize>) = if KINDS.contains(&words[head]) {
            if phrase.iter().all(|&i| KINDS.contains(&words[i])) {
                return None;
            }
            (phrase, Vec::new())
        } else {
            let qualifiers = phrase[..phrase.len() - 1].to_vec();
            (vec![head], qualifiers)
        };
        let text_of = |at: Vec<usize>| at.iter().map(|&i| words[i].to_owned()).collect();
        Some(Ask {
            holds: None,
            focus: text_of(focus),
            context: text_of(context),
            names,
            counted: false,
            asked: None,
            literal: false,
            each: false,
            thing: true,
        })
    }

    /// What `part` asks when it closes on a choice of its own ("..., road
    /// or gravel?", "..., PagerDuty or Opsgenie?", "Rust or Go?"): the answer
    /// names one of the options as itself, else the profile does not say
    /// which. Only two content words at the end of the part count, set
    /// apart after a comma or as the whole part, or both written as names
    /// ("any work on Snowflake or BigQuery?"): an "or" inside a question
    /// ("trained neural nets or done any ML", "move to Berlin or London for
    /// the right job") joins alternatives the index weighs, and "a month or
    /// two" offers no choice. `written` holds the question's words written
    /// as names, in lower case.
    fn options(part: &str, names: &[String], written: &[String]) -> Option<Ask> {
        let tokens: Vec<&str> = part.split_whitespace().collect();
        let bare = |t: &str| t.trim_matches(|c: char| !c.is_alphanumeric()).to_owned();
        let [.., first, or, second] = tokens.as_slice() else {
            return None;
        };
        let (first, second) = (bare(first), bare(second));
        let set_apart = tokens.len() == 3
            || tokens[tokens.len() - 4].ends_with(',')
            || (written.contains(&first) && written.contains(&second));
        let content = |w: &str| !is_number(w) && !content_stems(w).is_empty();
        if bare(or) != "or" || !set_apart || !content(&first) || !content(&second) {
            return None;
        }
        // The options are what is asked, not things the stating chunk must
        // also mention: "Fernwave or Sternhaul?" is answered by either.
        let options: Vec<String> = content_stems(&format!("{first} {second}"));
        Some(Ask {
            holds: None,
            focus: vec![first, second],
            context: Vec::new(),
            names: content_stems(part)
                .into_iter()
                .filter(|s| names.binary_search(s).is_ok() && !options.contains(s))
                .collect(),
            counted: false,
            asked: None,
            literal: true,
            each: false,
            thing: false,
        })
    }

    /// The ask, with its words matched against the retrieved chunks:
    /// `part` is the part's text, `terms` matches words in `chunks`.
    fn check(self, part: &str, chunks: &[&Analysed], terms: &mut Terms<'_>) -> Check {
        // What is counted must be said, unless no retrieved chunk says it:
        // then the part's other words find the count.
        let mut given = terms.of(&self.focus.join(" "));
        if self.counted {
            given.retain(|t| !LASTING.iter().any(|w| text::stem(w) == t.stem));
        }
        let counted_unknown = self.counted
            && !given.iter().any(|t| {
                chunks
                    .iter()
                    .flat_map(|c| &c.sentences)
                    .any(|s| uses_or_rewords(t, s))
            });
        let focus = if self.focus.is_empty() || counted_unknown {
            terms.of(part)
        } else {
            given
        };
        let focus: Vec<QueryTerm> = focus
            .into_iter()
            .filter(|t| !self.names.contains(&t.stem) && !crate::index::is_weak_term(&t.stem))
            .collect();
        // The context of a thing of a kind holds whether or not a chunk
        // speaks to it; other context only where some chunk does.
        let context: Vec<QueryTerm> = terms
            .of(&self.context.join(" "))
            .into_iter()
            .filter(|t| {
                (self.thing && !crate::index::is_weak_term(&t.stem))
                    || chunks.iter().any(|c| speaks_to(c, t))
            })
            .collect();
        Check {
            strict: self.counted && !counted_unknown,
            ask: self,
            focus,
            context,
        }
    }
}

/// A part's [`Ask`], ready to test the retrieved chunks' sentences.
#[derive(Debug)]
struct Check {
    ask: Ask,
    /// The focus, or the part's words other than names when it has none.
    focus: Vec<QueryTerm>,
    /// Whether `focus` is what a "how many" question counts, which a
    /// sentence uses or rewords, not one on its theme: "2 Rust crates" are
    /// no GitHub stars.
    strict: bool,
    /// The context words some retrieved chunk speaks to.
    context: Vec<QueryTerm>,
}

impl Check {
    /// Whether the stating sentence may come from `chunk`: it mentions every
    /// thing the part names, and speaks to the part's context.
    fn may_state(&self, chunk: &Analysed) -> bool {
        self.names_all(|n| chunk.mentions.binary_search(n).is_ok())
            && (self.context.is_empty() || self.context.iter().any(|t| speaks_to(chunk, t)))
    }

    /// Whether `s`, a sentence of `chunk`, states what the part asks. The
    /// thing of a kind asked for may be named by the chunk's title: each
    /// sentence of "Certifications" lists one.
    fn states_in(&self, chunk: &Analysed, s: &super::Sentence) -> bool {
        let named = |t: &QueryTerm| chunk.subject.binary_search(&t.stem).is_ok();
        if !self.ask.thing {
            return self.states(s);
        }
        (self.states(s) || self.focus.iter().any(named))
            && (self.context.is_empty()
                || self
                    .context
                    .iter()
                    .any(|t| named(t) || t.matches(&s.terms, &s.groups) != Match::None))
    }

    /// Whether `s` states what the part asks.
    fn states(&self, s: &super::Sentence) -> bool {
        match self.ask.holds {
            Some(when @ (Wants::Date | Wants::Day | Wants::Month)) => s.holds.answers(when),
            Some(holds) => {
                s.holds.answers(holds)
                    && (self.focus.is_empty()
                        || self.focus.iter().any(|t| {
                            if self.strict {
                                counts(t, &s.text)
                            } else {
                                t.matches(&s.terms, &s.groups) != Match::None
                            }
                        }))
            }
            // A thing of a kind: the kind, in any words on it.
            None if self.ask.thing => self
                .focus
                .iter()
                .any(|t| t.matches(&s.terms, &s.groups) != Match::None),
            // A choice: one of its options, as itself.
            None if self.ask.literal => self
                .focus
                .iter()
                .any(|t| s.terms.binary_search(&t.stem).is_ok()),
            // Who did it is named beside the word for what they did, or a
            // rewording of it, not beside any word on its theme: "led to my
            // internship" names nobody who supervised.
            None => {
                self.focus.iter().any(|t| uses_or_rewords(t, s))
                    && self.ask.asked.as_ref().is_none_or(|asked| {
                        // A name the question does not give, read from the
                        // stems kept per sentence before the sentence is
                        // read word by word for whose name it is.
                        s.proper.iter().any(|p| !asked.contains(p))
                            && (self.context.is_empty()
                                || self
                                    .context
                                    .iter()
                                    .any(|t| t.matches(&s.terms, &s.groups) != Match::None))
                            && names_the_one(&s.text, &self.focus, asked)
                    })
            }
        }
    }

    /// Whether `chunk` is about every thing the part names: its title or
    /// metadata names them ("Project: queuebound"), not only its text.
    fn is_about(&self, chunk: &Analysed) -> bool {
        self.names_all(|n| chunk.subject.binary_search(n).is_ok())
    }

    /// Whether `has` holds for every thing the part names, or, when it asks
    /// of each of them ("how many bugs did each catch?", "what did you
    /// make the database do in both cases?"), for one: each is stated in a
    /// chunk of its own.
    fn names_all(&self, has: impl Fn(&String) -> bool) -> bool {
        if self.ask.each {
            self.ask.names.is_empty() || self.ask.names.iter().any(has)
        } else {
            self.ask.names.iter().all(has)
        }
    }
}

/// What a question asks for, part by part, checked against the retrieved
/// chunks.
#[derive(Debug)]
pub(super) struct Asked {
    /// One check per part; empty when some part asks nothing in particular,
    /// as then whatever the chunks say about it answers it.
    checks: Vec<Check>,
}

impl Asked {
    /// `names` are the stems of the things the profile names, sorted;
    /// `about` those the conversation is about, when the question refers
    /// back to them: each part names them too. `vocabulary` is the terms of
    /// `chunks`, as the composer lists them.
    pub(super) fn of(
        question: &str,
        names: &[String],
        about: &[String],
        chunks: &[&Analysed],
        vocabulary: &[&str],
    ) -> Asked {
        let mut asks = Vec::new();
        let written = written_as_names(question);
        for part in parts(question) {
            // A part that names only things of the profile ("At Signalgrove,
            // which paging service...?") sets the scene for the next one.
            let stems = content_stems(&part);
            if !stems.is_empty() && stems.iter().all(|s| names.binary_search(s).is_ok()) {
                continue;
            }
            let ask = Ask::options(&part, names, &written).or_else(|| Ask::of(&part, names));
            match ask {
                None => return Asked { checks: Vec::new() },
                Some(mut ask) => {
                    ask.each = words(&part).iter().any(|w| matches!(*w, "each" | "both"));
                    ask.names.extend(about.iter().cloned());
                    ask.names.sort_unstable();
                    ask.names.dedup();
                    asks.push((part, ask));
                }
            }
        }
        let mut terms = Terms::new(vocabulary);
        Asked {
            checks: asks
                .into_iter()
                .map(|(part, ask)| ask.check(&part, chunks, &mut terms))
                .collect(),
        }
    }

    /// Whether `chunks` state what the question asks: it asks nothing in
    /// particular, or some chunk states what a part asks.
    pub(super) fn stated(&self, chunks: &[&Analysed]) -> bool {
        self.checks.is_empty()
            || self.checks.iter().any(|check| {
                chunks
                    .iter()
                    .filter(|c| check.may_state(c))
                    .any(|c| c.sentences.iter().any(|s| check.states_in(c, s)))
            })
    }

    /// The sentences, as (chunk, sentence) positions, that state what a part
    /// asks in a chunk about what it names: the answer should quote one.
    /// "How many stars does queuebound have?" is stated in queuebound's
    /// own chunk, while an FAQ that names it beside another project's stars
    /// only mentions it.
    pub(super) fn statements(&self, chunks: &[&Analysed]) -> Vec<(usize, usize)> {
        let mut found = Vec::new();
        for check in &self.checks {
            // Any date is not the one asked for; in a chunk about what the
            // question names, it is.
            if check.ask.holds == Some(Wants::Date) && check.ask.names.is_empty() {
                continue;
            }
            for (rank, chunk) in chunks.iter().enumerate() {
                if !check.may_state(chunk) || !check.is_about(chunk) {
                    continue;
                }
                for (position, s) in chunk.sentences.iter().enumerate() {
                    if check.states_in(chunk, s) && !found.contains(&(rank, position)) {
                        found.push((rank, position));
                    }
                }
            }
        }
        found
    }
}

/// Whether `sentence`, which gives a name, gives it for the one the focus
/// word is about rather than only describing that one: "acquired by a
/// larger carrier that consolidated engineering in Hamburg" and "our largest
/// carrier estimated" say who only as "a carrier", while "acquired by
/// Maersk" and "a carrier, Maersk," name it. A focus word that is introduced
/// by a determiner ("a", "our", "the"), or is followed by one past a
/// preposition ("by a"), describes, unless a name follows within a few
/// words. A word that rewords the focus ("the display" for the screen
/// asked about) is read the same way; when the sentence has neither, any
/// name counts.
/// `asked` are the stems of the question's words: a name it gives is no
/// answer.
fn names_the_one(sentence: &str, focus: &[QueryTerm], asked: &[String]) -> bool {
    /// How many words after a description a name may stand and still be
    /// the one described: "a carrier, Maersk,".
    const NAME_WITHIN: usize = 4;
    struct Word {
        lower: String,
        stem: String,
        /// Written as a name.
        capital: bool,
        /// A name the question does not give.
        name: bool,
    }
    let mut words = Vec::new();
    text::for_each_raw_word(sentence, |raw, lower, sentence_start| {
        let stem = text::stem(lower);
        let capital = is_name(raw, lower, sentence_start);
        words.push(Word {
            lower: lower.to_owned(),
            capital,
            name: capital && !asked.contains(&stem),
            stem,
        });
    });
    // A name the question gives in part is given: "Fernwave" gives
    // "Fernwave Payments".
    let mut start = 0;
    while start < words.len() {
        let end = (start..words.len())
            .find(|&j| !words[j].capital)
            .unwrap_or(words.len());
        if words[start..end].iter().any(|w| asked.contains(&w.stem)) {
            for w in &mut words[start..end] {
                w.name = false;
            }
        }
        start = end + 1;
    }
    let named = |from: usize, to: usize| {
        words[from.min(words.len())..to.min(words.len())]
            .iter()
            .any(|w| w.name)
    };
    let describes = |i: usize| DESCRIBING.contains(&words[i].lower.as_str());
    let mut found = false;
    for (i, word) in words.iter().enumerate() {
        // The focus word, or a word that rewords it: "the display runs on"
        // describes the screen asked about as much as "the screen" would.
        if !focus.iter().any(|t| is_or_rewords(t, &word.stem)) {
            continue;
        }
        found = true;
        // "acquired by a larger carrier": who did it, past the preposition.
        let next = (i + 1..words.len())
            .find(|&j| !LINKS.contains(&words[j].lower.as_str()))
            .unwrap_or(words.len());
        if next < words.len() && describes(next) {
            if named(next + 1, next + 1 + NAME_WITHIN) {
                return true;
            }
            continue;
        }
        // "our largest carrier": the word itself, described. A name just
        // before the description is not its name ("At Fernwave Payments,
        // the settlement service").
        if (i.saturating_sub(3)..i).any(|j| describes(j) && !named(j + 1, i)) {
            if named(i + 1, i + NAME_WITHIN) {
                return true;
            }
            continue;
        }
        // The word itself, undescribed: its name stands beside it ("Ana
        // Silva, my manager", "my manager Ana Silva"), not anywhere in the
        // sentence ("Staff Software Engineer at Fernwave *Payments*" does
        // not name the other staff engineer). A word written as part of a
        // name is that name: "Staff Software Engineer" is a title, not the
        // name of a staff engineer.
        let mut first = i;
        let mut last = i;
        if word.capital {
            while first > 0 && words[first - 1].capital {
                first -= 1;
            }
            while last + 1 < words.len() && words[last + 1].capital {
                last += 1;
            }
        }
        return named(first.saturating_sub(NAME_WITHIN), first)
            || named(last + 1, last + 1 + NAME_WITHIN);
    }
    !found && named(0, words.len())
}

/// Determiners that introduce a description rather than a name.
#[rustfmt::skip]
const DESCRIBING: &[&str] = &[
    "a", "an", "another", "the", "our", "their", "its", "my", "his", "her", "one", "some",
];

/// Prepositions between a verb and who did it or to whom: "acquired by".
const LINKS: &[&str] = &["by", "to", "with", "from", "for", "at", "as"];

/// Whether a sentence uses `term`, or a word of one of its concepts other
/// than its themes (see [`crate::index::is_theme_group`]): a rewording of
/// it, not a word on the same subject.
fn uses_or_rewords(term: &QueryTerm, sentence: &super::Sentence) -> bool {
    sentence.terms.binary_search(&term.stem).is_ok()
        || term
            .groups
            .iter()
            .any(|&g| !crate::index::is_theme_group(g) && sentence.groups.binary_search(&g).is_ok())
}

/// Whether `stem`, one word's, is `term` or a word of one of its concepts
/// other than its themes: [`uses_or_rewords`] for a single word.
fn is_or_rewords(term: &QueryTerm, stem: &str) -> bool {
    stem == term.stem
        || crate::index::word_groups(stem)
            .iter()
            .any(|g| !crate::index::is_theme_group(*g) && term.groups.binary_search(g).is_ok())
}

/// Whether `sentence` gives a count of what `term` names: a number just
/// before or after the word or a rewording of it ("3,800 merchants",
/// "eight years", "a grade of 4.8"). "I sharded the ingestion tier" says nothing of how
/// many shards, however many numbers the sentence holds elsewhere.
fn counts(term: &QueryTerm, sentence: &str) -> bool {
    // How far a number may stand before what it counts ("3 million
    // recorded AIS messages") and after it ("a grade of 4.8"), in words.
    const BEFORE: usize = 4;
    const AFTER: usize = 3;
    let mut numbers = Vec::new();
    let mut counted = Vec::new();
    let mut at = 0;
    text::for_each_raw_word(sentence, |_, lower, _| {
        if says_quantity(lower) {
            numbers.push(at);
        } else if is_or_rewords(term, &text::stem(lower)) {
            counted.push(at);
        }
        at += 1;
    });
    counted.iter().any(|&c| {
        numbers
            .iter()
            .any(|&n| (n < c && c - n <= BEFORE) || (n > c && n - c <= AFTER))
    })
}

/// Whether a chunk uses a term, or rewords it in one of its sentences.
fn speaks_to(chunk: &Analysed, term: &QueryTerm) -> bool {
    chunk.mentions.binary_search(&term.stem).is_ok()
        || chunk
            .sentences
            .iter()
            .any(|s| term.matches(&s.terms, &s.groups) != Match::None)
}

/// The terms of a question's texts as the check matches them in the
/// retrieved chunks: misspellings corrected against the chunks' words, as the
/// composer corrects them (each word once, however many of a part's word
/// lists it is in), and every term with its rewordings. The composer looks
/// for a word the chunks use as itself, but "pay" in one chunk does not make
/// "salary" in another any less an answer to "what pay are you after?".
struct Terms<'a> {
    /// The chunks' terms, sorted.
    vocabulary: &'a [&'a str],
    corrected: HashMap<String, String>,
    scratch: Vec<u32>,
}

impl<'a> Terms<'a> {
    fn new(vocabulary: &'a [&'a str]) -> Terms<'a> {
        Terms {
            vocabulary,
            corrected: HashMap::new(),
            scratch: Vec::new(),
        }
    }

    fn of(&mut self, text: &str) -> Vec<QueryTerm> {
        let mut stems: Vec<String> = text::terms(text)
            .into_iter()
            .map(|stem| match self.corrected.get(&stem) {
                Some(known) => known.clone(),
                None => {
                    let known = corrected(stem.clone(), self.vocabulary, &mut self.scratch);
                    self.corrected.insert(stem, known.clone());
                    known
                }
            })
            .collect();
        stems.sort_unstable();
        stems.dedup();
        stems
            .into_iter()
            .map(|stem| QueryTerm {
                groups: crate::index::word_groups(&stem),
                stem,
            })
            .collect()
    }
}

/// The stems of `text`'s content words: stop words and weak words ("want",
/// "use", "get") left out.
pub(super) fn content_stems(text: &str) -> Vec<String> {
    let mut stems: Vec<String> = text::terms(text)
        .into_iter()
        .filter(|s| !crate::index::is_weak_term(s))
        .collect();
    stems.sort_unstable();
    stems.dedup();
    stems
}

/// Words that tie a question to someone or something already spoken of:
/// "how does *it* work?", "explain *your* role", "how does *the* failover
/// work?". Without one, "how Raft leader election works" asks how a thing
/// works in general. "Me" is the visitor, who is taught.
#[rustfmt::skip]
const TIES: &[&str] = &[
    "you", "your", "yours", "yourself", "she", "her", "hers", "herself", "he", "his", "him",
    "it", "its", "they", "their", "them", "this", "that", "these", "those", "i", "my", "we",
    "our", "there", "here", "the",
];

/// Whether a part asks for a lesson on a subject ([`Wants::Lesson`]):
/// "explain X", "how X works" or "the difference between X and Y", where X
/// has content words and none of [`TIES`].
fn is_lesson(words: &[&str]) -> bool {
    let general = |span: &[&str]| {
        !span.is_empty()
            && !span.iter().any(|w| TIES.contains(w))
            && span.iter().any(|w| !content_stems(w).is_empty())
    };
    let after = |at: usize| &words[at + 1..];
    words.iter().enumerate().any(|(at, &w)| match w {
        "explain" => general(after(at)),
        "how" => after(at)
            .iter()
            .position(|w| matches!(*w, "work" | "works"))
            .is_some_and(|end| general(&after(at)[..end])),
        "difference" | "differences" => {
            after(at).first() == Some(&"between") && general(&after(at)[1..])
        }
        _ => false,
    })
}

/// The words of `question` written as names, as the index reads them
/// ("Snowflake", "BigQuery"), in lower case.
fn written_as_names(question: &str) -> Vec<String> {
    let mut written = Vec::new();
    text::for_each_raw_word(question, |raw, lower, sentence_start| {
        if crate::index::written_as_name(raw, sentence_start) {
            written.push(lower.to_owned());
        }
    });
    written
}

/// The parts of a question, lower-case: split at question marks and where
/// "and" or a comma opens a new question ("..., and what salary...").
pub(super) fn parts(question: &str) -> Vec<String> {
    let lower = question.to_lowercase();
    let mut parts = Vec::new();
    for sentence in lower.split(['?', '!', ';', '\n']) {
        let mut current = String::new();
        let tokens: Vec<&str> = sentence.split_whitespace().collect();
        for (i, token) in tokens.iter().enumerate() {
            let bare = token.trim_matches(|c: char| !c.is_alphanumeric());
            let next = tokens
                .get(i + 1)
                .map(|n| n.trim_matches(|c: char| !c.is_alphanumeric()));
            let opens = |w: Option<&str>| w.is_some_and(|w| OPENERS.contains(&w));
            let joint = (matches!(bare, "and" | "also" | "plus") && opens(next))
                || (token.ends_with(',') && opens(next));
            current.push_str(token);
            current.push(' ');
            if joint {
                parts.push(std::mem::take(&mut current));
            }
        }
        parts.push(current);
    }
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !words(p).is_empty())
        .collect()
}

/// Words that open a question.
#[rustfmt::skip]
const OPENERS: &[&str] = &[
    "how", "what", "what's", "whats", "when", "where", "which", "who", "who's", "why", "do",
    "does", "did", "are", "is", "was", "were", "have", "has", "can", "could", "would", "will",
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::chunk::{Chunk, Section};

    fn chunk(section: Section, title: &str, text: &str) -> Analysed {
        Analysed::of(&Chunk::new(section, title, text, BTreeMap::new()))
    }

    /// The chunks the gate reads, and the names of the things they name.
    fn profile() -> (Vec<Analysed>, Vec<String>) {
        let chunks = vec![
            chunk(
                Section::Project,
                "Project: quillpad",
                "quillpad is a note-taking tool. It ships as 2 Rust crates, and about 20 \
                 speakers have used it.",
            ),
            chunk(
                Section::Faq,
                "Are you involved in open source?",
                "Yes. I maintain ledgerkit, a crate with about 1,900 GitHub stars and \
                 120,000 downloads.",
            ),
            chunk(
                Section::Experience,
                "Engineer at Acme Payments",
                "Acme processes about €9 billion a year. I left after Acme was sold to Globex. \
                 I ran its meetup with two friends.",
            ),
            chunk(
                Section::Faq,
                "What are your salary expectations?",
                "I'm targeting a base salary between €140,000 and €165,000.",
            ),
            chunk(
                Section::Education,
                "MSc in Computer Science",
                "My master's thesis studied replication and led to my first talk.",
            ),
            chunk(
                Section::Skills,
                "Skills: Leadership",
                "I supervise two junior engineers.",
            ),
            chunk(
                Section::Faq,
                "What team size do you prefer?",
                "I do my best work in a team of five to eight engineers. I hired two of them.",
            ),
        ];
        let names = content_stems("quillpad ledgerkit Acme Payments");
        (chunks, names)
    }

    /// Whether `chunks` state what `question` asks, with `names` the stems
    /// of the things the profile names.
    fn stated_by(question: &str, names: &[String], chunks: &[&Analysed]) -> bool {
        Asked::of(
            question,
            names,
            &[],
            chunks,
            &crate::compose::vocabulary(chunks),
        )
        .stated(chunks)
    }

    /// [`stated_by`] one chunk, of `section` and `title`, saying `text`;
    /// `names` are the things of the profile it names.
    fn stated_by_one(
        section: Section,
        title: &str,
        names: &str,
        question: &str,
        text: &str,
    ) -> bool {
        let one = chunk(section, title, text);
        stated_by(question, &content_stems(names), &[&one])
    }

    fn states(question: &str) -> bool {
        let (chunks, names) = profile();
        let chunks: Vec<&Analysed> = chunks.iter().collect();
        stated_by(question, &names, &chunks)
    }

    #[test]
    fn a_count_is_stated_beside_its_word_about_the_thing_named() {
        assert!(states("How many stars does ledgerkit have?"));
        assert!(states("How many speakers have used quillpad?"));
        // The stars are ledgerkit's, and quillpad's sentences with a
        // number count speakers.
        assert!(!states("How many GitHub stars does quillpad have?"));
        // What is counted is downloads, which the chunks know: quillpad's
        // crates are not its downloads.
        assert!(states(
            "How many downloads does ledgerkit have on crates.io?"
        ));
        assert!(!states(
            "How many downloads does quillpad have on crates.io?"
        ));
    }

    #[test]
    fn how_much_counts_what_follows_it() {
        let states = |question: &str, text: &str| {
            stated_by_one(
                Section::Experience,
                "Engineer at Acme Payments",
                "Acme Payments",
                question,
                text,
            )
        };
        let question = "How much equity do you hold in Acme Payments?";
        // The merchants Acme pays are no equity.
        assert!(!states(
            question,
            "Acme pays 3,800 merchants every night. I hold equity in Acme."
        ));
        assert!(states(
            question,
            "Acme pays 3,800 merchants every night. I hold 2% of its equity."
        ));
    }

    #[test]
    fn a_sum_is_stated_with_its_currency_about_the_thing_named() {
        assert!(states("What kind of pay are you after?"));
        assert!(states("How much money are you hoping to earn?"));
        // The salary asked for next is not the pay at Acme, and Acme's
        // billions are no salary.
        assert!(!states("How much are you paid at Acme?"));
        assert!(!states("what were you earning at Acme Payments?"));
        assert!(!states("How much money did Acme raise?"));
    }

    #[test]
    fn who_did_it_is_named_beside_the_word_for_what_they_did() {
        // "led" is on the theme of supervising, not a word for it, and the
        // one chunk that says "supervise" is not about the thesis.
        assert!(!states("Who supervised your master's thesis?"));
        assert!(!states("Which company bought Acme?"));
        assert!(states("Who do you supervise?"));
        assert!(states("Which company was Acme sold to?"));
    }

    #[test]
    fn who_someone_is_takes_a_name() {
        // The sentence is about them, but names nobody the question did not.
        assert!(!states(
            "Who are the two friends you ran Acme's meetup with?"
        ));
        assert!(!states("Which fintech startups use ledgerkit?"));
        assert!(!states(
            "What are the names of the friends you ran the meetup with?"
        ));
        // Who they were, not who they are: a description answers.
        assert!(states("Who did you run the meetup with?"));
    }

    #[test]
    fn a_question_asking_nothing_in_particular_is_not_held_back() {
        for question in [
            "Tell me about quillpad.",
            "How much do you enjoy Rust?",
            "Who are you?",
            "Where did you study?",
        ] {
            assert_eq!(Ask::of(&question.to_lowercase(), &[]), None, "{question}");
            assert!(states(question), "{question}");
        }
    }

    #[test]
    fn when_needs_a_date_in_a_chunk_about_what_it_names() {
        let skills = chunk(
            Section::Skills,
            "Skills: Languages",
            "Languages I work with: Rust (expert, 8 years) and Go (advanced, 10 years).",
        );
        let acme = chunk(
            Section::Experience,
            "Engineer at Acme",
            "I joined Acme in March 2019 and built its billing.",
        );
        let names = content_stems("Acme");
        let states = |question: &str, chunks: &[&Analysed]| stated_by(question, &names, chunks);
        // Years of experience are no year of birth.
        assert!(!states("What year were you born?", &[&skills]));
        assert!(states("When did you join Acme?", &[&acme]));
        assert!(!states("When did you join Acme?", &[&skills]));
        assert!(states(
            "What's the earliest you could come on board?",
            &[&acme]
        ));
        // A "when" that joins clauses asks for no date.
        assert!(states(
            "Did you keep Go running when a region went down?",
            &[&skills]
        ));
    }

    #[test]
    fn a_name_is_the_one_asked_for_not_one_beside_a_description() {
        let chunks = [
            chunk(
                Section::Faq,
                "Why did you leave Acme?",
                "I left Acme Payments after it was acquired by a larger bank that moved \
                 engineering to Frankfurt.",
            ),
            chunk(
                Section::Achievement,
                "Launched deposits (Acme Payments)",
                "I integrated a payment gateway whose webhooks were processed by Celery \
                 workers. Our largest client estimated it saved €2 million a year in fees.",
            ),
            chunk(
                Section::Experience,
                "Engineer at Globex",
                "Globex was bought by a bigger rival, Initech, in 2020. Globex serves \
                 about 600 regional banks in Germany and Austria. I was supervised by \
                 Ana Silva.",
            ),
        ];
        let names = content_stems("Acme Payments Globex");
        let states = |question: &str| {
            let chunks: Vec<&Analysed> = chunks.iter().collect();
            stated_by(question, &names, &chunks)
        };
        // Described: "a larger bank", "a payment gateway", "our largest
        // client"; Frankfurt and Celery are not who was asked about.
        assert!(!states("Which company acquired Acme Payments?"));
        assert!(!states("Which payment gateway did you integrate at Acme?"));
        assert!(!states(
            "What's the name of the client that estimated the €2 million saving?"
        ));
        // The sentence on banks names countries and says nothing of a
        // saving; the one on the saving only describes who estimated it.
        assert!(!states(
            "What's the name of the bank that estimated the 2 million saving?"
        ));
        // A description followed by the name, or the name alone, names it.
        assert!(states("Which company bought Globex?"));
        assert!(states(
            "What's the name of the person who supervised you at Globex?"
        ));
    }

    #[test]
    fn the_name_asked_for_is_that_of_the_whole_noun_phrase() {
        let interests = chunk(
            Section::Interests,
            "Interests outside work",
            "Outside work I go bouldering at an indoor gym in Alcântara and surf at Costa \
             da Caparica.",
        );
        let named = chunk(
            Section::Interests,
            "Interests outside work",
            "Outside work I climb at Fábrica, a gym in Alcântara.",
        );
        let states = |question: &str, chunk: &Analysed| {
            let chunks = [chunk];
            stated_by(question, &[], &chunks)
        };
        let question = "What's the name of the climbing gym you go to in Alcântara?";
        // "Bouldering" rewords "climbing", but the gym is only described,
        // and Costa da Caparica is no gym.
        assert!(!states(question, &interests));
        assert!(states(question, &named));
    }

    #[test]
    fn what_score_and_what_budget_need_a_figure() {
        let states = |question: &str, text: &str| {
            stated_by_one(
                Section::Certifications,
                "Certifications",
                "quillpad",
                question,
                text,
            )
        };
        let score = "What score did you get on the quillpad exam?";
        // A year is no score.
        assert!(!states(score, "I passed the quillpad exam in 2023."));
        assert!(states(
            score,
            "I passed the quillpad exam in 2023 with a score of 870."
        ));
        let budget = "What's the budget for the quillpad migration?";
        assert!(!states(
            budget,
            "I lead the quillpad migration, which ships in 2027."
        ));
        assert!(states(
            budget,
            "The quillpad migration has a budget of €2 million."
        ));
        let cost = "How much did the quillpad outage end up costing?";
        assert!(!states(cost, "The quillpad outage delayed 3,800 payouts."));
        assert!(states(cost, "The quillpad outage cost us €40,000."));
    }

    #[test]
    fn which_month_needs_a_month() {
        let states = |question: &str, text: &str| {
            stated_by_one(
                Section::Project,
                "Talk: quillpad internals",
                "quillpad",
                question,
                text,
            )
        };
        let question = "In which month of 2024 did you give the quillpad talk?";
        // The year is the question's own.
        assert!(!states(
            question,
            "I gave the quillpad talk at RustFest in 2024."
        ));
        assert!(states(
            question,
            "I gave the quillpad talk at RustFest in May 2024."
        ));
    }

    #[test]
    fn a_choice_is_answered_by_one_of_its_options() {
        let states = |question: &str, text: &str| {
            stated_by_one(
                Section::Experience,
                "Engineer at Quillworks",
                "Quillworks",
                question,
                text,
            )
        };
        let text = "At Quillworks I was on call one week in four, and we used PagerDuty.";
        let asked =
            "At Quillworks, which paging service did the rotation use, PagerDuty or Opsgenie?";
        assert!(states(asked, text));
        // "On call" rewords paging, but names neither service; the part
        // that only names the employer sets the scene and asks nothing.
        assert!(!states(
            asked,
            "At Quillworks I was on call one week in four."
        ));
        assert!(!states(
            "What do you ride on weekends, road or gravel?",
            "At Quillworks I rode to work every day."
        ));
        // An "or" inside the question joins alternatives, not options.
        assert!(states(
            "Did you rotate on call or pair with the team at Quillworks?",
            "At Quillworks I was on call one week in four."
        ));
        // Two names at the end are options too, set apart or not: a
        // neighbour in the same concept is not either of them.
        let analytics = "At Quillworks I ran the analytics on ClickHouse.";
        assert!(!states(
            "Did you do analytics at Quillworks on Snowflake or BigQuery?",
            analytics
        ));
        assert!(states(
            "Did you do analytics at Quillworks on ClickHouse or BigQuery?",
            analytics
        ));
    }

    #[test]
    fn a_thing_of_a_kind_is_asked_for_by_its_kind() {
        let states = |question: &str, title: &str, text: &str| {
            stated_by_one(Section::Interests, title, "", question, text)
        };
        let question = "Which surf school at Costa da Caparica do you take lessons with?";
        // Where someone surfs is not with which school.
        assert!(!states(
            question,
            "Interests",
            "I surf at Costa da Caparica most weekends."
        ));
        assert!(states(
            question,
            "Interests",
            "I surf with the Caparica Surf School most weekends."
        ));
        // A kind of thing its kinds name: a sentence on observability lists
        // its tools without saying "tools"; "what stack" names no kind.
        assert!(states(
            "Which observability tools do you use?",
            "Skills",
            "For observability I rely on Prometheus and Grafana."
        ));
        assert!(states(
            "What stack do you use?",
            "Interests",
            "I surf most weekends."
        ));
        // A chunk's title may name the kind its sentences list.
        assert!(states(
            "What certifications does she have?",
            "Certifications",
            "AWS Certified Solutions Architect from Amazon Web Services (2023)."
        ));
        assert!(!states(
            "What commission did you take on each booking?",
            "Experience",
            "I built online booking for sailing schools."
        ));
        // What qualifies the kind is said with it: a shorter version of a
        // talk is no major version of Postgres.
        let question = "Which Postgres major version does the ledger run on?";
        assert!(!states(
            question,
            "Talk: Exactly-once",
            "I gave a shorter version of the talk in Porto."
        ));
        assert!(states(
            question,
            "Ledger",
            "The ledger runs on Postgres major version 16."
        ));
    }

    #[test]
    fn a_lesson_on_a_subject_is_not_in_a_profile() {
        let states = |question: &str, text: &str| {
            stated_by_one(Section::Skills, "Distributed systems", "", question, text)
        };
        let raft = "Raft and Paxos consensus (expert, 6 years): I run Raft in production.";
        assert!(!states(
            "Can you walk me through how Raft leader election works, step by step?",
            raft
        ));
        assert!(!states("Explain Raft consensus to me.", raft));
        assert!(!states(
            "What's the difference between Raft and Paxos?",
            raft
        ));
        // Tied to what the profile says, it asks about its owner's work.
        assert!(states("How does your Raft setup work?", raft));
        assert!(states("How does the Raft failover work?", raft));
        assert!(states("How long have you worked with Raft?", raft));
        assert!(stated_by_one(
            Section::Project,
            "Project: quillpad",
            "quillpad",
            "How does quillpad work?",
            "quillpad is a notes app that syncs over Raft."
        ));
    }

    #[test]
    fn a_count_stands_beside_what_it_counts() {
        let states = |question: &str, text: &str| {
            stated_by_one(Section::Achievement, "Scaled ingestion", "", question, text)
        };
        let question = "How many shards did you split the ingestion tier into?";
        // The sentence holds a number, but of something else.
        assert!(!states(
            question,
            "I sharded the ingestion tier by series hash and cut latency by 40%."
        ));
        assert!(states(
            question,
            "I split the ingestion tier into 16 shards by series hash."
        ));
        assert!(states(
            "How many chargebacks did you get a month?",
            "We had chargebacks: 30 a month."
        ));
        assert!(!states(
            "How many chargebacks did you get a month?",
            "It cost €300,000 a year in refunds, support time and chargeback fees."
        ));
        // Experience is counted in years.
        assert!(states(
            "How much experience do you have with Kubernetes?",
            "Kubernetes (advanced, 7 years)."
        ));
    }

    #[test]
    fn what_is_asked_of_each_is_stated_in_a_chunk_of_its_own() {
        let first = chunk(
            Section::Experience,
            "Engineer at Quillworks",
            "At Quillworks the regression suite caught 23 bugs in its first year.",
        );
        let second = chunk(
            Section::Experience,
            "Intern at Globex",
            "At Globex the parser check found 4 bugs in its first month.",
        );
        let chunks = [&first, &second];
        let names = content_stems("Quillworks Globex");
        assert!(stated_by(
            "How many bugs did the checks at Quillworks and Globex each catch?",
            &names,
            &chunks
        ));
        // Asked of the two together, the count must be said of both.
        assert!(!stated_by(
            "How many bugs did the checks at Quillworks and Globex catch together?",
            &names,
            &chunks
        ));
    }

    #[test]
    fn a_title_does_not_name_one_who_holds_it() {
        let states = |question: &str, text: &str| {
            stated_by_one(
                Section::Experience,
                "Staff Engineer at Quillworks Labs",
                "Quillworks Labs",
                question,
                text,
            )
        };
        let text = "I work as Staff Software Engineer at Quillworks Labs in Lisbon. I'm one \
                    of two staff engineers there.";
        // "Software" is part of the title, "Labs" of the name the question
        // gives, and Lisbon is where, well past the title: none names the
        // other staff engineer.
        assert!(!states(
            "Who is the other staff engineer at Quillworks?",
            text
        ));
        assert!(states(
            "Who is the other staff engineer at Quillworks?",
            "I'm one of two staff engineers; the other is Ana Silva."
        ));
    }

    #[test]
    fn a_model_or_a_venue_is_asked_for_by_name() {
        let states = |question: &str, text: &str| {
            stated_by_one(
                Section::Project,
                "Project: quillboard",
                "quillboard",
                question,
                text,
            )
        };
        let described = "quillboard runs on an e-ink display by my front door. The display \
                         runs on a Raspberry Pi Zero. It is a monthly meetup project I started \
                         in 2022.";
        let named = "quillboard runs on an e-ink display model from Waveshare.";
        // The model is asked for past the words that qualify it.
        let model = "Which e-ink display model does quillboard use?";
        assert!(!states(model, described));
        assert!(states(model, named));
        assert!(!states("Which venue hosts quillboard?", described));
        // "The display" rewords "the screen", and describes it: the
        // Raspberry Pi is what it runs on, not its model.
        assert!(!states(
            "Which e-ink display model does the quillboard screen use?",
            described
        ));
        // The day of the month is a day, which a year does not give.
        assert!(!states(
            "On which day of the month does quillboard meet?",
            described
        ));
        assert!(states("When did you start quillboard?", described));
        // Regions are asked for by name, and the name before the service is
        // not the name of its regions.
        let regions = "At Acme Payments, the quillboard service ran in one AWS region. I moved \
                       quillboard to an active-passive setup across two AWS regions.";
        assert!(!states(
            "Which two AWS regions does the quillboard service run in?",
            regions
        ));
    }

    #[test]
    fn a_novel_is_asked_for_by_its_title() {
        let interests = chunk(
            Section::Interests,
            "Interests outside work",
            "Outside work I read science fiction by Stanisław Lem, which I reread in Polish.",
        );
        let favourite = chunk(
            Section::Interests,
            "Interests outside work",
            "My favourite novel is Solaris by Stanisław Lem.",
        );
        let states = |question: &str, chunk: &Analysed| {
            let chunks = [chunk];
            stated_by(question, &[], &chunks)
        };
        // The author is named, no novel of theirs is.
        let question = "Which Stanisław Lem novel is your favourite?";
        assert!(!states(question, &interests));
        assert!(states(question, &favourite));
    }

    #[test]
    fn a_day_is_asked_when_the_question_gives_the_month() {
        let faq = chunk(
            Section::Faq,
            "When could you start?",
            "The migration cuts over in February 2027. I can start in March 2027 and \
             interview any weekday afternoon.",
        );
        let launch = chunk(
            Section::Project,
            "Project: quillpad",
            "quillpad 1.0 shipped on 14 February 2024.",
        );
        let states = |question: &str, chunks: &[&Analysed]| stated_by(question, &[], chunks);
        assert!(!states(
            "On which exact day in February 2027 does the migration cut over?",
            &[&faq]
        ));
        assert!(states(
            "On which exact day in February 2024 did quillpad ship?",
            &[&launch]
        ));
        // Without a month in the question, the month is the news.
        assert!(states("What exact date could you start?", &[&faq]));
        // A day of the week says when.
        assert!(states("Which day can we do the interview?", &[&faq]));
        assert!(states("When can we do the interview?", &[&faq]));
        assert!(Holds::of("It shipped on February 14th.").day);
        assert!(!Holds::of("It ships in February 2027, on 3 servers.").day);
    }

    #[test]
    fn a_question_of_several_parts_is_answered_when_one_part_is() {
        assert!(states(
            "How much are you paid at Acme, and what salary are you after?"
        ));
        assert!(!states(
            "How much are you paid at Acme, and who bought Acme?"
        ));
    }

    #[test]
    fn questions_say_what_kind_of_fact_they_want() {
        for (question, expected) in [
            ("When did you join Acme?", Some(Wants::Date)),
            ("what year did you graduate", Some(Wants::Date)),
            ("How soon could you start?", Some(Wants::Date)),
            ("How many engineers did you lead?", Some(Wants::Number)),
            ("What percentage did you save?", Some(Wants::Number)),
            ("How long were you at Acme?", Some(Wants::Span)),
            ("How much faster did it get?", Some(Wants::Number)),
            ("How much are you paid at Acme?", Some(Wants::Money)),
            ("What were you earning there?", Some(Wants::Money)),
            ("What salary did you earn there?", Some(Wants::Money)),
            // What was earned is the qualification, not a sum.
            ("What's the highest qualification you earned?", None),
            ("How much money did you save them?", Some(Wants::Number)),
            ("Which month did you join Acme?", Some(Wants::Month)),
            ("What final grade did you get?", Some(Wants::Number)),
            ("What's the budget for it?", Some(Wants::Money)),
            ("What year did you join Acme?", Some(Wants::Date)),
            ("How did you cut costs?", None),
            ("What do you do?", None),
        ] {
            assert_eq!(wants(question), expected, "{question}");
        }
    }

    #[test]
    fn years_are_dates_and_other_figures_are_numbers() {
        assert_eq!(
            Holds::of("From April 2016 to August 2018 I worked at Acme."),
            Holds {
                date: true,
                month: true,
                ..Holds::default()
            }
        );
        assert!(!Holds::of("From 2016 to 2018 I worked at Acme.").month);
        assert_eq!(
            Holds::of("It grew to 45 people, about three times its size."),
            Holds {
                number: true,
                ..Holds::default()
            }
        );
        assert_eq!(Holds::of("I like correctness."), Holds::default());
        assert_eq!(Holds::of("I may march on."), Holds::default());
        assert!(Holds::of("Since May I lead it.").date);
    }

    #[test]
    fn sums_of_money_carry_their_currency() {
        for sentence in [
            "It handles about €9 billion a year.",
            "I'm targeting €140,000 to €165,000.",
            "It cost $ 300 a month.",
            "The grant was 40,000 euros.",
            "We raised five million dollars.",
        ] {
            let holds = Holds::of(sentence);
            assert!(holds.money && holds.number, "{sentence}");
        }
        for sentence in ["It fell by 70%.", "It costs money.", "I paid €."] {
            assert!(!Holds::of(sentence).money, "{sentence}");
        }
    }

    #[test]
    fn a_question_is_cut_where_a_new_question_opens() {
        assert_eq!(
            parts("When could you start, and what base salary are you after?"),
            [
                "when could you start, and",
                "what base salary are you after"
            ]
        );
        assert_eq!(
            parts("Are you married? Any kids?"),
            ["are you married", "any kids"]
        );
        assert_eq!(
            parts("Did you use Rust and Go at Acme?"),
            ["did you use rust and go at acme"]
        );
    }
}
