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
//     contract, and doing it in the statement means concurrent identifies of
//     one user, from any number of processes, never lose each other's keys.
//     jsonb keeps numbers as numeric, so they come back exactly (in their
//     normalised form: 1e2 comes back as 100).
//   - A transaction writes its rows with one multi-row statement per table
//     (users, then groups, then memberships), sent together in one pgx
//     batch outside any transaction block: PostgreSQL runs such a batch as
//     one implicit transaction, committed after its last statement and
//     rolled back when one fails, so writing and committing take one round
//     trip. A multi-row statement may not touch a row twice, so the writes
//     that name the same user or group are first merged in Go in arrival
//     order (later keys win, null kept) into one row; || being associative,
//     the row ends as the writes applied one by one would leave it. Rows are
//     sorted by env and identifier and inserted in that order, so concurrent
//     transactions, in any process, lock rows in the same order; a
//     transaction aborted to break a deadlock anyway is retried a few times.
//   - The property limits (MaxProperties, MaxPropertyBytes) are counted
//     after the merge, in the database: each upsert counts its rows after
//     the merge, and when some may be over a limit, it fails with an error
//     of its own (SQLSTATE RC001, raised by rollcall_over_limit) naming
//     them all, so that the transaction writes nothing. The count is quick
//     and errs on the side of "maybe": the rows it names are then checked
//     exactly in Go with rollcall.Limits.CheckStored. The size counted is
//     rollcall.PropertyBytes of the row as the store gives it back: each
//     key's bytes plus its value's compact JSON. That is PostgreSQL's form
//     of the value, which writes numbers without an exponent (1e2 becomes
//     100, 1e400 four hundred and one digits), so such a number counts
//     differently than on SQLite, which keeps the form it was given;
//     counting what is stored keeps the size it bounds the real one. The
//     item to name (as an *rollcall.ItemError whose details name the limit
//     but neither the stored count nor the size) is found by reading the
//     rows named once and merging the items into them in Go, checking after
//     each; running one statement per item would rewrite a large row once
//     per item. Only when that finds no item (the rows were within after
//     all, or changed meanwhile, or a number is longer stored than sent)
//     are the items applied again one statement each in a transaction of
//     their own, whose statements return the rows that may be over a limit
//     for Go to check before its COMMIT; that names the item or commits.
//   - Group commit: a single identify (one item) is handed to a committer,
//     one of two goroutines that each take every single identify waiting
//     the moment they are free, up to a bound, and write them in one shared
//     transaction. There is no timer: when no group is being written, a
//     lone request is written at once; requests that arrive while a group
//     is being written share the next one, which is written when that one
//     is done, or sooner once it holds half the bound, so that groups stay
//     large under load (a transaction costs the database about as much as
//     a dozen rows) while a slow group does not hold up the others for
//     long. Each caller is answered only after the commit that holds its
//     write. When rows of the group may break a limit, the group is written
//     again without the writes that touch those rows, which are then
//     written each on its own, so a write that breaks the limit fails
//     alone; the same happens to a group the database refuses for another
//     reason that one write may have caused. A caller that gives up before
//     its write is taken writes nothing; once taken, the write is waited
//     for. Close stops taking writes, lets the groups in progress finish,
//     and fails the writes still waiting. A batch (more than one item) is a
//     transaction of its own, as before.
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
