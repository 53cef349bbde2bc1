package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/postgres"
	"github.com/rollcall/rollcall/sqlite"
)

// defaultDB is the SQLite file used when neither --db nor ROLLCALL_DB names
// a store.
const defaultDB = "rollcall.db"

// postgresKeyCacheTTL is how long the API may reuse a key lookup on
// PostgreSQL, where a lookup is a network round trip. SQLite lookups are
// cheap, so there the API looks keys up on every request and a revocation
// takes effect at once.
const postgresKeyCacheTTL = 3 * time.Second

// isPostgres reports whether db names a PostgreSQL database rather than a
// SQLite file.
func isPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// storeKind names the kind of store for logs, which must not carry the
// PostgreSQL URL: it may hold a password.
func storeKind(db string) string {
	if isPostgres(db) {
		return "postgres"
	}
	return "sqlite"
}

// openStore opens the PostgreSQL database or SQLite file that db names.
func openStore(ctx context.Context, db string, limits rollcall.Limits) (rollcall.Store, error) {
	if db == "" {
		return nil, usagef("--db must name a SQLite file or a postgres:// URL")
	}

	if isPostgres(db) {
		s, err := postgres.Open(ctx, db, limits)
		if err != nil {
			return nil, fmt.Errorf("open postgres store: %w", err)
		}
		return s, nil
	}

	s, err := sqlite.Open(db, limits)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store %s: %w", db, err)
	}
	return s, nil
}

// keyCacheTTL returns how long the API may reuse a key lookup on db.
func keyCacheTTL(db string) time.Duration {
	if isPostgres(db) {
		return postgresKeyCacheTTL
	}
	return 0
}
