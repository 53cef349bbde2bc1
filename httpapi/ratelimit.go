package httpapi

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/rollcall/rollcall"
	"golang.org/x/time/rate"
)

// limiter holds one token bucket per key. A nil *limiter allows everything.
type limiter struct {
	limit rate.Limit
	burst int

	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

func newLimiter(perSecond float64, burst int) *limiter {
	if perSecond <= 0 {
		return nil
	}
	if burst < 1 {
		burst = int(math.Ceil(perSecond))
	}
	return &limiter{
		limit:   rate.Limit(perSecond),
		burst:   burst,
		buckets: make(map[string]*rate.Limiter),
	}
}

// allow takes a token from the key's bucket, or sets Retry-After and
// returns a rate limit error when the bucket is empty. Buckets are keyed by
// key prefix, so their number is bounded by the keys that exist.
func (l *limiter) allow(w http.ResponseWriter, prefix string) error {
	if l == nil {
		return nil
	}

	l.mu.Lock()
	b, ok := l.buckets[prefix]
	if !ok {
		b = rate.NewLimiter(l.limit, l.burst)
		l.buckets[prefix] = b
	}
	l.mu.Unlock()

	now := time.Now()
	res := b.ReserveN(now, 1)
	wait := res.DelayFrom(now)
	if wait == 0 {
		return nil
	}
	res.CancelAt(now)

	seconds := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(seconds))
	return rollcall.Errorf(rollcall.CodeRateLimit,
		"this key sent too many requests; retry after %s", pluralSeconds(seconds))
}

// pluralSeconds writes n seconds in words: "1 second", "3 seconds".
func pluralSeconds(n int) string {
	if n == 1 {
		return "1 second"
	}
	return strconv.Itoa(n) + " seconds"
}
