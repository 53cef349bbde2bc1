package cli_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/rollcall/rollcall/cli"
	"github.com/rollcall/rollcall/internal/pgtest"
)

// TestPostgresBootstrapOnce starts several servers together on one empty
// PostgreSQL schema: exactly one of them makes and prints the first keys.
func TestPostgresBootstrapOnce(t *testing.T) {
	t.Parallel()
	// Two connections per server keep the three servers well within the
	// database's max_connections.
	db := pgtest.SchemaURL(t, pgtest.NewSchema(t), map[string]string{"pool_max_conns": "2"})

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
