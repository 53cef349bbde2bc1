package cli

import (
	"errors"
	"fmt"
	"os"
)

// errLockHeld reports a lock that another process holds.
var errLockHeld = errors.New("the lock is held by another process")

// lockSQLite makes sure only one serve runs on the SQLite file db: two
// servers on one file would each cache keys and contend for its write lock,
// and only PostgreSQL is meant to be shared. The lock lives in a file
// beside the database, db.lock, rather than on the database itself: closing
// any descriptor of the database would drop SQLite's own locks. The keys,
// import and export commands take no lock, so they work beside a server.
func lockSQLite(db string) (*os.File, error) {
	f, err := lockFile(db + ".lock")
	if errors.Is(err, errLockHeld) {
		return nil, fmt.Errorf("another rollcall serve is already using %s; run one server "+
			"per SQLite file, or use PostgreSQL for several", db)
	}
	return f, err
}
