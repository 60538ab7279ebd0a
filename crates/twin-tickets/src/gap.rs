//! [`Gap`]: something the twin's profile should say and does not, and the
//! text of the ticket that reports it.
//!
//! A gap is keyed by its question alone: [`normalize`] folds case,
//! punctuation and spacing, and [`gap_key`] is 12 hex digits of the
//! SHA-256 of that, so "Do you speak German?" and "do you speak german"
//! are one ticket. The key is written into the ticket (`twin-gap:KEY`,
//! visible, and also as an HTML comment on GitHub) so that any instance,
//! with no state of its own, can find the ticket again.
//!
//! Visitor text reaches a ticket only inside a fenced code block, so it
//! cannot mention people (`@user`), link issues (`#12`), inject HTML or
//! Markdown, or forge a key. Email addresses and phone-like numbers are
//! replaced before filing: a ticket carries the question and the comment,
//! nothing else about the visitor.

use sha2::{Digest, Sha256};

/// The longest question kept, in characters; the rest is cut.
pub const MAX_QUESTION_CHARS: usize = 500;
/// The longest down-vote comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;
/// How much of the question a ticket's title shows.
const TITLE_QUESTION_CHARS: usize = 80;

/// A question the owner should look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// The twin refused: nothing in the profile cleared the relevance floor.
    Unanswered { question: String },
    /// A visitor down-voted the answer to `question`, saying `comment`
    /// (possibly empty).
    DownVote { question: String, comment: String },
}

impl Gap {
    /// A refused question, trimmed and capped; `None` when it has no words.
    pub fn unanswered(question: &str) -> Option<Gap> {
        Gap::Unanswered {
            question: question.to_owned(),
        }
        .cleaned()
    }

    /// A down-vote, trimmed and capped; `None` when the question has no
    /// words.
    pub fn down_vote(question: &str, comment: &str) -> Option<Gap> {
        Gap::DownVote {
            question: question.to_owned(),
            comment: comment.to_owned(),
        }
        .cleaned()
    }

    /// The visitor's question.
    pub fn question(&self) -> &str {
        match self {
            Gap::Unanswered { question } | Gap::DownVote { question, .. } => question,
        }
    }

    /// The down-vote's comment, when there is one.
    pub fn comment(&self) -> Option<&str> {
        match self {
            Gap::DownVote { comment, .. } if !comment.is_empty() => Some(comment),
            _ => None,
        }
    }

    /// The dedupe key of the question, see [`gap_key`].
    pub fn key(&self) -> String {
        gap_key(self.question())
    }

    /// Trims and caps both texts; `None` when the question has no words.
    /// [`crate::Tickets::file`] applies it too, so a `Gap` built by hand
    /// gets the same treatment.
    pub(crate) fn cleaned(self) -> Option<Gap> {
        let clean = |text: &str, max: usize| cap(text.trim(), max).trim().to_owned();
        let gap = match self {
            Gap::Unanswered { question } => Gap::Unanswered {
                question: clean(&question, MAX_QUESTION_CHARS),
            },
            Gap::DownVote { question, comment } => Gap::DownVote {
                question: clean(&question, MAX_QUESTION_CHARS),
                comment: clean(&comment, MAX_COMMENT_CHARS),
            },
        };
        (!normalize(gap.question()).is_empty()).then_some(gap)
    }
}

/// A question reduced to what makes it the same question: lower-case
/// words (letters, digits and inner apostrophes), one space apart, no
/// punctuation. The answer cache folds questions the same way.
pub fn normalize(question: &str) -> String {
    let mut out = String::with_capacity(question.len());
    for word in question
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}')
        .map(|w| w.trim_matches(['\'', '\u{2019}']))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            if c == '\u{2019}' {
                out.push('\'');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
    out
}

/// The stable short key of a question: the first 12 hex digits of the
/// SHA-256 of [`normalize`]d text. 48 bits: for the few hundred questions
/// a twin ever files, a collision is not a practical concern.
pub fn gap_key(question: &str) -> String {
    let digest = Sha256::digest(normalize(question).as_bytes());
    let mut key = String::with_capacity(12);
    for byte in digest.iter().take(6) {
        key.push(hex_digit(byte >> 4));
        key.push(hex_digit(byte & 0xf));
    }
    key
}

fn hex_digit(nibble: u8) -> char {
    char::from_digit(u32::from(nibble), 16).unwrap_or('0')
}

