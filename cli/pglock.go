package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/rollcall/rollcall/postgres"
)

// bootstrapLockID names the PostgreSQL advisory lock that servers take
// around the first-start keys. Any fixed number works; this one spells
// "rollcall" in ASCII.
const bootstrapLockID int64 = 0x726f6c6c63616c6c

// withPostgresLock runs fn while holding rollcall's bootstrap advisory lock
// on the database at url, so that servers starting together on an empty
// database make the first keys once: the second one in sees the first
// one's keys. The lock is held by a connection of its own, because the
// store's pool hands out a different connection for each statement.
func withPostgresLock(ctx context.Context, url string, fn func() error) (err error) {
	cfg, err := lockConnConfig(url)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect for the bootstrap lock: %w", err)
	}
	// Closing the session releases the lock even if the unlock fails.
	defer func() { err = errors.Join(err, conn.Close(context.WithoutCancel(ctx))) }()

	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", bootstrapLockID); err != nil {
		return fmt.Errorf("take the bootstrap lock: %w", err)
	}
	if err := fn(); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", bootstrapLockID); err != nil {
		return fmt.Errorf("release the bootstrap lock: %w", err)
	}
	return nil
}

// lockConnConfig is the configuration of the lock's connection: the
// store's URL, with the store's connect timeout unless the URL sets one.
func lockConnConfig(url string) (*pgx.ConnConfig, error) {
	// The pool's own parser drops the pool_* settings of the URL, which a
	// single connection would send to the server as unknown parameters.
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// The parse error may quote the URL, password included.
		return nil, errors.New("parse postgres URL: the URL is not a valid connection string")
	}
	if !strings.Contains(url, "connect_timeout") {
		cfg.ConnConfig.ConnectTimeout = postgres.DefaultConnectTimeout
	}
	return cfg.ConnConfig, nil
}
