package e2e_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// defaultPostgresURL is the database the PostgreSQL tests use when
// ROLLCALL_TEST_POSTGRES is not set.
const defaultPostgresURL = "postgres://root@127.0.0.1:5432/test"

func postgresURL() string {
	if u := os.Getenv("ROLLCALL_TEST_POSTGRES"); u != "" {
		return u
	}
	return defaultPostgresURL
}

// newPostgresDB creates a schema of its own for one test, drops it when the
// test ends and returns a URL whose sessions work in it. The database must
// answer: the test fails, never skips, so CI always runs it for real.
func newPostgresDB(t testing.TB) string {
	t.Helper()

	buf := make([]byte, 8)
	if _, err := rand.Read(buf); err != nil {
		t.Fatalf("random schema name: %v", err)
	}
	schema := "rollcall_e2e_" + hex.EncodeToString(buf)
	execPostgres(t, "CREATE SCHEMA "+schema)
	t.Cleanup(func() { execPostgres(t, "DROP SCHEMA "+schema+" CASCADE") })

	u := parseURL(t, postgresURL())
	q := u.Query()
	q.Set("search_path", schema)
	// Small pools keep parallel tests and several servers well within the
	// database's max_connections.
	q.Set("pool_max_conns", "4")
	u.RawQuery = q.Encode()
	return u.String()
}

// execPostgres runs one statement on the test database.
func execPostgres(t testing.TB, sql string) {
	t.Helper()

	ctx := context.Background()
	conn, err := pgx.Connect(ctx, postgresURL())
	if err != nil {
		t.Fatalf("connect to the test database (set ROLLCALL_TEST_POSTGRES): %v", err)
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// withHost returns the database URL db with its host and port replaced by
// addr, to reach the same database through a proxy.
func withHost(t testing.TB, db, addr string) string {
	t.Helper()

	u := parseURL(t, db)
	u.Host = addr
	return u.String()
}

func parseURL(t testing.TB, s string) *url.URL {
	t.Helper()

	u, err := url.Parse(s)
	if err != nil {
		t.Fatalf("parse database URL: %v", err)
	}
	return u
}

// errorCode returns the code of an API error body, or "" when b is not one.
func errorCode(b []byte) string {
	var body struct{ Code string }
	_ = json.Unmarshal(b, &body) // A body that is no error JSON has no code.
	return body.Code
}
