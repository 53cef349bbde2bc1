package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/rollcall/rollcall"
)

// DefaultMaxConns bounds the pool when the URL has no pool_max_conns.
const DefaultMaxConns = 16

// DefaultStatementTimeout is the statement_timeout each connection gets
// when the URL sets none, so a stuck query cannot hold a request forever.
const DefaultStatementTimeout = "10s"

// DefaultConnectTimeout bounds each connection attempt when the URL sets no
// connect_timeout, so that Ping and requests fail rather than hang while the
// database cannot be reached.
const DefaultConnectTimeout = 5 * time.Second

// Store keeps users, groups, memberships and API keys in PostgreSQL. It is
// safe for concurrent use, and any number of Stores, in any number of
// processes, may share one database.
type Store struct {
	pool    *pgxpool.Pool
	limits  rollcall.Limits
	commits *committer
	reads   *userReader
}

var _ rollcall.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or a key=value
// connection string), applies the migrations it lacks and returns the
// store. Pool settings such as pool_max_conns and runtime parameters such as
// search_path or statement_timeout may be given in the URL.
func Open(ctx context.Context, url string, limits rollcall.Limits) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included.
		return nil, errors.New("parse postgres URL: the URL is not a valid connection string")
	}
	if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	if !strings.Contains(url, "connect_timeout") {
		cfg.ConnConfig.ConnectTimeout = DefaultConnectTimeout
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["statement_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = DefaultStatementTimeout
	}

	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres pool: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("migrate postgres schema: %w", err)
	}
	s := &Store{pool: pool, limits: limits}
	s.commits = newCommitter(s)
	s.reads = newUserReader(s)
	return s, nil
}

// Ping reports whether the database answers; it fails while the database is
// unreachable and succeeds again once the pool has reconnected.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("ping postgres: %w", err)
	}
	return nil
}

// Close stops taking writes and user reads, waits for the group commits
// and read batches in progress (a single identify or user read still
// waiting to be taken fails) and for connections in use to be returned,
// and closes the pool.
func (s *Store) Close() error {
	s.commits.close()
	s.reads.close()
	s.pool.Close()
	return nil
}

// isCode reports whether err is a PostgreSQL error with that SQLSTATE.
func isCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

// The SQLSTATEs this package reacts to.
const (
	codeUniqueViolation      = "23505"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)
