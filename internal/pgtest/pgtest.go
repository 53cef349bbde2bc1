// Package pgtest is a test helper: it gives each test that needs the real
// PostgreSQL a schema of its own on the test database.
//
// The database must answer: a test fails, never skips, when it cannot be
// reached, so that CI always runs the PostgreSQL tests for real.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// defaultURL is the test database when ROLLCALL_TEST_POSTGRES is not set.
const defaultURL = "postgres://root@127.0.0.1:5432/test"

// URL returns the connection string of the test database: the value of
// ROLLCALL_TEST_POSTGRES, or the local database when it is not set.
func URL() string {
	if u := os.Getenv("ROLLCALL_TEST_POSTGRES"); u != "" {
		return u
	}
	return defaultURL
}

// Addr returns the host:port of the test database, for a proxy to relay to.
func Addr(t testing.TB) string {
	t.Helper()
	cfg, err := pgconn.ParseConfig(URL())
	if err != nil {
		t.Fatalf("parse test database URL: %v", err)
	}
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}

// NewSchema creates an empty, uniquely named schema on the test database
// and drops it, with everything in it, when the test ends.
func NewSchema(t testing.TB) string {
	t.Helper()
	buf := make([]byte, 8)
	if _, err := rand.Read(buf); err != nil {
		t.Fatalf("random schema name: %v", err)
	}
	schema := "rollcall_test_" + hex.EncodeToString(buf)
	if err := exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}

	t.Cleanup(func() {
		if err := exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}

// SchemaURL returns the test database's connection string with sessions
// working in schema and with params set, in whichever of the URL and
// key=value forms ROLLCALL_TEST_POSTGRES uses.
func SchemaURL(t testing.TB, schema string, params map[string]string) string {
	t.Helper()
	conn := URL()
	if !strings.Contains(conn, "://") {
		conn += " search_path=" + schema
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
	q.Set("search_path", schema)
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// exec runs one statement on the test database over a connection of its own.
func exec(sql string) error {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, URL())
	if err != nil {
		return fmt.Errorf("connect to the test database (set ROLLCALL_TEST_POSTGRES): %w", err)
	}
	defer conn.Close(ctx)

	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}
