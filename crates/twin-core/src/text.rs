//! Text analysis shared by retrieval and the extractive composer: terms
//! (lower-cased, stop words dropped, stemmed) and sentences.
//!
//! Both are deliberately simple and English-only, because profiles are
//! written in English and everything here must run in microseconds on a cold
//! start. Terms are what the index matches on and what the composer counts
//! overlap with, so the two always agree on what a "word" is.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};

use crate::index::hash::FxBuildHasher;

/// Snowball's English stemmer. Creating one is cheap, but a shared instance
/// keeps every call site from having to carry one around.
static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::English));

/// English stop words, kept sorted so that duplicates and gaps are easy to
/// spot (a test checks the order).
///
/// The base is the usual list of function words (NLTK's, including the
/// fragments left when "don't" or "you're" is split at the apostrophe), plus
/// words that carry no topic in a question put to a twin: question words,
/// "you"/"your", modal verbs, greetings and the verbs visitors wrap a question
/// in ("tell me about", "can you describe", "do you like"). Dropping those is
/// what lets "tell me about yourself" be recognised as a question with no
/// topic at all. Text speak for them is as common in a chat box ("u", "n",
/// "w", "rn", "b4"), and so are their misspellings ("wher", "hav", "bein"),
/// which typo correction never reaches: it corrects only to content words.
#[rustfmt::skip]
pub(crate) const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "abt", "after", "again", "against", "ain", "all", "also", "am", "an",
    "and", "any", "anybody", "anyone", "anything", "are", "aren", "arent", "around", "as", "at", "b4",
    "bc", "be", "because", "been", "before", "bein", "being", "below", "between", "both", "btw",
    "but", "by", "can", "cant", "could", "couldn", "couldnt", "coz", "cud", "cuz", "d",
    "describe", "did", "didn", "didnt", "do", "does", "doesn", "doesnt", "doing", "don", "dont",
    "down", "dunno", "during", "each", "ever", "everybody", "everyone", "everything", "explain",
    "few", "for", "from", "further", "gimme", "go", "goes", "going", "gone", "had", "hadn",
    "has", "hasn", "hav", "have", "haven", "having", "he", "hello", "her", "here", "hers",
    "herself", "hey", "hi", "him", "himself", "his", "how", "hw", "i", "idk", "if", "im", "imo",
    "in", "into", "is", "isn", "isnt", "it", "its", "itself", "ive", "just", "know", "lemme",
    "less", "let", "like", "ll", "lmk", "m", "ma", "may", "me", "might", "mightn", "more",
    "most", "much", "must", "mustn", "my", "myself", "n", "needn", "ngl", "no", "nobody", "nor",
    "not", "now", "o", "of", "off", "ok", "okay", "on", "once", "one", "ones", "only", "or",
    "other", "our", "ours", "ourselves", "out", "over", "own", "please", "pls", "plz", "r",
    "re", "really", "rn", "s", "same", "say", "shall", "shan", "share", "she", "should",
    "shouldn", "shud", "so", "some", "somebody", "someone", "something", "such", "t", "tbh",
    "tell", "than", "thank", "thanks", "that", "the", "their", "theirs", "them", "themselves",
    "then", "there", "these", "they", "this", "tho", "those", "through", "thx", "to", "too",
    "u", "under", "until", "up", "ur", "urself", "urselves", "us", "ve", "versus", "very", "vs",
    "w", "was", "wasn", "wat", "we", "wen", "went", "were", "weren", "what", "whats", "when",
    "wher", "where", "which", "while", "who", "whom", "whose", "whr", "wht", "why", "will",
    "with", "won", "wont", "would", "wouldn", "wouldnt", "wud", "wut", "y", "ya", "you", "youd",
    "youll", "your", "youre", "yours", "yourself", "yourselves", "youve",
];

/// Stop words that are also names in a technical profile. They stop only when
/// written in lower case: "Go" (the language) mid-sentence, "IT", "US" and "R" in
/// capitals are kept, so "Do you know Go?" still has a topic.
fn case_sensitive_keep(raw: &str, sentence_start: bool) -> bool {
    match raw {
        "Go" => !sentence_start,
        "GO" | "IT" | "US" | "R" => true,
        _ => false,
    }
}

