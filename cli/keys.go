package cli

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"strings"

	"github.com/rollcall/rollcall"
)

// dbFlag adds the --db flag that every store command takes.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", defaultDB,
		"SQLite file, or postgres:// URL for PostgreSQL (env ROLLCALL_DB)")
}

// withStore opens the store db names, runs fn and closes the store,
// reporting the first error.
func withStore(ctx context.Context, db string, fn func(rollcall.Store) error) (err error) {
	store, err := openStore(ctx, db, rollcall.DefaultLimits())
	if err != nil {
		return err
	}
	defer func() {
		if cerr := store.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close store: %w", cerr)
		}
	}()

	return fn(store)
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string {
	return strings.Join(*l, ",")
}

func (l *stringList) Set(s string) error {
	*l = append(*l, s)
	return nil
}

// checkOrigin accepts a browser origin as browsers send it: a scheme, a
// host and maybe a port, with no path, query or fragment.
func checkOrigin(origin string) error {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("--origin %q must look like https://app.example.com", origin)
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return usagef("--origin %q must be a scheme and host only, with no path", origin)
	}
	return nil
}
