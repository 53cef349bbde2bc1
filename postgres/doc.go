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
//     (users, then groups, then memberships, sent together in one pgx
//     batch, so one round trip). Such a statement may not touch a row twice,
//     so the writes that name the same user or group are first merged in Go
//     in arrival order (later keys win, null kept) into one row; || being
//     associative, the row ends as the writes applied one by one would leave
//     it. Rows are sorted by env and identifier and inserted in that order,
//     so concurrent transactions, in any process, lock rows in the same
//     order; a transaction aborted to break a deadlock anyway is retried a
//     few times.
//   - The property limits (MaxProperties, MaxPropertyBytes) are counted
//     after the merge, in the database: the statements return, with their
//     properties, the rows that may be over a limit, Go decides exactly with
//     rollcall.Limits.CheckStored, and the transaction is then rolled back.
//     The size counted is rollcall.PropertyBytes of the row as the store
//     gives it back: each key's bytes plus its value's compact JSON. That is
//     PostgreSQL's form of the value, which writes numbers without an
//     exponent (1e2 becomes 100, 1e400 four hundred and one digits), so
//     such a number counts differently than on SQLite, which keeps the form
//     it was given; counting what is stored keeps the size it bounds the
//     real one. The item to name (as an *rollcall.ItemError whose details
//     name the limit but neither the stored count nor the size) is then
//     found by reading the rows over a limit once and merging the items
//     into them in Go, checking after each; running one statement per item
//     would rewrite a large row once per item. Only when that finds no
//     item (the rows changed meanwhile, or a number is longer stored than
//     sent) are the items applied again one statement each, which names
//     the item or commits.
//   - Group commit: a single identify (one item) is handed to a committer,
//     one of a few goroutines that each take every single identify waiting
//     the moment they are free, up to a bound, and write them in one shared
//     transaction. There is no timer: a lone request is written at once, and
//     requests that arrive while a commit is in flight share the next one.
//     Each caller is answered only after the commit that holds its write.
//     When rows of the group would break the limit, the group is rolled back
//     and written again without the writes that touch those rows, which are
//     then written each on its own, so a write that breaks the limit fails
//     alone; the same happens to a group the database refuses for another
//     reason that one write may have caused. A caller that gives up before
//     its write is taken writes nothing; once taken, the write is waited for.
//     Close stops taking writes, lets the groups in progress finish, and
//     fails the writes still waiting. A batch (more than one item) is a
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