/// True for an English stop word (lowercase input). Question words like
/// "what", "where", "how", "you", "your" are stop words for retrieval.
pub fn is_stop_word(word: &str) -> bool {
    // Indexing checks every word of the profile, so this is a hash lookup
    // rather than a binary search, behind a length check that rejects most
    // content words outright.
    word.len() <= LONGEST_STOP_WORD && STOP_SET.contains(word)
}

/// The length in bytes of the longest stop word ("yourselves").
const LONGEST_STOP_WORD: usize = 10;

static STOP_SET: LazyLock<HashSet<&'static str, FxBuildHasher>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Lower-cases, splits on anything not alphanumeric, drops English stop
/// words and Snowball(English)-stems. Returns terms in order, duplicates
/// kept.
///
/// Apostrophes split words too: "don't" gives "don" and "t", which are both
/// stop words, and "Sam's" gives "sam" and "s". "C++" and "C#" become "cpp"
/// and "csharp" so that they are not confused with "C". A stop word that is
/// also a technology or place name ("Go", "IT", "US") is kept when it is
/// written that way, see [`is_stop_word`] for the lower-case rule.
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |word| {
        if !word.stop {
            out.push(stem(word.lower));
        }
    });
    out
}

/// Stems one lower-case word.
pub(crate) fn stem(lower: &str) -> String {
    // Snowball leaves numbers alone; profiles are full of them (years,
    // amounts), and skipping the stemmer for them is a cheap saving.
    if lower.bytes().all(|b| b.is_ascii_digit()) {
        return lower.to_owned();
    }
    STEMMER.stem(lower).into_owned()
}

/// One word of a text, as the index sees it before stemming.
#[derive(Debug)]
pub(crate) struct Word<'a> {
    /// The word lower-cased (with "c++" already rewritten to "cpp").
    pub lower: &'a str,
    /// Whether the word is a stop word in this position.
    pub stop: bool,
}

/// Calls `f` with every word of `text`, in order, reusing one buffer so that
/// building an index does not allocate per word.
pub(crate) fn for_each_word(text: &str, mut f: impl FnMut(Word<'_>)) {
    for_each_raw_word(text, |raw, lower, sentence_start| {
        f(Word {
            lower,
            stop: is_stop_in_context(raw, lower, sentence_start),
        });
    });
}

/// Whether a word is a stop word where it stands: `raw` is the word as
/// written, `lower` lower-cased, `sentence_start` whether it opens a
/// sentence. Only the words of [`is_case_sensitive`] depend on more than
/// `lower`.
pub(crate) fn is_stop_in_context(raw: &str, lower: &str, sentence_start: bool) -> bool {
    is_stop_word(lower) && !case_sensitive_keep(raw, sentence_start)
}

/// True for the lower-case stop words that are kept when written as a name
/// ("Go", "IT", "US").
pub(crate) fn is_case_sensitive(lower: &str) -> bool {
    matches!(lower, "go" | "it" | "us")
}

/// Calls `f(raw, lower, sentence_start)` with every word of `text`: the
/// word as written, lower-cased (with "c++" rewritten to "cpp"), and whether
/// it opens a sentence.
pub(crate) fn for_each_raw_word(text: &str, mut f: impl FnMut(&str, &str, bool)) {
    let mut lower = String::new();
    // A sentence starts at the beginning of the text and after . ! ? or a
    // line break; "Go" there is the imperative, not the language.
    let mut sentence_start = true;
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < bytes.len() {
        let (alphanumeric, len) = char_at(text, pos);
        if !alphanumeric {
            if matches!(bytes[pos], b'.' | b'!' | b'?' | b'\n') {
                sentence_start = true;
            }
            pos += len;
            continue;
        }
        // An address ("https://github.com/...", "name@example.dev") is
        // where to find something, not what it is about: its pieces are
        // not words ("dev" in a domain is no developer, "in" in a LinkedIn
        // path no preposition), so it is passed over whole.
        if let Some(end) = address_end(text, pos) {
            sentence_start = matches!(bytes[end - 1], b'.' | b'!' | b'?');
            pos = end;
            continue;
        }
        let start = pos;
        let mut ascii = true;
        while pos < bytes.len() {
            let (alphanumeric, len) = char_at(text, pos);
            if !alphanumeric {
                break;
            }
            ascii &= len == 1;
            pos += len;
        }
        let raw = &text[start..pos];
        lower.clear();
        if ascii {
            // Nearly every word is ASCII, and lower-casing bytes in place is
            // several times faster than Unicode case mapping.
            lower.push_str(raw);
            lower.make_ascii_lowercase();
        } else {
            lower.extend(raw.chars().flat_map(char::to_lowercase));
        }
        let rest = &bytes[pos..];
        if rest.starts_with(b"++") {
            lower.push_str("pp");
        } else if rest.starts_with(b"#") && raw.len() == 1 {
            lower.push_str("sharp");
        }
        f(raw, &lower, sentence_start);
        sentence_start = false;
    }
}

/// When a web or email address starts at byte `pos` of `text`, the end of
/// the run of non-whitespace it is in (past any closing punctuation).
/// Only a word's first character can start one.
fn address_end(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if pos > 0 && !bytes[pos - 1].is_ascii_whitespace() && !b"(<[\"'".contains(&bytes[pos - 1]) {
        return None;
    }
    let end = bytes[pos..]
        .iter()
        .position(u8::is_ascii_whitespace)
        .map_or(bytes.len(), |n| pos + n);
    let token = &text[pos..end];
    let web =
        token.starts_with("http://") || token.starts_with("https://") || token.starts_with("www.");
    let email = token.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty()
            && host
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .contains('.')
    });
    (web || email).then_some(end)
}

