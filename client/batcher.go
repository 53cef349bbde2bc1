package client

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/rollcall/rollcall"
)

// BatcherConfig sets how a Batcher groups and sends identifies.
type BatcherConfig struct {
	// Size is the most items one batch carries; the default and maximum is
	// rollcall.MaxBatchItems.
	Size int
	// Interval is how long an item may wait for its batch to fill before
	// the batch is sent anyway; the default is 200ms.
	Interval time.Duration
	// Concurrency bounds the batch requests in flight; the default is 4.
	// Add blocks while that many are in flight and another batch is full.
	Concurrency int
	// OnError, when set, is called with each batch that failed after the
	// Client's retries, from the goroutine that sent it.
	OnError func(items []UserIdentify, err error)
}

// Batcher queues user identifies and sends them as batch requests when a
// batch is full or its interval has passed. Flush and Close wait for every
// queued item and report what failed. It is safe for concurrent use.
type Batcher struct {
	c    *Client
	cfg  BatcherConfig
	sem  chan struct{}
	stop context.CancelFunc
	ctx  context.Context

	mu      sync.Mutex
	pending []UserIdentify
	timer   *time.Timer
	errs    []error
	closed  bool
	// inflight counts batches taken from pending and not yet answered;
	// idle is closed whenever it drops to zero.
	inflight int
	idle     chan struct{}
}

// NewBatcher returns a Batcher that sends through c.
func (c *Client) NewBatcher(cfg BatcherConfig) *Batcher {
	if cfg.Size <= 0 || cfg.Size > rollcall.MaxBatchItems {
		cfg.Size = rollcall.MaxBatchItems
	}
	if cfg.Interval <= 0 {
		cfg.Interval = 200 * time.Millisecond
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}

	// Sends outlive the Add that started them, so they get the Batcher's
	// own context, cancelled only when Close gives up.
	ctx, stop := context.WithCancel(context.Background())
	return &Batcher{c: c, cfg: cfg, sem: make(chan struct{}, cfg.Concurrency), ctx: ctx, stop: stop}
}

// ErrClosed is returned by Add after Close.
var ErrClosed = errors.New("batcher is closed")

// Add queues one identify. When it fills a batch, Add sends that batch and
// may block until a send slot is free or ctx is done.
func (b *Batcher) Add(ctx context.Context, u UserIdentify) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return ErrClosed
	}
	b.pending = append(b.pending, u)
	if len(b.pending) == 1 {
		b.timer = time.AfterFunc(b.cfg.Interval, b.sendDue)
	}
	var full []UserIdentify
	if len(b.pending) >= b.cfg.Size {
		full = b.takeLocked()
	}
	b.mu.Unlock()

	if full == nil {
		return nil
	}
	return b.dispatch(ctx, full)
}

// takeLocked removes and returns the pending items; b.mu is held.
func (b *Batcher) takeLocked() []UserIdentify {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	items := b.pending
	b.pending = nil
	if len(items) > 0 {
		if b.inflight == 0 {
			b.idle = make(chan struct{})
		}
		b.inflight++
	}
	return items
}

// done marks one taken batch answered.
func (b *Batcher) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inflight--
	if b.inflight == 0 {
		close(b.idle)
	}
}

// sendDue sends the pending items once their interval has passed.
func (b *Batcher) sendDue() {
	b.mu.Lock()
	items := b.takeLocked()
	b.mu.Unlock()

	if len(items) > 0 {
		// The Batcher's context: a timer has no caller to wait for, so the
		// next Flush reports what it could not queue.
		if err := b.dispatch(b.ctx, items); err != nil {
			b.record(err)
		}
	}
}

// dispatch waits for a send slot and sends items in the background. If ctx
// ends first it returns the error, for its caller to report, and tells
// OnError.
func (b *Batcher) dispatch(ctx context.Context, items []UserIdentify) error {
	select {
	case b.sem <- struct{}{}:
	case <-ctx.Done():
		err := fmt.Errorf("queue batch: %w", ctx.Err())
		b.notify(items, err)
		b.done()
		return err
	}

	go func() {
		defer b.done()
		defer func() { <-b.sem }()
		if _, err := b.c.IdentifyBatch(b.ctx, items); err != nil {
			b.fail(items, fmt.Errorf("send batch of %d: %w", len(items), err))
		}
	}()
	return nil
}

// fail records a failed send for the next Flush and tells OnError.
func (b *Batcher) fail(items []UserIdentify, err error) {
	b.record(err)
	b.notify(items, err)
}

// record keeps err for the next Flush to return.
func (b *Batcher) record(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.errs = append(b.errs, err)
}

// notify passes failed items to OnError, when set.
func (b *Batcher) notify(items []UserIdentify, err error) {
	if b.cfg.OnError != nil {
		b.cfg.OnError(items, err)
	}
}

// Flush sends every queued item, waits for every batch in flight and
// returns the errors of the batches that failed since the last Flush.
func (b *Batcher) Flush(ctx context.Context) error {
	b.mu.Lock()
	items := b.takeLocked()
	b.mu.Unlock()

	if len(items) > 0 {
		if err := b.dispatch(ctx, items); err != nil {
			return err
		}
	}
	if err := b.wait(ctx); err != nil {
		return err
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	err := errors.Join(b.errs...)
	b.errs = nil
	return err
}

// wait waits for every send in flight or for ctx to end.
func (b *Batcher) wait(ctx context.Context) error {
	b.mu.Lock()
	if b.inflight == 0 {
		b.mu.Unlock()
		return nil
	}
	idle := b.idle
	b.mu.Unlock()

	select {
	case <-idle:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("wait for batches: %w", ctx.Err())
	}
}

// Close flushes, then refuses further Adds. If ctx ends first, the sends in
// flight are cancelled and Close returns ctx's error.
func (b *Batcher) Close(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()

	err := b.Flush(ctx)
	if ctx.Err() != nil {
		b.stop()
		_ = b.wait(context.Background())
	}
	b.stop()
	return err
}
