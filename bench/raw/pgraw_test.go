package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgAdminURL is the test server; each test makes a database of its own.
const pgAdminURL = "postgres://root@127.0.0.1:5432/test"

// newPGDatabase creates a database for t, drops it at the end and returns
// its URL.
func newPGDatabase(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, pgAdminURL)
	if err != nil {
		t.Fatalf("connect to PostgreSQL: %v", err)
	}
	t.Cleanup(func() { admin.Close(ctx) })

	name := fmt.Sprintf("rawbench_%d", time.Now().UnixNano())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database: %v", err)
		}
	})
	return "postgres://root@127.0.0.1:5432/" + name
}

func TestPGBaselines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := newPGDatabase(t)
	st, err := openStore(ctx, url)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	for _, tc := range []struct {
		mode      string
		rowsPerOp int64
	}{{"rowupsert", 1}, {"multirow", 10}} {
		t.Run(tc.mode+" stores every row it counts", func(t *testing.T) {
			cfg := config{db: url, mode: tc.mode, concurrency: 4,
				duration: 100 * time.Millisecond, properties: 5, batchSize: 10, env: tc.mode}
			b, err := newBench(cfg, st)
			if err != nil {
				t.Fatalf("new bench: %v", err)
			}
			r, err := measure(ctx, b)
			if err != nil {
				t.Fatalf("measure: %v", err)
			}
			checkResult(t, r, tc.rowsPerOp)
			if n := countPG(t, url, tc.mode); n != r.Rows {
				t.Errorf("database holds %d users of env %s, want %d", n, tc.mode, r.Rows)
			}
		})
	}

	t.Run("the baselines refuse SQLite", func(t *testing.T) {
		if _, err := parseFlags([]string{"--db", "x.db", "--mode", "rowupsert"}); err == nil {
			t.Errorf("rowupsert on a SQLite file was accepted")
		}
	})
}

func countPG(t testing.TB, url, env string) int64 {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, "SELECT count(*) FROM users WHERE env = $1", env).Scan(&n)
	if err != nil {
		t.Fatalf("count users: %v", err)
	}
	return n
}
