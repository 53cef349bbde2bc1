package e2e_test

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The phases of an outage, as the load sees them when a request starts and
// when its answer arrives.
const (
	beforeCut = iota
	duringCut
	afterRestore
	phases
)

// loadPause spaces each writer's requests so a failing store does not turn
// the load into a busy loop on a shared machine.
const loadPause = 10 * time.Millisecond

// usersPerWriterSpan is how many writes a load writer makes to one user
// before it moves to the next, well under the properties limit.
const usersPerWriterSpan = 100

// outageLoad sends identifies continuously and sorts the answers by phase:
// the writes acknowledged with 200, the failures, and anything the API
// contract does not allow.
type outageLoad struct {
	url, key string
	client   *http.Client
	phase    atomic.Int32
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup

	mu       sync.Mutex
	acked    []write
	ok       [phases]int
	failed   [phases]int
	problems []string
}

// startLoad starts writers goroutines sending identifies to the server at
// url; stopLoad ends them.
func startLoad(url, key string, writers int) *outageLoad {
	l := &outageLoad{url: url, key: key, stop: make(chan struct{}),
		client: &http.Client{Timeout: requestTimeout}}
	for w := range writers {
		l.wg.Go(func() { l.write(w) })
	}
	return l
}

// stopLoad ends the load and waits for its writers; it may be called again.
func (l *outageLoad) stopLoad() {
	l.stopOnce.Do(func() { close(l.stop) })
	l.wg.Wait()
}

// results returns every write acknowledged with 200 and every answer the
// contract does not allow; call it once the load has stopped.
func (l *outageLoad) results() (acked []write, problems []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.acked, l.problems
}

// write sends one writer's identifies until the load stops.
func (l *outageLoad) write(writer int) {
	for i := 0; ; i++ {
		select {
		case <-l.stop:
			return
		case <-time.After(loadPause):
		}

		w := write{user: fmt.Sprintf("outage-%d-%d", writer, i/usersPerWriterSpan),
			key: fmt.Sprintf("write-%d", i), value: i}
		start := int(l.phase.Load())
		status, b, err := send(l.client, "POST", l.url+"/identify", l.key, w.identifyBody())
		l.record(w, start, int(l.phase.Load()), status, b, err)
	}
}

// record sorts one answer. Only a request that started and ended in the
// same phase counts for that phase: one in flight across a cut may go
// either way.
func (l *outageLoad) record(w write, start, end, status int, b []byte, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()

	switch {
	case err != nil:
		l.problems = append(l.problems, fmt.Sprintf("no answer in phase %d: %v", start, err))
	case status == 200:
		l.acked = append(l.acked, w)
		if start == end {
			l.ok[start]++
		}
		if start == duringCut && end == duringCut {
			l.problems = append(l.problems, "200 while the database was cut off")
		}
	case status == 500 && errorCode(b) == "internal_server_error",
		status == 503 && errorCode(b) == "unavailable_error":
		if start == end {
			l.failed[start]++
		}
	default:
		l.problems = append(l.problems, fmt.Sprintf("phase %d: %d %s", start, status, b))
	}
}

// counts returns how many requests of phase succeeded and failed so far.
func (l *outageLoad) counts(phase int) (ok, failed int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.ok[phase], l.failed[phase]
}
