package main

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/sqlite"
)

func newTestBench(t testing.TB, mode string) (*bench, *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	cfg := config{mode: mode, concurrency: 4, duration: 100 * time.Millisecond, users: 50,
		properties: 5, batchSize: 10, env: "bench"}
	b, err := newBench(cfg, st)
	if err != nil {
		t.Fatalf("new bench: %v", err)
	}
	return b, st
}

func countUsers(t testing.TB, st *sqlite.Store) int {
	t.Helper()
	n := 0
	cursor := ""
	for {
		page, err := st.Users(context.Background(), "bench", rollcall.UserQuery{
			PageRequest: rollcall.PageRequest{Limit: 1000, Cursor: cursor}})
		if err != nil {
			t.Fatalf("list users: %v", err)
		}
		n += len(page.Users)
		if page.NextCursor == "" {
			return n
		}
		cursor = page.NextCursor
	}
}

func checkResult(t testing.TB, r result, rowsPerOp int64) {
	t.Helper()
	if r.Errors != 0 || r.Ops == 0 || r.Rows != r.Ops*rowsPerOp {
		t.Errorf("%s: %d ops, %d rows, %d errors (%s); want rows = %d per op, no errors",
			r.Mode, r.Ops, r.Rows, r.Errors, r.FirstError, rowsPerOp)
	}
}

func TestBench(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("seed then update keeps the user count", func(t *testing.T) {
		t.Parallel()
		b, st := newTestBench(t, "update")
		seeded := b.seed(ctx)
		if seeded.Rows != 50 || seeded.Ops != 5 || countUsers(t, st) != 50 {
			t.Fatalf("seeded %d rows in %d ops; want 50 in 5", seeded.Rows, seeded.Ops)
		}
		checkResult(t, b.measure(ctx), 1)
		if n := countUsers(t, st); n != 50 {
			t.Errorf("store holds %d users after updates, want 50", n)
		}
	})

	t.Run("identify adds a user per op", func(t *testing.T) {
		t.Parallel()
		b, st := newTestBench(t, "identify")
		r := b.measure(ctx)
		checkResult(t, r, 1)
		if n := countUsers(t, st); int64(n) != r.Rows {
			t.Errorf("store holds %d users, want %d", n, r.Rows)
		}
	})

	t.Run("batch adds batch-size users per op", func(t *testing.T) {
		t.Parallel()
		b, _ := newTestBench(t, "batch")
		checkResult(t, b.measure(ctx), 10)
	})

	t.Run("read finds seeded users", func(t *testing.T) {
		t.Parallel()
		b, _ := newTestBench(t, "read")
		b.seed(ctx)
		checkResult(t, b.measure(ctx), 1)
	})
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	bad := [][]string{{}, {"--db", "x", "--mode", "write"}, {"--db", "x", "--users", "0"}}
	for _, args := range bad {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q) succeeded, want an error", args)
		}
	}
	cfg, err := parseFlags([]string{"--db", "x.db", "--mode", "batch", "--seed=false"})
	if err != nil || cfg.mode != "batch" || cfg.seed {
		t.Errorf("parseFlags = %+v, %v", cfg, err)
	}
}