/// `twin-gap:KEY`, the text a ticket is found by.
pub(crate) fn marker(key: &str) -> String {
    format!("twin-gap:{key}")
}

/// The ticket's title: `Twin could not answer: <question…>` or `Visitor
/// down-voted: <question…>`, on one line.
pub(crate) fn title(gap: &Gap) -> String {
    let question = one_line(&visitor_text(gap.question()));
    let question = if question.chars().count() > TITLE_QUESTION_CHARS {
        let cut = cap(&question, TITLE_QUESTION_CHARS);
        // End on a word when there is one to end on.
        let cut = match cut.rfind(' ') {
            Some(space) if space > TITLE_QUESTION_CHARS / 2 => &cut[..space],
            _ => cut,
        };
        format!("{}…", cut.trim_end())
    } else {
        question
    };
    match gap {
        Gap::Unanswered { .. } => format!("Twin could not answer: {question}"),
        Gap::DownVote { .. } => format!("Visitor down-voted: {question}"),
    }
}

/// The ticket's description (Markdown). `hidden_marker` adds the key as an
/// HTML comment too, for GitHub, where comments stay in the body's source.
pub(crate) fn body(gap: &Gap, key: &str, hidden_marker: bool) -> String {
    let mut out = String::new();
    match gap {
        Gap::Unanswered { .. } => {
            out.push_str(
                "A visitor asked the digital twin a question that its profile does not answer.\n\n",
            );
        }
        Gap::DownVote { .. } => {
            out.push_str("A visitor down-voted the digital twin's answer to this question.\n\n");
        }
    }
    out.push_str("**Question**\n\n");
    out.push_str(&fenced(gap.question()));
    if let Some(comment) = gap.comment() {
        out.push_str("\n**Visitor's comment**\n\n");
        out.push_str(&fenced(comment));
    }
    out.push_str(
        "\n**What this is.** The twin is an AI version of the site's owner: it answers \
         visitors' questions in the first person, only from the profile in \
         `data/digitaltwin.json` (and the sources listed in `data/twin.toml`), and says so \
         when the profile does not cover a subject.\n\n",
    );
    match gap {
        Gap::Unanswered { .. } => out.push_str(
            "**What to do.** If visitors should get an answer, add it to \
             `data/digitaltwin.json` (an FAQ entry is the simplest place), check it with \
             `twin validate` and `twin ask`, deploy, and close this issue. If not, close it \
             as not planned.\n\n",
        ),
        Gap::DownVote { .. } => out.push_str(
            "**What to do.** Check what the twin answers (`twin ask`), then add or correct \
             the facts this question needs in `data/digitaltwin.json`, check it with \
             `twin validate`, deploy, and close this issue. If the answer was right, close \
             it as not planned.\n\n",
        ),
    }
    out.push_str(
        "Each time a visitor asks this again, the twin adds a comment here, so the number \
         of comments shows how often it is asked. `twin gaps` lists the most asked.\n\n",
    );
    out.push_str(&format!(
        "Gap key: `{}` (the twin finds this issue by it; keep it in the description).\n",
        marker(key)
    ));
    if hidden_marker {
        out.push_str(&format!("<!-- {} -->\n", marker(key)));
    }
    out
}

/// The comment added when a ticket's question comes again.
pub(crate) fn repeat_comment(gap: &Gap) -> String {
    match (gap, gap.comment()) {
        (Gap::Unanswered { .. }, _) => "Asked again.\n".to_owned(),
        (Gap::DownVote { .. }, None) => {
            "Asked again, and a visitor down-voted the answer.\n".to_owned()
        }
        (Gap::DownVote { .. }, Some(comment)) => format!(
            "Asked again, and a visitor down-voted the answer:\n\n{}",
            fenced(comment)
        ),
    }
}

/// The question a ticket was filed for, read back from its description:
/// the first fenced block after `**Question**`.
pub(crate) fn question_from_body(body: &str) -> Option<String> {
    let mut lines = body.lines().skip_while(|l| l.trim() != "**Question**");
    let fence = lines
        .by_ref()
        .find(|l| l.starts_with("```"))?
        .trim_end_matches(|c: char| c != '`')
        .to_owned();
    let mut question = Vec::new();
    for line in lines {
        if line.trim_end() == fence {
            let text = question.join("\n").trim().to_owned();
            return (!text.is_empty()).then_some(text);
        }
        question.push(line);
    }
    None
}

