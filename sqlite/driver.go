package sqlite

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
	"unicode/utf8"

	msqlite "modernc.org/sqlite"
)

// prefixFoldFunc is the SQL name of hasPrefixFold. SQLite's own lower() and
// LIKE fold ASCII letters only; this folds every letter, as Go does.
const prefixFoldFunc = "rollcall_has_prefix_fold"

// newDriver returns a driver of this store's own, so that the functions it
// adds reach only the store's connections and no process-wide registry.
func newDriver() (*msqlite.Driver, error) {
	d := &msqlite.Driver{}
	err := d.RegisterDeterministicScalarFunction(prefixFoldFunc, 2, sqlHasPrefixFold)
	if err != nil {
		return nil, fmt.Errorf("register %s: %w", prefixFoldFunc, err)
	}
	return d, nil
}

// sqlHasPrefixFold is hasPrefixFold for SQL: anything but two strings is
// false.
func sqlHasPrefixFold(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	s, ok1 := args[0].(string)
	prefix, ok2 := args[1].(string)
	if !ok1 || !ok2 {
		return int64(0), nil
	}
	if hasPrefixFold(s, prefix) {
		return int64(1), nil
	}
	return int64(0), nil
}

// hasPrefixFold reports whether s starts with prefix under Unicode simple
// case folding: the first as many characters of s as prefix has are
// compared with strings.EqualFold.
func hasPrefixFold(s, prefix string) bool {
	want := utf8.RuneCountInString(prefix)
	n := 0
	for i := range s {
		if n == want {
			return strings.EqualFold(s[:i], prefix)
		}
		n++
	}
	return n == want && strings.EqualFold(s, prefix)
}

// connector opens connections to one DSN through the store's driver, for
// sql.OpenDB.
type connector struct {
	driver *msqlite.Driver
	dsn    string
}

// Connect opens one connection.
func (c connector) Connect(ctx context.Context) (driver.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.driver.Open(c.dsn)
}

// Driver returns the store's driver.
func (c connector) Driver() driver.Driver {
	return c.driver
}
