package loadgen

import (
	"context"
	"sync/atomic"
	"time"
)

// token is one request the schedule allows: its number in the run and the
// time its latency counts from.
type token struct {
	seq int64
	due time.Time
}

// schedule hands out requests to the workers until the run ends. Without a
// rate each worker sends as soon as its previous answer arrives (a closed
// loop); with one, a dispatcher releases requests at fixed times whether
// or not the server keeps up.
type schedule struct {
	ctx      context.Context
	requests int64
	deadline time.Time
	claimed  atomic.Int64
	paced    chan token
	// stop tells the dispatcher that the workers are gone.
	stop chan struct{}
}

func newSchedule(ctx context.Context, cfg Config) *schedule {
	s := &schedule{ctx: ctx, requests: cfg.Requests, stop: make(chan struct{})}
	if cfg.Duration > 0 {
		s.deadline = time.Now().Add(cfg.Duration)
	}
	if cfg.Rate > 0 {
		s.paced = make(chan token, cfg.Concurrency*4)
		go s.dispatch(cfg.Rate)
	}
	return s
}

// next returns the next request to send, or false when the run is over.
func (s *schedule) next() (token, bool) {
	if s.ctx.Err() != nil || s.pastDeadline(time.Now()) {
		return token{}, false
	}
	if s.paced != nil {
		t, ok := <-s.paced
		return t, ok
	}

	seq := s.claimed.Add(1) - 1
	if s.requests > 0 && seq >= s.requests {
		return token{}, false
	}
	return token{seq: seq, due: time.Now()}, true
}

func (s *schedule) pastDeadline(t time.Time) bool {
	return !s.deadline.IsZero() && t.After(s.deadline)
}

// dispatch releases request seq at start + seq/rate. When it falls behind,
// the requests that fell due meanwhile go out at once, so the average rate
// holds.
//
// Their latency counts from when they were due, with one exception: Go's
// timers wake up to a millisecond late (the poller waits whole
// milliseconds), which at thousands of requests a second would charge the
// server for the generator's own lateness. So a request due before the
// dispatcher's last wake-up from a timer counts from that wake-up instead.
// Requests held back by busy workers (a full queue, the server's doing)
// still count from when they were due, as the dispatcher does not sleep
// while it catches up.
func (s *schedule) dispatch(rate float64) {
	defer close(s.paced)

	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	var lastWake time.Time
	for seq := int64(0); s.requests == 0 || seq < s.requests; seq++ {
		due := start.Add(time.Duration(float64(seq) / rate * float64(time.Second)))
		if s.pastDeadline(due) {
			return
		}
		woke, ok := s.sleepUntil(timer, due)
		if !ok {
			return
		}
		if !woke.IsZero() {
			lastWake = woke
		}
		from := due
		if lastWake.After(due) {
			from = lastWake
		}
		select {
		case s.paced <- token{seq: seq, due: from}:
		case <-s.ctx.Done():
			return
		case <-s.stop:
			return
		}
	}
}

// close ends the dispatcher once the workers no longer take requests.
func (s *schedule) close() {
	close(s.stop)
}

// sleepUntil waits for t and reports false if the run was cancelled first.
// It returns when it woke up, or the zero time when t had already passed
// and it did not sleep.
func (s *schedule) sleepUntil(timer *time.Timer, t time.Time) (time.Time, bool) {
	wait := time.Until(t)
	if wait <= 0 {
		return time.Time{}, true
	}
	timer.Reset(wait)
	select {
	case <-timer.C:
		return time.Now(), true
	case <-s.ctx.Done():
		return time.Time{}, false
	case <-s.stop:
		return time.Time{}, false
	}
}
