// Package sqlite is rollcall's embedded store: one SQLite file, opened with
// the pure-Go modernc.org/sqlite driver, so the binary needs no cgo.
//
// # Durability
//
// The file runs in WAL mode with synchronous=NORMAL. A commit then returns
// once its frames are written to the WAL with write(2): they sit in the
// operating system's page cache, which belongs to the kernel, not to the
// process. Killing the process the next instant loses nothing, which is what
// the contract promises for a 2xx. Only a kernel crash or a power cut before
// the next checkpoint's fsync could lose the last commits, and even then the
// database is never corrupted. synchronous=FULL would fsync on every commit
// and buy protection against that too, at several times the cost per write.
//
// # Concurrency
//
// SQLite allows one writer at a time per file. The store keeps a writer
// handle with a single connection whose transactions begin IMMEDIATE, so a
// write takes the file's write lock before it reads anything and two writes
// can never deadlock upgrading their locks. Each identify touches a row with
// one upsert, which inserts a new row or moves the updated time of a stored
// one and returns its properties; it merges them in Go and writes them back
// inside that transaction, so concurrent merges of one user are serialised
// and none is lost. A call upserts each row it names once and writes its
// merged properties at most once more, only if they changed, however many of
// its items name it: merges in between happen in memory. Reads go through a
// separate pool that WAL lets run alongside the writer, each seeing the last
// committed state: connections held for the store's life, with the read
// statements prepared on each (see readPool). A user and its groups come
// from one statement, which by itself reads one snapshot, so reading a
// user takes no transaction; a group's members, which take two
// statements, are read in one.
//
// Every write goes through one goroutine, the committer. Writes that arrive
// while a commit is under way wait, and the next transaction takes them all
// (group commit): one BEGIN, one WAL append and one COMMIT serve many
// callers, which is what bounds the rate of small writes. Each write runs
// under its own SAVEPOINT, so one that fails (a property limit, say) is
// rolled back alone; each caller returns only after the shared COMMIT.
//
// SQLite's automatic checkpoint is off on the writer: a connection of its
// own copies the WAL back every 250 ms without taking the write lock, and
// the writer checkpoints only to let a WAL of 4000 pages start over (see
// checkpointer).
//
// Key lookups are cached while the stamp file FILE-keys keeps its size and
// time; creating or revoking a key, in any process, appends to it before and
// after the commit, so a revocation takes effect on the next request (see
// keyCache).
//
// Other processes (the rollcall keys command, an importer) may open the same
// file while a server runs: every connection waits up to busy_timeout for
// the write lock instead of failing at once.
//
// # Limits
//
// After each item's merge, the row's properties are checked against
// MaxProperties (keys) and MaxPropertyBytes (rollcall.PropertyBytes: each
// key's bytes plus its value's compact JSON bytes, as stored). The item
// that breaks either fails the whole call with an *rollcall.ItemError whose
// details name the limit but not the stored count or size.
//
// # Layout
//
// Identifiers are TEXT compared with the BINARY collation, so order and
// equality are byte for byte. Properties are the JSON text of the object,
// with numbers kept exactly as sent. Times are integer Unix milliseconds in
// UTC. The schema version lives in PRAGMA user_version.
package sqlite
