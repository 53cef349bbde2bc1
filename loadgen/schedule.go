package loadgen

import (
	"context"
	"sync/atomic"
	"time"
)

// token is one request the schedule allows: its number in the run and when
// it was due, from which its latency counts.
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

// dispatch releases request seq at start + seq/rate. When it oversleeps,
// the requests that fell due meanwhile go out at once, so the average rate
// holds and their latency includes the delay.
func (s *schedule) dispatch(rate float64) {
	defer close(s.paced)

	start := time.Now()
	timer := time.NewTimer(0)
	defer timer.Stop()
	for seq := int64(0); s.requests == 0 || seq < s.requests; seq++ {
		due := start.Add(time.Duration(float64(seq) / rate * float64(time.Second)))
		if s.pastDeadline(due) || !s.sleepUntil(timer, due) {
			return
		}
		select {
		case s.paced <- token{seq: seq, due: due}:
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
func (s *schedule) sleepUntil(timer *time.Timer, t time.Time) bool {
	wait := time.Until(t)
	if wait <= 0 {
		return true
	}
	timer.Reset(wait)
	select {
	case <-timer.C:
		return true
	case <-s.ctx.Done():
		return false
	case <-s.stop:
		return false
	}
}
