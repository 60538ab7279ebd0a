//! The per-process limits on what the twin files, and the memory of
//! tickets it has already found. Pure: every method takes the time, so the
//! rules are tested without waiting.
//!
//! * At most `tickets_per_hour` new tickets in any hour (sliding window).
//! * At most one comment (or creation) per gap key per `comment_interval`.
//! * Nothing at all while the tracker's own rate limit says to wait.
//! * One filing per key at a time, so two requests racing on one instance
//!   cannot both create the key's ticket.
//!
//! When the hour's budget of new tickets is spent, a gap whose ticket this
//! instance has not seen is dropped without asking the tracker: the budget
//! exists to bound the work a flood of new questions can cause.

use std::collections::{HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

use crate::tickets::Ticket;

const HOUR: Duration = Duration::from_secs(3600);
/// How long a found ticket is trusted before it is looked up again: the
/// owner may close it (answered, or not planned) in the meantime.
const KNOWN_TTL: Duration = HOUR;
/// Bounds on the memory a flood of distinct questions can take.
const MAX_KNOWN: usize = 1024;
const MAX_TOUCHED: usize = 4096;

/// What to do with a gap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Its ticket is known: comment on it.
    Comment(Ticket),
    /// Ask the tracker whether it has a ticket, and create one if not.
    Lookup,
    /// Drop it, for this reason.
    Drop(&'static str),
}

#[derive(Debug)]
pub(crate) struct Throttle {
    tickets_per_hour: u32,
    comment_interval: Duration,
    /// When each ticket of the last hour was created (or attempted).
    created: VecDeque<Instant>,
    /// When each key was last commented on or created.
    touched: HashMap<String, Instant>,
    /// Tickets found or created, by key, and when.
    known: HashMap<String, (Ticket, Instant)>,
    in_flight: HashSet<String>,
    blocked_until: Option<Instant>,
}

impl Throttle {
    pub fn new(tickets_per_hour: u32, comment_interval: Duration) -> Throttle {
        Throttle {
            tickets_per_hour,
            comment_interval,
            created: VecDeque::new(),
            touched: HashMap::new(),
            known: HashMap::new(),
            in_flight: HashSet::new(),
            blocked_until: None,
        }
    }

    /// Decides, and marks the key in flight unless the gap is dropped; the
    /// caller must then call [`Throttle::done`].
    pub fn begin(&mut self, key: &str, now: Instant) -> Decision {
        self.prune(now);
        if self.blocked_until.is_some_and(|until| now < until) {
            return Decision::Drop("the tracker's rate limit asked to wait");
        }
        if self.in_flight.contains(key) {
            return Decision::Drop("the same question is being filed right now");
        }
        if self
            .touched
            .get(key)
            .is_some_and(|at| now.duration_since(*at) < self.comment_interval)
        {
            return Decision::Drop("this question's ticket was updated moments ago");
        }
        let decision = match self.known.get(key) {
            Some((ticket, _)) => Decision::Comment(ticket.clone()),
            None if !self.can_create() => {
                return Decision::Drop("the hourly budget of new tickets is spent");
            }
            None => Decision::Lookup,
        };
        self.in_flight.insert(key.to_owned());
        decision
    }

    /// The key's filing is over, however it went.
    pub fn done(&mut self, key: &str) {
        self.in_flight.remove(key);
    }

    /// Takes one ticket from the hour's budget, if any is left. Called just
    /// before creating; a failed create keeps its slot, which errs towards
    /// fewer requests.
    pub fn reserve_creation(&mut self, now: Instant) -> bool {
        self.prune(now);
        let ok = self.can_create();
        if ok {
            self.created.push_back(now);
        }
        ok
    }

    /// A ticket exists for `key` (found or created).
    pub fn remember(&mut self, key: &str, ticket: Ticket, now: Instant) {
        if self.known.len() >= MAX_KNOWN && !self.known.contains_key(key) {
            // Forgetting costs one lookup later; keep the newest.
            if let Some(oldest) = self
                .known
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone())
            {
                self.known.remove(&oldest);
            }
        }
        self.known.insert(key.to_owned(), (ticket, now));
    }

    /// The key's ticket may be gone or closed: look it up next time.
    pub fn forget(&mut self, key: &str) {
        self.known.remove(key);
    }

    /// The key's ticket was just created or commented on.
    pub fn touch(&mut self, key: &str, now: Instant) {
        if self.touched.len() >= MAX_TOUCHED {
            let interval = self.comment_interval;
            self.touched
                .retain(|_, at| now.duration_since(*at) < interval);
        }
        if self.touched.len() < MAX_TOUCHED {
            self.touched.insert(key.to_owned(), now);
        }
    }

    /// The tracker rate-limited us: file nothing until `until`.
    pub fn block(&mut self, until: Instant) {
        self.blocked_until = Some(self.blocked_until.map_or(until, |b| b.max(until)));
    }

    fn can_create(&self) -> bool {
        self.created.len() < self.tickets_per_hour as usize
    }

    fn prune(&mut self, now: Instant) {
        while self
            .created
            .front()
            .is_some_and(|at| now.duration_since(*at) >= HOUR)
        {
            self.created.pop_front();
        }
        self.known
            .retain(|_, (_, at)| now.duration_since(*at) < KNOWN_TTL);
        if self.blocked_until.is_some_and(|until| now >= until) {
            self.blocked_until = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn ticket(n: u32) -> Ticket {
        Ticket {
            id: n.to_string(),
            url: format!("https://github.com/o/n/issues/{n}"),
        }
    }

    #[test]
    fn new_tickets_are_capped_per_hour_in_a_sliding_window() {
        let t0 = Instant::now();
        let mut throttle = Throttle::new(2, 10 * MINUTE);
        for (i, key) in ["a", "b"].iter().enumerate() {
            assert_eq!(throttle.begin(key, t0), Decision::Lookup);
            assert!(throttle.reserve_creation(t0 + MINUTE * i as u32));
            throttle.done(key);
        }
        assert_eq!(
            throttle.begin("c", t0 + 2 * MINUTE),
            Decision::Drop("the hourly budget of new tickets is spent")
        );
        // An hour after the first creation, one slot is free again.
        assert_eq!(throttle.begin("c", t0 + 60 * MINUTE), Decision::Lookup);
        assert!(throttle.reserve_creation(t0 + 60 * MINUTE));
        assert!(!throttle.reserve_creation(t0 + 60 * MINUTE));
    }

    #[test]
    fn a_known_ticket_is_commented_at_most_once_per_interval() {
        let t0 = Instant::now();
        let mut throttle = Throttle::new(10, 10 * MINUTE);
        throttle.remember("k", ticket(1), t0);
        throttle.touch("k", t0);
        assert!(matches!(
            throttle.begin("k", t0 + MINUTE),
            Decision::Drop(_)
        ));
        assert_eq!(
            throttle.begin("k", t0 + 10 * MINUTE),
            Decision::Comment(ticket(1))
        );
        throttle.done("k");
        // Known tickets go stale after an hour and are looked up again.
        assert_eq!(throttle.begin("k", t0 + 61 * MINUTE), Decision::Lookup);
    }

    #[test]
    fn known_tickets_can_still_be_commented_when_the_budget_is_spent() {
        let t0 = Instant::now();
        let mut throttle = Throttle::new(1, 10 * MINUTE);
        assert!(throttle.reserve_creation(t0));
        throttle.remember("k", ticket(1), t0);
        assert_eq!(throttle.begin("k", t0), Decision::Comment(ticket(1)));
        assert!(matches!(throttle.begin("other", t0), Decision::Drop(_)));
    }

    #[test]
    fn one_filing_per_key_at_a_time() {
        let t0 = Instant::now();
        let mut throttle = Throttle::new(10, 10 * MINUTE);
        assert_eq!(throttle.begin("k", t0), Decision::Lookup);
        assert_eq!(
            throttle.begin("k", t0),
            Decision::Drop("the same question is being filed right now")
        );
        throttle.done("k");
        assert_eq!(throttle.begin("k", t0), Decision::Lookup);
    }

    #[test]
    fn a_tracker_rate_limit_stops_everything_until_it_expires() {
        let t0 = Instant::now();
        let mut throttle = Throttle::new(10, 10 * MINUTE);
        throttle.remember("k", ticket(1), t0);
        throttle.block(t0 + MINUTE);
        assert!(matches!(throttle.begin("k", t0), Decision::Drop(_)));
        assert!(matches!(
            throttle.begin("new", t0 + MINUTE / 2),
            Decision::Drop(_)
        ));
        assert_eq!(
            throttle.begin("k", t0 + MINUTE),
            Decision::Comment(ticket(1))
        );
    }

    #[test]
    fn forgotten_tickets_are_looked_up_again() {
        let t0 = Instant::now();
        let mut throttle = Throttle::new(10, 10 * MINUTE);
        throttle.remember("k", ticket(1), t0);
        throttle.forget("k");
        assert_eq!(throttle.begin("k", t0), Decision::Lookup);
    }

    #[test]
    fn memory_stays_bounded() {
        let t0 = Instant::now();
        let mut throttle = Throttle::new(10, 10 * MINUTE);
        for i in 0..(MAX_KNOWN as u32 + 10) {
            throttle.remember(
                &i.to_string(),
                ticket(i),
                t0 + Duration::from_millis(u64::from(i)),
            );
            throttle.touch(&i.to_string(), t0);
        }
        assert_eq!(throttle.known.len(), MAX_KNOWN);
        // The oldest went first.
        assert!(!throttle.known.contains_key("0"));
        assert!(throttle.known.contains_key(&(MAX_KNOWN + 9).to_string()));
        for i in 0..(MAX_TOUCHED as u32 + 10) {
            throttle.touch(&format!("t{i}"), t0);
        }
        assert!(throttle.touched.len() <= MAX_TOUCHED);
    }
}
