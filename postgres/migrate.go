package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockKey is the advisory lock every rollcall process takes around
// its migrations ("rollcall" in ASCII), so that processes starting together
// apply each migration once.
const migrationLockKey int64 = 0x726f6c6c63616c6c

// migration is one embedded schema change, applied once in version order.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations; each file is named
// NNNN_description.sql.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}

	var out []migration
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		digits, _, _ := strings.Cut(base, "_")
		version, err := strconv.Atoi(digits)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number: %w", base, err)
		}
		text, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		out = append(out, migration{version: version, name: base, sql: string(text)})
	}

	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// migrationTimeout replaces the pool's statement timeout while migrating:
// waiting for another process's migration, or building an index on a large
// table, may take longer than a request should.
const migrationTimeout = "15min"

// migrate applies the migrations the database lacks. It holds the advisory
// lock on one dedicated connection for the whole run (the lock belongs to
// the session, so every statement must go through that connection), and
// closes that connection at the end instead of returning it to the pool,
// which frees the lock and the session's settings whatever happened.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}

	pooled, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("acquire migration connection: %w", err)
	}
	conn := pooled.Hijack()
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()

	if _, err := conn.Exec(ctx, "SET statement_timeout = '"+migrationTimeout+"'"); err != nil {
		return fmt.Errorf("set migration timeout: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	if err := applyPending(ctx, conn, migrations); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", migrationLockKey); err != nil {
		return fmt.Errorf("release migration lock: %w", err)
	}
	return nil
}

// applyPending runs each migration newer than the recorded ones in its own
// transaction, together with its schema_migrations row. Versions recorded by
// a newer binary are left alone, so an older process can still start during
// a rolling upgrade.
func applyPending(ctx context.Context, conn *pgx.Conn, migrations []migration) error {
	const create = `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`
	if _, err := conn.Exec(ctx, create); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}

	applied := map[int]bool{}
	rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read schema_migrations: %w", err)
	}

	for _, m := range migrations {
		if applied[m.version] {
			continue
		}
		if err := applyOne(ctx, conn, m); err != nil {
			return err
		}
	}
	return nil
}

func applyOne(ctx context.Context, conn *pgx.Conn, m migration) error {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("begin migration %s: %w", m.name, err)
	}
	defer func() { _ = tx.Rollback(ctx) }()

	// No arguments: pgx sends the file with the simple protocol, which
	// allows several statements in one call.
	if _, err := tx.Exec(ctx, m.sql); err != nil {
		return fmt.Errorf("apply migration %s: %w", m.name, err)
	}
	if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
		m.version, m.name); err != nil {
		return fmt.Errorf("record migration %s: %w", m.name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit migration %s: %w", m.name, err)
	}
	return nil
}
