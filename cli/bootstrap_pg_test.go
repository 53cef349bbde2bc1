package cli_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/rollcall/rollcall/cli"
)

// TestPostgresBootstrapOnce starts several servers together on one empty
// PostgreSQL schema: exactly one of them makes and prints the first keys.
func TestPostgresBootstrapOnce(t *testing.T) {
	t.Parallel()
	db := newPostgresSchema(t)

	const servers = 3
	outs := make([]bytes.Buffer, servers)
	errs := make([]error, servers)
	var wg sync.WaitGroup
	for i := range servers {
		wg.Go(func() {
			cfg, err := cli.ParseServeConfig([]string{"--addr", "127.0.0.1:0", "--db", db},
				cli.Env{})
			if err != nil {
				errs[i] = err
				return
			}
			srv := cli.NewServer(cfg, &outs[i], slog.New(slog.NewTextHandler(io.Discard, nil)))
			errs[i] = errors.Join(srv.Open(context.Background()), srv.Close())
		})
	}
	wg.Wait()

	printed := 0
	for i := range servers {
		if errs[i] != nil {
			t.Fatalf("server %d: %v", i, errs[i])
		}
		if strings.Contains(outs[i].String(), "SERVER_KEY=") {
			printed++
		}
	}
	if printed != 1 {
		t.Errorf("%d servers printed first keys, want 1", printed)
	}
	out := mustRun(t, "keys", "list", "--db", db).stdout
	if rows := strings.Count(strings.TrimSpace(out), "\n"); rows != 2 {
		t.Errorf("the store holds %d keys, want 2:\n%s", rows, out)
	}
}

// newPostgresSchema creates a schema for one test on the test database,
// drops it when the test ends, and returns a URL whose sessions use it.
func newPostgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("ROLLCALL_TEST_POSTGRES")
	if base == "" {
		base = "postgres://root@127.0.0.1:5432/test"
	}
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	schema := "rollcall_cli_" + hex.EncodeToString(buf)
	execSQL(t, base, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { execSQL(t, base, "DROP SCHEMA "+schema+" CASCADE") })

	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	q.Set("pool_max_conns", "2")
	u.RawQuery = q.Encode()
	return u.String()
}

func execSQL(t testing.TB, db, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatalf("connect to the test database (set ROLLCALL_TEST_POSTGRES): %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
