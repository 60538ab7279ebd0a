//! The Upstash client against wiremock (every endpoint, with the documented
//! bodies in `tests/data/`, and faults) and, in `ops`, sync, backup and
//! restore end to end against the stateful fake.

#![allow(clippy::unwrap_used)]

mod endpoints;
mod live;
mod ops;
