package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
)

// maxWrites bounds each writer, so that a test that goes wrong still ends.
const maxWrites = 2000

// writers identify users in a loop and remember which writes the store
// acknowledged and how many it refused.
type writers struct {
	done chan struct{}
	wg   sync.WaitGroup

	mu     sync.Mutex
	acked  map[string][]string
	nacked int
	failed int
}

// startWriters starts n writers on s, each writing its own user.
func startWriters(s rollcall.Store, n int) *writers {
	w := &writers{done: make(chan struct{}), acked: map[string][]string{}}
	for i := range n {
		user := fmt.Sprintf("writer-%d", i)
		w.wg.Go(func() { w.run(s, user) })
	}
	return w
}

func (w *writers) run(s rollcall.Store, user string) {
	for n := range maxWrites {
		select {
		case <-w.done:
			return
		default:
		}

		key := fmt.Sprintf("k%d", n)
		item := rollcall.Identify{
			Identifier: user,
			Properties: rollcall.Properties{key: []byte("1")},
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := s.Identify(ctx, "prod", []rollcall.Identify{item})
		cancel()

		w.mu.Lock()
		if err == nil {
			w.acked[user] = append(w.acked[user], key)
			w.nacked++
		} else {
			w.failed++
		}
		w.mu.Unlock()
	}
}

// waitAcked waits, within a bound, until n writes were acknowledged.
func (w *writers) waitAcked(t testing.TB, n int) {
	t.Helper()
	w.waitFor(t, fmt.Sprintf("%d acknowledged writes", n), func() bool { return w.nacked >= n })
}

// waitFailed waits, within a bound, until n writes failed.
func (w *writers) waitFailed(t testing.TB, n int) {
	t.Helper()
	w.waitFor(t, fmt.Sprintf("%d failed writes", n), func() bool { return w.failed >= n })
}

func (w *writers) waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for range 300 {
		w.mu.Lock()
		ok := cond()
		w.mu.Unlock()
		if ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("gave up waiting for %s", what)
}

// stop stops the writers and returns the acknowledged keys by user.
func (w *writers) stop() map[string][]string {
	close(w.done)
	w.wg.Wait()
	return w.acked
}
