package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/groupcommit"
)

// maxReadBatch bounds how many single-user reads share one statement.
const maxReadBatch = 64

// userReaders is how many batches of user reads may run at once. Fewer
// than the pool's connections: while they are all busy, the reads that
// arrive wait and go out together, one round trip and one statement for
// the lot, which costs the database far less than a statement each. On 2
// cores, 1 or 2 readers served ~15k users/s over HTTP, 4 ~12k, 8 ~10k.
const userReaders = 2

// readBatchTimeout bounds one batch, which runs on behalf of callers that
// wait for it whatever their own deadline.
const readBatchTimeout = 30 * time.Second

// selectUsersByKeySQL reads the users named by two parallel arrays of
// environments and identifiers, each row tagged with the position of its
// key, 1 for the first. A key with no user has no row. One statement sees
// one snapshot, so each user comes with its groups as of that snapshot.
const selectUsersByKeySQL = `SELECT k.n, ` + userColumns + `
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(env, identifier, n),
	LATERAL (SELECT * FROM users u WHERE u.env = k.env AND u.identifier = k.identifier) u`

// userRead is one caller's read of one user waiting to be run.
type userRead struct {
	env, identifier string
	done            chan userReadResult // buffered: a reader never blocks on a caller
}

type userReadResult struct {
	user  rollcall.User
	found bool
	err   error
}

// userReader gathers concurrent reads of single users into shared
// statements. A reader that is free takes every read waiting at that
// moment, up to maxReadBatch, and runs them at once: a lone read is never
// held back for company.
type userReader struct {
	store     *Store
	queue     chan *userRead // unbuffered: a waiting read is a blocked sender
	closed    chan struct{}
	running   sync.WaitGroup
	closeOnce sync.Once
}

func newUserReader(s *Store) *userReader {
	r := &userReader{store: s, queue: make(chan *userRead), closed: make(chan struct{})}
	for range userReaders {
		r.running.Go(r.run)
	}
	return r
}

// errReadClosed answers a read on a closed store.
var errReadClosed = errors.New("read user: the store is closed")

// read hands one read to a reader and waits for its outcome while ctx
// allows.
func (r *userReader) read(ctx context.Context, env, identifier string) (rollcall.User, bool, error) {
	req := &userRead{env: env, identifier: identifier, done: make(chan userReadResult, 1)}
	select {
	case r.queue <- req:
	case <-r.closed:
		return rollcall.User{}, false, errReadClosed
	case <-ctx.Done():
		return rollcall.User{}, false, fmt.Errorf("wait for a postgres reader: %w", ctx.Err())
	}

	select {
	case res := <-req.done:
		return res.user, res.found, res.err
	case <-ctx.Done():
		return rollcall.User{}, false, fmt.Errorf("read user: %w", ctx.Err())
	}
}

// close stops taking reads and waits for the batches in progress.
func (r *userReader) close() {
	r.closeOnce.Do(func() { close(r.closed) })
	r.running.Wait()
}

func (r *userReader) run() {
	for {
		select {
		case <-r.closed:
			return
		case req := <-r.queue:
			r.store.readBatch(groupcommit.Gather(req, r.queue, maxReadBatch))
		}
	}
}

// readBatch reads a batch of users in one statement and answers every
// caller in it. A user that does not decode fails its own read only.
func (s *Store) readBatch(batch []*userRead) {
	ctx, cancel := context.WithTimeout(context.Background(), readBatchTimeout)
	defer cancel()

	answered := make([]bool, len(batch))
	answer := func(i int, res userReadResult) {
		if !answered[i] {
			answered[i] = true
			batch[i].done <- res
		}
	}
	defer func() {
		// Reads left unanswered are of users that do not exist, unless
		// the batch panicked: then they fail, and the server stays up.
		var left userReadResult
		if p := recover(); p != nil {
			left.err = fmt.Errorf("read users panicked: %v\n%s", p, debug.Stack())
		}
		for i := range batch {
			answer(i, left)
		}
	}()

	if err := s.queryBatch(ctx, batch, answer); err != nil {
		for i := range batch {
			answer(i, userReadResult{err: err})
		}
	}
}

// queryBatch runs the batch's statement and answers each read whose row
// arrives; the reads left unanswered are of users that do not exist, or
// share the error returned.
func (s *Store) queryBatch(
	ctx context.Context, batch []*userRead, answer func(int, userReadResult),
) error {
	envs, ids := make([]string, len(batch)), make([]string, len(batch))
	for i, req := range batch {
		envs[i], ids[i] = req.env, req.identifier
	}

	rows, err := s.pool.Query(ctx, selectUsersByKeySQL, envs, ids)
	if err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	defer rows.Close()

	for rows.Next() {
		var n int
		u, err := scanUser(rows, &n)
		if n < 1 || n > len(batch) {
			return errors.Join(fmt.Errorf("read users: no key %d of %d", n, len(batch)), err)
		}
		if err != nil {
			answer(n-1, userReadResult{err: fmt.Errorf("read user: %w", err)})
			continue
		}
		answer(n-1, userReadResult{user: u, found: true})
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read users: %w", err)
	}
	return nil
}
