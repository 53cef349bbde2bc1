package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/pgtest"
	"github.com/rollcall/rollcall/postgres"
)

// schemaURL returns a connection string whose sessions work in schema, with
// a small pool so that parallel tests stay within max_connections.
func schemaURL(t testing.TB, schema string) string {
	t.Helper()
	return pgtest.SchemaURL(t, schema, map[string]string{"pool_max_conns": "4"})
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
	return openAt(t, schemaURL(t, pgtest.NewSchema(t)), limits)
}

// connectSchema opens a plain connection working in schema, closed when the
// test ends.
func connectSchema(t testing.TB, schema string) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.SchemaURL(t, schema, nil))
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