/// Whether the character at byte `pos` of `text` is alphanumeric, and its
/// length in bytes. ASCII, by far the common case, skips UTF-8 decoding.
fn char_at(text: &str, pos: usize) -> (bool, usize) {
    let b = text.as_bytes()[pos];
    if b.is_ascii() {
        return (b.is_ascii_alphanumeric(), 1);
    }
    match text[pos..].chars().next() {
        Some(c) => (c.is_alphanumeric(), c.len_utf8()),
        None => (false, 1),
    }
}

/// Words after which a period does not end a sentence, lower-cased and
/// without their final period.
const ABBREVIATIONS: &[&str] = &[
    "al", "approx", "apr", "aug", "ca", "cf", "co", "corp", "dec", "dept", "dr", "e.g", "eg",
    "est", "etc", "feb", "fig", "i.e", "ie", "inc", "incl", "jan", "jr", "jul", "jun", "ltd", "mr",
    "mrs", "ms", "mt", "nov", "oct", "p.s", "ph.d", "prof", "sep", "sept", "sr", "st", "u.k",
    "u.s", "vs",
];

/// Splits prose into sentences: on `.`, `!` or `?` followed by whitespace and
/// then an uppercase letter, a digit or an opening quote or bracket, but not
/// after common abbreviations ("e.g.", "Dr.", "etc.") or a single initial
/// ("J. Smith"). Numbers (3.5, v1.2) and domains or emails (example.dev)
/// never split because no whitespace follows their dots. A blank line always
/// ends a sentence. Each slice is trimmed; none is empty.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            // A blank line (only whitespace between two line breaks) ends a
            // paragraph and so a sentence.
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b'\n' && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b'\n' {
                push_trimmed(&mut out, &text[start..i]);
                start = j + 1;
                i = j + 1;
                continue;
            }
        }
        if !matches!(b, b'.' | b'!' | b'?') {
            i += 1;
            continue;
        }
        // Take the whole run of terminators ("?!", "...") and any closing
        // quotes or brackets after it.
        let mut end = i + 1;
        while end < bytes.len() && matches!(bytes[end], b'.' | b'!' | b'?') {
            end += 1;
        }
        let after_terminators = end;
        while let Some(c) = text[end..].chars().next() {
            if matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»') {
                end += c.len_utf8();
            } else {
                break;
            }
        }
        let Some(next) = next_sentence_start(&text[end..]) else {
            i = after_terminators;
            continue;
        };
        if b == b'.' && after_terminators == i + 1 && is_abbreviation(&text[start..i]) {
            i = after_terminators;
            continue;
        }
        push_trimmed(&mut out, &text[start..end]);
        start = end + next;
        i = start;
    }
    push_trimmed(&mut out, &text[start..]);
    out
}

