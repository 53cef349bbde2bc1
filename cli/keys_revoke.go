package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/rollcall/rollcall"
)

func runKeysRevoke(ctx context.Context, env Env, args []string) error {
	fs := newFlagSet("keys revoke", "[--db PATH] PREFIX")
	db := dbFlag(fs)
	if err := parseFlags(fs, args, env, "db"); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("name one key prefix, as 'rollcall keys list' shows it")
	}

	// A whole key pasted by mistake still names its key.
	prefix := fs.Arg(0)
	if p, ok := rollcall.SecretPrefix(prefix); ok {
		prefix = p
	}

	var revokedAt time.Time
	err := withStore(ctx, *db, func(s rollcall.Store) error {
		key, err := s.KeyByPrefix(ctx, prefix)
		if err != nil {
			return err
		}
		if key.Revoked() {
			revokedAt = key.RevokedAt
			return nil
		}
		return s.RevokeKey(ctx, prefix)
	})
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		msg := fmt.Sprintf("no key has the prefix %q; 'rollcall keys list' shows them", prefix)
		return &causeError{msg, err}
	}
	if err != nil {
		return fmt.Errorf("revoke key: %w", err)
	}

	// Revoking twice is not a mistake worth failing a script for.
	if !revokedAt.IsZero() {
		fmt.Fprintf(env.Stdout, "Key %s was already revoked on %s.\n",
			prefix, revokedAt.UTC().Format("2006-01-02 15:04:05 MST"))
		return nil
	}
	fmt.Fprintf(env.Stdout, "Revoked key %s. %s\n", prefix, revokedWhen(*db))
	return nil
}

// revokedWhen says when servers start refusing a revoked key: at once on
// SQLite, where they look keys up on every request, and within the key
// cache's lifetime on PostgreSQL.
func revokedWhen(db string) string {
	if isPostgres(db) {
		return fmt.Sprintf("Servers on this PostgreSQL database refuse it within %d seconds.",
			int(postgresKeyCacheTTL.Seconds()))
	}
	return "Servers on this SQLite file refuse it at once."
}
