package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/postgres"
)

// defaultTestURL is the database the tests use when ROLLCALL_TEST_POSTGRES
// is not set.
const defaultTestURL = "postgres://root@127.0.0.1:5432/test"

// testURL returns the connection URL of the test database.
func testURL() string {
	if u := os.Getenv("ROLLCALL_TEST_POSTGRES"); u != "" {
		return u
	}
	return defaultTestURL
}

// withParams returns the connection string with settings added, for both URL
// and key=value forms.
func withParams(t testing.TB, conn string, params map[string]string) string {
	t.Helper()
	if !strings.Contains(conn, "://") {
		for k, v := range params {
			conn += " " + k + "=" + v
		}
		return conn
	}

	u, err := url.Parse(conn)
	if err != nil {
		t.Fatalf("parse test database URL: %v", err)
	}
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// newSchema creates an empty schema of its own for one test and drops it
// when the test ends. The database must be reachable: the test fails, never
// skips, so that CI always runs these tests for real.
func newSchema(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testURL())
	if err != nil {
		t.Fatalf("connect to the test database (set ROLLCALL_TEST_POSTGRES): %v", err)
	}
	defer conn.Close(ctx)

	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	schema := "rollcall_test_" + hex.EncodeToString(buf)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}

	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, testURL())
		if err != nil {
			t.Errorf("connect to drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// schemaURL returns a connection string whose sessions work in schema, with
// a small pool so that parallel tests stay within max_connections.
func schemaURL(t testing.TB, schema string) string {
	t.Helper()
	return withParams(t, testURL(), map[string]string{
		"search_path":    schema,
		"pool_max_conns": "4",
	})
}

// openAt opens a store on conn and closes it when the test ends.
func openAt(t testing.TB, conn string, limits rollcall.Limits) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), conn, limits)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// openStore opens a store on a fresh schema of its own.
func openStore(t testing.TB, limits rollcall.Limits) *postgres.Store {
	t.Helper()
	return openAt(t, schemaURL(t, newSchema(t)), limits)
}

// connectSchema opens a plain connection working in schema, closed when the
// test ends.
func connectSchema(t testing.TB, schema string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	params := map[string]string{"search_path": schema}
	conn, err := pgx.Connect(ctx, withParams(t, testURL(), params))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close(ctx) })
	return conn
}

// execSQL runs one statement on the test database in schema.
func execSQL(t testing.TB, schema, sql string, args ...any) {
	t.Helper()
	_, err := connectSchema(t, schema).Exec(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("exec %q: %v", sql, err)
	}
}

// queryInt runs one query returning an integer in schema.
func queryInt(t testing.TB, schema, sql string, args ...any) int {
	t.Helper()
	var n int
	err := connectSchema(t, schema).QueryRow(context.Background(), sql, args...).Scan(&n)
	if err != nil {
		t.Fatalf("query %q: %v", sql, err)
	}
	return n
}
