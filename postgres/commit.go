package postgres

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/groupcommit"
)

// maxGroup bounds how many single identifies share one transaction, which
// bounds the size of its statements and how long it holds its row locks.
const maxGroup = 64

// committers is how many groups may be written at once. A second group is
// written while another one is only once it holds shareAt requests: each
// transaction costs the database about as much as a dozen rows, so groups
// of a few requests each would waste it, while a group that waits for the
// one in flight is never held up for long.
const committers = 2

// shareAt is the size at which a group is written without waiting for the
// groups in flight to be done.
const shareAt = maxGroup / 2

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
// that moment, up to maxGroup. There is no timer: when no group is being
// written the requests taken are written at once, a lone one too; else the
// committer keeps taking requests until that write is done or it holds
// shareAt of them, so that the requests that arrive during a commit share
// the next.
type committer struct {
	store     *Store
	queue     chan *request // unbuffered: a waiting request is a blocked sender
	closed    chan struct{}
	running   sync.WaitGroup
	closeOnce sync.Once

	mu      sync.Mutex
	writing int             // groups being written
	waiters []chan struct{} // committers waiting to write, closed when they may
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
			c.commit(c.gather(req))
			c.written()
		}
	}
}

// gather takes the requests waiting behind first, and returns them once
// they may be written: at once when no other group is being written, else
// when the groups being written are done or it holds shareAt requests.
// Until then it keeps taking requests, so that the writes that arrive during
// a commit go out together rather than in many small groups.
func (c *committer) gather(first *request) []*request {
	group := groupcommit.Gather(first, c.queue, maxGroup)
	c.mu.Lock()
	if c.writing == 0 || len(group) >= shareAt {
		c.writing++
		c.mu.Unlock()
		return group
	}
	turn := make(chan struct{})
	c.waiters = append(c.waiters, turn)
	c.mu.Unlock()

	for len(group) < shareAt {
		select {
		case <-turn:
			return group
		case req := <-c.queue:
			group = append(group, req)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if i := slices.Index(c.waiters, turn); i >= 0 {
		c.waiters = slices.Delete(c.waiters, i, i+1)
		c.writing++
	}
	return group
}

// written ends a group's write. When no group is being written any more, the
// committer that has waited longest may write, and is counted as writing at
// once, so that no new group starts before it.
func (c *committer) written() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writing--
	if c.writing == 0 && len(c.waiters) > 0 {
		c.writing++
		close(c.waiters[0])
		c.waiters = c.waiters[1:]
	}
}

// commit writes a group and answers every caller in it. Requests whose rows
// may break a property limit are taken out and the rest written again
// without them; those, and every request of a group that failed for a
// reason one of them may have caused, are then written each on its own, so
// that a write fails alone.
func (c *committer) commit(group []*request) {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	defer answerPanic(group)

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
// deadlock, and returns the rows that may be over a property limit, if any,
// in which case nothing was written.
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

// answerPanic turns a panic while a group is written into an error for
// every caller of the group not answered yet, so that the server, whose
// single identifies all pass through the committers, stays up. A caller
// answered already keeps its answer: done holds one value, and a second
// send finds it full or unread.
func answerPanic(group []*request) {
	p := recover()
	if p == nil {
		return
	}
	err := fmt.Errorf("identify panicked: %v\n%s", p, debug.Stack())
	for _, req := range group {
		select {
		case req.done <- err:
		default:
		}
	}
}