/// The title's prefix, stripped, as a fallback for bodies edited by hand.
pub(crate) fn question_from_title(title: &str) -> String {
    ["Twin could not answer: ", "Visitor down-voted: "]
        .iter()
        .find_map(|prefix| title.strip_prefix(prefix))
        .unwrap_or(title)
        .to_owned()
}

/// Visitor text in a code block whose fence no run of backticks in the
/// text can close.
fn fenced(text: &str) -> String {
    let text = visitor_text(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}text\n{text}\n{fence}\n")
}

/// What of a visitor's words may go into a ticket: no control characters,
/// no email addresses or phone numbers, no gap marker.
pub(crate) fn visitor_text(text: &str) -> String {
    let text: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    let text = redact_numbers(&redact_emails(&text));
    unmark(&text).trim().to_owned()
}

/// Spells any `twin-gap` (in any case) as `twin gap`, so visitor text can
/// never carry a marker.
fn unmark(text: &str) -> String {
    const MARK: &[u8] = b"twin-gap";
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at + MARK.len() <= bytes.len() {
        if bytes[at..at + MARK.len()].eq_ignore_ascii_case(MARK) {
            out.push_str(&text[copied..at]);
            out.push_str("twin gap");
            at += MARK.len();
            copied = at;
        } else {
            at += 1;
        }
    }
    // `copied` is always at a char boundary: it is 0 or just after an
    // ASCII match.
    out.push_str(&text[copied..]);
    out
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn cap(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// Replaces each whitespace-separated word that looks like an email
/// address (`local@domain.tld`, ignoring surrounding punctuation).
fn redact_emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        let space = &piece[word.len()..];
        let core = word.trim_matches(|c: char| "<>()[]{}\"',;:.!?".contains(c));
        if is_email(core) {
            let start = word.find(core).unwrap_or(0);
            out.push_str(&word[..start]);
            out.push_str("[email removed]");
            out.push_str(&word[start + core.len()..]);
        } else {
            out.push_str(word);
        }
        out.push_str(space);
    }
    out
}

fn is_email(word: &str) -> bool {
    let Some((local, domain)) = word.rsplit_once('@') else {
        return false;
    };
    let labels: Vec<&str> = domain.split('.').collect();
    !local.is_empty()
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty())
        && labels
            .last()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// Replaces runs of digits and phone punctuation holding 9 digits or more.
