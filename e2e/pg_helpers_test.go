package e2e_test

import (
	"encoding/json"
	"net/url"
	"testing"

	"github.com/rollcall/rollcall/internal/pgtest"
)

// newPostgresDB creates a schema of its own for one test, dropped when the
// test ends, and returns a URL whose sessions work in it.
func newPostgresDB(t testing.TB) string {
	t.Helper()
	// Small pools keep parallel tests and several servers well within the
	// database's max_connections.
	params := map[string]string{"pool_max_conns": "4"}
	return pgtest.SchemaURL(t, pgtest.NewSchema(t), params)
}

// withHost returns the database URL db with its host and port replaced by
// addr, to reach the same database through a proxy.
func withHost(t testing.TB, db, addr string) string {
	t.Helper()

	u, err := url.Parse(db)
	if err != nil {
		t.Fatalf("parse database URL: %v", err)
	}
	u.Host = addr
	return u.String()
}

// errorCode returns the code of an API error body, or "" when b is not one.
func errorCode(b []byte) string {
	var body struct{ Code string }
	_ = json.Unmarshal(b, &body) // A body that is no error JSON has no code.
	return body.Code
}
