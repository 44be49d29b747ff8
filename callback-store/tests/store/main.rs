//! The integration tests of callback-store, in one binary: one module per
//! subject, each scenario on SQLite and on PostgreSQL.
//!
//! PostgreSQL tests need a server (`common/postgres.rs`): `scripts/with-postgres.sh cargo test -p
//! callback-store` starts a throwaway one. Without it they are skipped
//! with one line saying so, unless CALLBACK_TEST_POSTGRES_REQUIRED=1 (as
//! in CI), when they fail.

mod support;

mod claims;
mod encryption;
mod faults;
mod lifecycle;
mod open;
mod replay;