/// Years and small numbers ("2019", "3 years", "10k") stay.
fn redact_numbers(text: &str) -> String {
    const SEPARATORS: &str = " -.()/+";
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() || (chars[i] == '+' || chars[i] == '(') {
            let mut j = i;
            let mut digits = 0;
            let mut last_digit = i;
            while j < chars.len() && (chars[j].is_ascii_digit() || SEPARATORS.contains(chars[j])) {
                if chars[j].is_ascii_digit() {
                    digits += 1;
                    last_digit = j;
                }
                j += 1;
            }
            if digits >= 9 {
                out.push_str("[number removed]");
                i = last_digit + 1;
                continue;
            }
            // Too few digits for a phone number: keep this character and
            // scan again from the next one.
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizing_folds_case_punctuation_and_spacing() {
        let check = |input: &str, expected: &str| assert_eq!(normalize(input), expected, "{input}");
        check("Do you speak German?", "do you speak german");
        check("  do YOU   speak\tgerman ", "do you speak german");
        check("What's your salary?!", "what's your salary");
        check("What\u{2019}s your salary", "what's your salary");
        check("'quoted' words", "quoted words");
        check("Ça va? Über-cool", "ça va über cool");
        check("???", "");
    }

    #[test]
    fn the_key_is_stable_short_hex_and_ignores_wording_noise() {
        let key = gap_key("Do you speak German?");
        assert_eq!(key.len(), 12);
        assert!(
            key.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        );
        assert_eq!(key, gap_key("do you speak german"));
        assert_ne!(key, gap_key("Do you speak French?"));
        // Pinned: a change here orphans every ticket already filed.
        assert_eq!(gap_key("do you speak german"), {
            let digest = Sha256::digest(b"do you speak german");
            digest[..6]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
    }

    #[test]
    fn gaps_are_trimmed_capped_and_need_words() {
        let Some(gap) = Gap::unanswered("  Where do you live?  ") else {
            panic!("refused")
        };
        assert_eq!(gap.question(), "Where do you live?");
        assert_eq!(gap.comment(), None);
        let long = "word ".repeat(200);
        let Some(gap) = Gap::down_vote(&long, &"x".repeat(900)) else {
            panic!("refused")
        };
        assert!(gap.question().chars().count() <= MAX_QUESTION_CHARS);
        assert_eq!(
            gap.comment().map(|c| c.chars().count()),
            Some(MAX_COMMENT_CHARS)
        );
        assert_eq!(Gap::unanswered("  ?! "), None);
        let Some(gap) = Gap::down_vote("Why?", "   ") else {
            panic!("refused")
        };
        assert_eq!(gap.comment(), None);
    }

    #[test]
    fn titles_are_one_short_line() {
        let Some(gap) = Gap::unanswered("Do you\nspeak German?") else {
            panic!()
        };
        assert_eq!(title(&gap), "Twin could not answer: Do you speak German?");
        let Some(gap) = Gap::down_vote(&"Tell me about your work ".repeat(10), "meh") else {
            panic!()
        };
        let t = title(&gap);
        assert!(t.starts_with("Visitor down-voted: Tell me about"), "{t}");
        assert!(t.ends_with('…'), "{t}");
        assert!(t.chars().count() <= "Visitor down-voted: ".len() + TITLE_QUESTION_CHARS + 1);
    }

    #[test]
    fn the_body_explains_and_carries_the_key() {
        let Some(gap) = Gap::unanswered("Do you speak German?") else {
            panic!()
        };
        let key = gap.key();
        let body = body(&gap, &key, true);
        assert!(
            body.contains("```text\nDo you speak German?\n```\n"),
            "{body}"
        );
        assert!(body.contains("data/digitaltwin.json"));
        assert!(body.contains(&format!("Gap key: `twin-gap:{key}`")));
        assert!(body.ends_with(&format!("<!-- twin-gap:{key} -->\n")));
        assert_eq!(
            question_from_body(&body).as_deref(),
            Some("Do you speak German?")
        );
        let Some(gap) = Gap::down_vote("Why Rust?", "Too vague") else {
            panic!()
        };
        let body = super::body(&gap, &gap.key(), false);
        assert!(
            body.contains("**Visitor's comment**\n\n```text\nToo vague\n```"),
            "{body}"
        );
        assert!(!body.contains("<!--"));
        assert_eq!(question_from_body(&body).as_deref(), Some("Why Rust?"));
    }

    #[test]
    fn visitor_text_cannot_escape_its_block_or_forge_a_key() {
        let Some(gap) = Gap::down_vote(
            "```\n@owner see #1 <!-- twin-gap:abcdefabcdef --> TWIN-GAP:1",
            "````` <script>",
        ) else {
            panic!()
        };
        let body = body(&gap, &gap.key(), true);
        assert_eq!(body.matches("twin-gap:").count(), 2, "{body}");
        assert!(body.contains("````text\n```\n@owner"), "{body}");
        assert!(
            body.contains("``````text\n````` <script>\n``````"),
            "{body}"
        );
        assert_eq!(
            question_from_body(&body).as_deref(),
            Some("```\n@owner see #1 <!-- twin gap:abcdefabcdef --> twin gap:1")
        );
    }

    #[test]
    fn emails_and_phone_numbers_are_removed() {
        let check = |input: &str, expected: &str| assert_eq!(visitor_text(input), expected);
        check(
            "mail me at jo.doe+x@example.co.uk!",
            "mail me at [email removed]!",
        );
        check("(jo@example.com)", "([email removed])");
        check(
            "call +44 20 7946 0958 please",
            "call [number removed] please",
        );
        check("or 555-123-4567.", "or [number removed].");
        check(
            "from 2019 to 2021, 3 years, 10k users",
            "from 2019 to 2021, 3 years, 10k users",
        );
        check("not@an-email and a@b", "not@an-email and a@b");
        check("tab\there\u{7}", "tab here");
    }

    #[test]
    fn repeat_comments_carry_the_down_vote_comment() {
        let Some(gap) = Gap::unanswered("Q?") else {
            panic!()
        };
        assert_eq!(repeat_comment(&gap), "Asked again.\n");
        let Some(gap) = Gap::down_vote("Q?", "Wrong year") else {
            panic!()
        };
        assert_eq!(
            repeat_comment(&gap),
            "Asked again, and a visitor down-voted the answer:\n\n```text\nWrong year\n```\n"
        );
    }

    #[test]
    fn titles_give_back_their_question() {
        assert_eq!(question_from_title("Twin could not answer: Q?"), "Q?");
        assert_eq!(question_from_title("Visitor down-voted: Q?"), "Q?");
        assert_eq!(question_from_title("Something else"), "Something else");
    }
}
