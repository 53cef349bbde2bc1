package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// checkpointEvery is how often the checkpointer copies the WAL back into
// the database file. A passive checkpoint with nothing to copy costs one
// statement; one with a few megabytes to copy takes milliseconds, off the
// write path.
const checkpointEvery = 250 * time.Millisecond

// checkpointer copies the WAL into the database file from a connection of
// its own. SQLite's automatic checkpoint (turned off on the writer) runs
// inside the COMMIT that crosses the WAL size threshold, making that one
// write wait for the copy and an fsync of the database file: the slowest
// writes came from there. A PASSIVE checkpoint never takes the write lock,
// so writes go on meanwhile.
//
// SQLite starts the WAL over from its beginning only when a write begins
// with every frame copied, which under a steady stream of writes never
// happens by itself: the WAL would grow without end. So once it holds
// restartFrames frames, the checkpointer asks the committer to copy the
// last few frames between two transactions, after which the next write
// starts the WAL over.
type checkpointer struct {
	db      *sql.DB
	commits *committer
	stop    chan struct{}
	done    sync.WaitGroup
	once    sync.Once
}

// restartFrames is the WAL length, in pages, past which the writer lets
// it start over: about 16 MB.
const restartFrames = 4000

func startCheckpointer(db *sql.DB, commits *committer) *checkpointer {
	c := &checkpointer{db: db, commits: commits, stop: make(chan struct{})}
	c.done.Go(c.run)
	return c
}

func (c *checkpointer) run() {
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-tick.C:
			c.checkpoint()
		}
	}
}

// checkpoint copies what it can and asks the writer to finish when the WAL
// has grown long. A failed checkpoint is retried on the next tick; the WAL
// keeps every commit meanwhile, so nothing is lost.
func (c *checkpointer) checkpoint() {
	var busy, frames, copied int
	err := c.db.QueryRowContext(context.Background(), checkpointSQL).
		Scan(&busy, &frames, &copied)
	if err == nil && frames >= restartFrames {
		c.commits.checkpoint()
	}
}

const checkpointSQL = "PRAGMA wal_checkpoint(PASSIVE)"

// close stops the checkpointer and closes its connection. Closing again
// does nothing more, as closing a store twice must not panic.
func (c *checkpointer) close() error {
	c.once.Do(func() { close(c.stop) })
	c.done.Wait()
	return c.db.Close()
}
