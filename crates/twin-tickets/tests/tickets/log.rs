//! `gaps_from_log` on a request log as the twin writes it.

use std::io::BufReader;

use twin_tickets::gaps_from_log;

#[test]
fn the_request_log_counts_uncovered_questions() {
    let log = include_str!("../data/request_log.jsonl");
    assert_eq!(
        gaps_from_log(BufReader::new(log.as_bytes()), 10),
        vec![
            ("Do you speak German?".to_owned(), 2),
            ("What is the capital of Australia?".to_owned(), 1),
        ]
    );
    assert_eq!(
        gaps_from_log(BufReader::new(log.as_bytes()), 1),
        vec![("Do you speak German?".to_owned(), 2)]
    );
    assert!(gaps_from_log(BufReader::new(&b""[..]), 10).is_empty());
}