/// If `rest` is whitespace followed by something that can open a sentence,
/// the offset of that opener.
fn next_sentence_start(rest: &str) -> Option<usize> {
    let trimmed = rest.trim_start();
    let skipped = rest.len() - trimmed.len();
    if skipped == 0 {
        return None;
    }
    let opener = trimmed.chars().next()?;
    let opens = opener.is_uppercase()
        || opener.is_ascii_digit()
        || matches!(opener, '"' | '\'' | '(' | '[' | '“' | '‘' | '«');
    opens.then_some(skipped)
}

/// Whether the text before a period ends with an abbreviation or an initial.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | '"' | '\'' | '“' | '['))
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    if let (Some(only), None) = (chars.next(), chars.next()) {
        // A single capital before a period is an initial ("J. Smith").
        return only.is_uppercase();
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.binary_search(&lower.as_str()).is_ok()
}

/// The question as asked of the owner: each of `names` (the owner's name
/// parts, lower-case) becomes "you", and a possessive one ("Nadia's")
/// "your". A recruiter asks "does Nadia mentor juniors?"; the name is who
/// is asked about, not what, and as a word only the summary holds it would
/// weigh against every other chunk.
pub fn owner_as_you<'a>(text: &'a str, names: &[String]) -> Cow<'a, str> {
    let is_name = |word: &str| {
        let lower = word.to_lowercase();
        names.contains(&lower)
    };
    let mut out = String::new();
    let mut last = 0;
    let mut start = None;
    // A space past the end closes a name that ends the text.
    let chars = text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')));
    for (i, c) in chars {
        if c.is_alphabetic() {
            start.get_or_insert(i);
            continue;
        }
        let Some(begin) = start.take() else { continue };
        if !is_name(&text[begin..i]) {
            continue;
        }
        let rest = &text[i..];
        let possessive = ["'s", "\u{2019}s"]
            .iter()
            .find(|p| rest.starts_with(**p) && !rest[p.len()..].starts_with(char::is_alphanumeric));
        out.push_str(&text[last..begin]);
        match possessive {
            Some(p) => {
                out.push_str("your");
                last = i + p.len();
            }
            None => {
                out.push_str("you");
                last = i;
            }
        }
    }
    // Every name replaced writes "you" or "your": nothing written, no name.
    if out.is_empty() {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

fn push_trimmed<'a>(out: &mut Vec<&'a str>, slice: &'a str) {
    let trimmed = slice.trim();
    if !trimmed.is_empty() {
        out.push(trimmed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_stop_word_is_known() {
        let longest = STOP_WORDS.iter().map(|w| w.len()).max();
        assert_eq!(longest, Some(LONGEST_STOP_WORD));
    }

    #[test]
    fn word_lists_are_sorted() {
        for list in [STOP_WORDS, ABBREVIATIONS] {
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(list, sorted.as_slice());
        }
    }

    #[test]
    fn terms_lowercase_drop_stop_words_and_stem() {
        let check = |input: &str, expect: &[&str]| {
            assert_eq!(terms(input), expect, "terms({input:?})");
        };
        check("", &[]);
        check("  ...?! ", &[]);
        check(
            "Tell me about your experience with Kubernetes",
            &["experi", "kubernet"],
        );
        check("Where did you study?", &["studi"]);
        check("I studied Computer Science", &["studi", "comput", "scienc"]);
        check("running runs ran", &["run", "run", "ran"]);
        check("What do you do?", &[]);
        check("Tell me about yourself!", &[]);
        check("Who are you, and what's your story?", &["stori"]);
        check("don't won't I'm Sam's", &["sam"]);
        check("node.js v1.2 3.5", &["node", "js", "v1", "2", "3", "5"]);
        check("Rust, rust; RUST", &["rust", "rust", "rust"]);
        check("Do you know C++ or C#? And C?", &["cpp", "csharp", "c"]);
        check("Do you know Go?", &["go"]);
        check("Go on. do you go there?", &[]);
        check("IT and it", &["it"]);
        check(
            "Dónde vives? Ünïcödé straße",
            &["dónde", "vive", "ünïcödé", "straße"],
        );
        check("日本語 text", &["日本語", "text"]);
        // Addresses are passed over whole, and a sentence may open after
        // one: "Go" there is the imperative.
        check(
            "Email me at nadia@example.dev. Go to https://nadia.example.dev/call, or (www.example.com/in/dev).",
            &["email"],
        );
        check(
            "write to nadia@example.dev Go people",
            &["write", "go", "peopl"],
        );
        check("devs @ example dot dev", &["dev", "exampl", "dot", "dev"]);
        check(
            "the user@ and @host.dev mentions",
            &["user", "host", "dev", "mention"],
        );
    }

    #[test]
    fn the_owner_named_is_the_owner_asked() {
        let names = ["nadia".to_owned(), "kowalski".to_owned()];
        let cases = [
            ("Does Nadia mentor juniors?", "Does you mentor juniors?"),
            ("What is Nadia's salary?", "What is your salary?"),
            ("What is NADIA\u{2019}s salary?", "What is your salary?"),
            ("Who is Nadia Kowalski?", "Who is you you?"),
            ("Nadia", "you"),
            // Only whole words: a longer word that starts with the name is
            // another word.
            ("Nadian Kowalskis", "Nadian Kowalskis"),
            ("Nadia'sx", "you'sx"),
            ("no name here", "no name here"),
        ];
        for (question, expect) in cases {
            assert_eq!(owner_as_you(question, &names), expect, "{question}");
        }
        assert!(matches!(
            owner_as_you("no name here", &names),
            Cow::Borrowed(_)
        ));
        let names = ["łucja".to_owned()];
        assert_eq!(owner_as_you("Does Łucja code?", &names), "Does you code?");
    }

    #[test]
    fn stop_words() {
        let check = |word: &str, expect: bool| {
            assert_eq!(is_stop_word(word), expect, "is_stop_word({word:?})");
        };
        for word in [
            "what", "where", "how", "you", "your", "the", "t", "don", "tell", "go",
        ] {
            check(word, true);
        }
        for word in ["rust", "experience", "salary", "What", "Go", ""] {
            check(word, false);
        }
    }

    #[test]
    fn sentences_split_on_terminators_before_a_capital() {
        let check = |input: &str, expect: &[&str]| {
            assert_eq!(sentences(input), expect, "sentences({input:?})");
        };
        check("", &[]);
        check("   ", &[]);
        check("One sentence", &["One sentence"]);
        check(
            "First. Second! Third? Fourth.",
            &["First.", "Second!", "Third?", "Fourth."],
        );
        check(
            "Lower. after a period stays.",
            &["Lower. after a period stays."],
        );
        check("Wait... What?! Yes.", &["Wait...", "What?!", "Yes."]);
        check(
            "It grew 3.5 times. Then v1.2 shipped.",
            &["It grew 3.5 times.", "Then v1.2 shipped."],
        );
        check(
            "Email sam@example.dev. Or visit example.dev today.",
            &["Email sam@example.dev.", "Or visit example.dev today."],
        );
        check(
            "I use Rust, Go, etc. We ship weekly.",
            &["I use Rust, Go, etc. We ship weekly."],
        );
        check(
            "Tools, e.g. Kafka and i.e. Postgres. Done.",
            &["Tools, e.g. Kafka and i.e. Postgres.", "Done."],
        );
        check(
            "I met Dr. Lee and Mr. Ng at Acme Inc. Oslo St. Paul.",
            &["I met Dr. Lee and Mr. Ng at Acme Inc. Oslo St. Paul."],
        );
        check(
            "It took approx. 3 weeks, incl. Testing. Vs. that.",
            &["It took approx. 3 weeks, incl. Testing.", "Vs. that."],
        );
        check(
            "Written by J. R. Smith. Great.",
            &["Written by J. R. Smith.", "Great."],
        );
        check(
            "Rust vs. Go. 2021 was busy.",
            &["Rust vs. Go.", "2021 was busy."],
        );
        check("No. I'm not. Yes.", &["No.", "I'm not.", "Yes."]);
        check(
            r#"He said "ship it." Then we did. (Mostly.) "Quoted." [1] ok"#,
            &[
                r#"He said "ship it.""#,
                "Then we did.",
                "(Mostly.)",
                r#""Quoted.""#,
                "[1] ok",
            ],
        );
        check(
            "First para\n\nsecond para. Third.",
            &["First para", "second para.", "Third."],
        );
        check("Line one\nline two.", &["Line one\nline two."]);
        check("Ends with space.   ", &["Ends with space."]);
        check(
            "Ünicode. Émile wrote it. ok.",
            &["Ünicode.", "Émile wrote it. ok."],
        );
    }
}
