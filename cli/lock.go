package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// errLockHeld reports a lock that another process holds.
var errLockHeld = errors.New("the lock is held by another process")

// lockSQLite makes sure only one serve runs on the SQLite file db: two
// servers on one file would each cache keys and contend for its write lock,
// and only PostgreSQL is meant to be shared. The lock is a flock on the
// database file itself, so a symlink or a hard link to the same file finds
// it held. flock locks are apart from the fcntl locks SQLite takes, but
// closing any descriptor of the file drops the process's fcntl locks, so
// the returned file must stay open until the store is closed. The keys,
// import and export commands take no lock, so they work beside a server.
func lockSQLite(db string) (*os.File, error) {
	// sqlite.Open refuses such a name and says why; creating a file for it
	// first would leave a stray file behind.
	if strings.ContainsRune(db, '?') || db == ":memory:" {
		return nil, nil
	}
	f, err := lockFile(db)
	if errors.Is(err, errLockHeld) {
		return nil, fmt.Errorf("another rollcall serve is already using %s; run one server "+
			"per SQLite file, or use PostgreSQL for several", db)
	}
	return f, err
}
