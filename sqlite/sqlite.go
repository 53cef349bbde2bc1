package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/rollcall/rollcall"
	msqlite "modernc.org/sqlite"
)

var _ rollcall.Store = (*Store)(nil)

// busyTimeout is how long a connection waits for another connection or
// process to release the write lock before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Store is a rollcall.Store kept in one SQLite file. It is safe for
// concurrent use.
type Store struct {
	writer  *writer
	reader  *readPool // query-only connections
	commits *committer
	checkpt *checkpointer
	keys    *keyCache
	limits  rollcall.Limits
}

// Open opens or creates the SQLite database at path, brings its schema up
// to date and returns a store that enforces limits on every merge.
func Open(path string, limits rollcall.Limits) (*Store, error) {
	if path == "" || strings.ContainsRune(path, '?') {
		return nil, fmt.Errorf("open sqlite: path %q must be a file name without '?'", path)
	}

	drv, err := newDriver()
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	w, err := openWriter(drv, path)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	keys, err := newKeyCache(path)
	if err != nil {
		w.close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}

	reader, err := openReadPool(connector{drv, path + "?" + readerParams().Encode()})
	if err != nil {
		w.close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	checkpt, err := openDB(connector{drv, path + "?" + commonParams().Encode()}, 1)
	if err != nil {
		reader.close()
		w.close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	s := &Store{writer: w, reader: reader, keys: keys, limits: limits}
	s.commits = newCommitter(w.conn, w.stmts)
	s.checkpt = startCheckpointer(checkpt, s.commits)
	return s, nil
}

// writer is the one connection that writes, held for the store's life,
// with the statements of the write path prepared on it.
type writer struct {
	db    *sql.DB
	conn  *sql.Conn
	stmts *writeStmts
}

// openWriter opens the writer connection and brings the schema up to
// date on it.
func openWriter(drv *msqlite.Driver, path string) (*writer, error) {
	ctx := context.Background()
	db, err := openDB(connector{drv, path + "?" + writerParams().Encode()}, 1)
	if err != nil {
		return nil, err
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}

	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("take the writer connection: %w", err)
	}
	stmts, err := prepareWrites(ctx, conn)
	if err != nil {
		conn.Close()
		db.Close()
		return nil, err
	}
	return &writer{db: db, conn: conn, stmts: stmts}, nil
}

// close closes the statements, then the connection.
func (w *writer) close() error {
	return errors.Join(w.stmts.close(), w.conn.Close(), w.db.Close())
}

// commonParams are the driver settings of every connection.
func commonParams() url.Values {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(ON)")
	// NORMAL is durable against the process being killed in WAL mode; see
	// the package documentation.
	q.Add("_pragma", "synchronous(NORMAL)")
	return q
}

func writerParams() url.Values {
	q := commonParams()
	q.Add("_pragma", "journal_mode(WAL)")
	// The checkpointer copies the WAL back from its own connection.
	q.Add("_pragma", "wal_autocheckpoint(0)")
	q.Set("_txlock", "immediate")
	return q
}

func readerParams() url.Values {
	q := commonParams()
	q.Add("_pragma", "query_only(ON)")
	return q
}

// openDB opens a handle of at most conns connections and checks that one
// can be made.
func openDB(c connector, conns int) (*sql.DB, error) {
	db := sql.OpenDB(c)
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)

	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	return db, nil
}

// Ping reports whether the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	err := s.reader.do(ctx, func(rc *readConn) error {
		var one int
		return rc.conn.QueryRowContext(ctx, "SELECT 1").Scan(&one)
	})
	if err != nil {
		return fmt.Errorf("ping sqlite: %w", err)
	}
	return nil
}

// Close waits for the write in progress, if any, and closes both handles.
// Every write acknowledged before it is already in the WAL; closing the last
// connection also checkpoints the WAL into the main file.
func (s *Store) Close() error {
	s.commits.close()
	return errors.Join(s.checkpt.close(), s.reader.close(), s.writer.close())
}

// write runs fn in an IMMEDIATE transaction on the writer connection and
// returns once that transaction has committed. Every write of the store goes
// through here; concurrent writes may share a transaction (see committer),
// each undone alone when fn fails. fn must use the ctx it is given.
func (s *Store) write(ctx context.Context, fn writeFunc) error {
	return s.commits.write(ctx, fn)
}

// millis is the stored form of a time: Unix milliseconds.
func millis(t time.Time) int64 {
	return t.UnixMilli()
}

// fromMillis is the inverse of millis, in UTC.
func fromMillis(ms int64) time.Time {
	return time.UnixMilli(ms).UTC()
}
