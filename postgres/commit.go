package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/groupcommit"
)

// maxGroup bounds how many single identifies share one transaction, which
// bounds the size of its statements and how long it holds its row locks.
const maxGroup = 64

// committers is how many group transactions may be in flight at once: while
// one waits for its commit to be flushed, the next can already be sent.
const committers = 2

// groupTimeout bounds one group, retries and lone reruns included, since it
// runs on behalf of callers that wait for it whatever their own deadline.
const groupTimeout = 30 * time.Second

// request is one caller's single identify waiting to be committed.
type request struct {
	ctx  context.Context
	env  string
	item rollcall.Identify
	done chan error // buffered: a committer never blocks on a caller
}

// committer gathers concurrent single identifies into shared transactions
// (group commit). A committer that is free takes every request waiting at
// that moment, up to maxGroup, without waiting for more: a lone request is
// written at once, and requests that arrive during a commit share the next.
type committer struct {
	store     *Store
	queue     chan *request // unbuffered: a waiting request is a blocked sender
	closed    chan struct{}
	running   sync.WaitGroup
	closeOnce sync.Once
}

func newCommitter(s *Store) *committer {
	c := &committer{store: s, queue: make(chan *request), closed: make(chan struct{})}
	for range committers {
		c.running.Go(c.run)
	}
	return c
}

// write hands one item to a committer and waits for the outcome. Until it is
// taken the caller may give up (ctx) and nothing is written; once taken it
// is waited for, so that a caller never reports failure for a write that
// commits.
func (c *committer) write(ctx context.Context, env string, item rollcall.Identify) error {
	req := &request{ctx: ctx, env: env, item: item, done: make(chan error, 1)}
	select {
	case c.queue <- req:
	case <-c.closed:
		return errors.New("identify: the store is closed")
	case <-ctx.Done():
		return fmt.Errorf("wait for the postgres committer: %w", ctx.Err())
	}
	return <-req.done
}

// close stops taking requests and waits for the groups in progress. A
// request still waiting to be taken fails with a closed-store error.
func (c *committer) close() {
	c.closeOnce.Do(func() { close(c.closed) })
	c.running.Wait()
}

func (c *committer) run() {
	for {
		select {
		case <-c.closed:
			return
		case req := <-c.queue:
			c.commit(groupcommit.Gather(req, c.queue, maxGroup))
		}
	}
}

// commit writes a group and answers every caller in it. Requests whose rows
// would break the property limit are taken out and the rest written again
// without them; those, and every request of a group that failed for a
// reason one of them may have caused, are then written each on its own, so
// that a write fails alone.
func (c *committer) commit(group []*request) {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()

	pending := dropAbandoned(group)
	var alone []*request
	for len(pending) > 0 {
		over, err := c.store.writeGroup(ctx, pending)
		if err != nil && len(pending) > 1 && mayBeOneWrite(err) {
			alone = append(alone, pending...)
			break
		}
		if err != nil || len(over) == 0 {
			answer(pending, err)
			break
		}
		var rest []*request
		for _, req := range pending {
			if touches(req.env, req.item, over) {
				alone = append(alone, req)
			} else {
				rest = append(rest, req)
			}
		}
		pending = rest
	}

	for _, req := range alone {
		req.done <- c.store.identifyAlone(ctx, req.env, []rollcall.Identify{req.item})
	}
}

// dropAbandoned answers the requests whose callers gave up after they were
// taken but before anything was written, and returns the others.
func dropAbandoned(group []*request) []*request {
	live := group[:0:0]
	for _, req := range group {
		if err := req.ctx.Err(); err != nil {
			req.done <- fmt.Errorf("identify abandoned before it was written: %w", err)
			continue
		}
		live = append(live, req)
	}
	return live
}

func answer(group []*request, err error) {
	for _, req := range group {
		req.done <- err
	}
}

// writeGroup writes the requests' rows in one transaction, retried on
// deadlock, and returns the rows over the property limit, if any, in which
// case nothing was written.
func (s *Store) writeGroup(ctx context.Context, group []*request) (map[rowKey]bool, error) {
	rows := newRowSet()
	for _, req := range group {
		rows.add(req.env, req.item)
	}

	var over map[rowKey]bool
	err := retry(ctx, func() error {
		var err error
		over, err = s.writeRows(ctx, rows)
		return err
	})
	return over, err
}

// mayBeOneWrite reports whether err may come from one write's content (the
// database refused a statement, or properties did not encode) rather than
// from the database being unreachable, so that the group is worth trying
// again one write at a time.
func mayBeOneWrite(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) || errors.Is(err, errEncode)
}
