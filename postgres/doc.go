// Package postgres stores rollcall's users, groups, memberships and API keys
// in PostgreSQL, so that any number of stateless rollcall processes can
// serve one database.
//
// The schema is shaped by a few choices:
//
//   - Every primary key of an environment's data leads with the environment
//     (env, identifier for users and groups; env, user_id, group_id for
//     memberships), and the foreign keys carry env too. The tables can later
//     be distributed by environment, Citus-style, without a schema change,
//     and no statement ever reads across environments. API keys are found by
//     prefix before the environment is known, so that table is keyed by
//     prefix alone.
//   - Identifiers are text COLLATE "C": ordering and equality are byte for
//     byte, as SQLite's BINARY, whatever the database's locale. Search uses
//     starts_with rather than LIKE, so % and _ in a search mean themselves.
//   - Properties are jsonb and an identify merges them with jsonb's || inside
//     the INSERT ... ON CONFLICT DO UPDATE itself. || is a shallow merge that
//     replaces the keys sent and keeps null values, which is exactly the
//     contract, and doing it in one statement means concurrent identifies of
//     one user, from any number of processes, never lose each other's keys.
//     jsonb keeps numbers as numeric, so they come back exactly (in their
//     normalised form: 1e2 comes back as 100). The statement returns the
//     number of keys after the merge, and the transaction is rolled back when
//     it exceeds the limit.
//   - One Identify call is one transaction whose statements travel in one
//     pgx batch. A transaction aborted to break a deadlock between two
//     batches is retried a few times.
//   - Timestamps come from the database clock, truncated to milliseconds, so
//     processes on different machines agree; updated_at never moves back.
//   - Migrations are .sql files embedded in the binary and applied by Open in
//     version order, each in its own transaction and recorded in
//     schema_migrations. Open holds a session advisory lock on a fixed key, on
//     one dedicated connection, while it migrates, so processes starting at
//     once apply each migration exactly once; a newer binary applies what an
//     older database lacks, and versions recorded by a newer binary are left
//     alone so older processes keep running during a rolling upgrade.
//
// The pool is bounded (pool_max_conns in the URL, else DefaultMaxConns),
// each connection attempt gives up after connect_timeout (else
// DefaultConnectTimeout) and every connection gets a statement_timeout
// (DefaultStatementTimeout unless the URL sets one; migrations run with a
// longer one). A lost database makes calls fail with internal errors;
// the pool reconnects by itself when the database comes back.
package postgres
