package loadgen

import (
	"context"
	"testing"
	"time"
)

func TestPacedTokens(t *testing.T) {
	t.Parallel()
	const rate = 2000
	start := time.Now()
	s := newSchedule(context.Background(), Config{Rate: rate, Requests: 200, Concurrency: 2})
	defer s.close()

	var prev token
	for i := range 200 {
		tok, ok := s.next()
		if !ok {
			t.Fatalf("schedule ended after %d tokens, want 200", i)
		}
		if tok.seq != int64(i) {
			t.Fatalf("token %d has seq %d", i, tok.seq)
		}
		// The dispatcher starts after start, so every token's due time is
		// at least start + seq/rate.
		if due := start.Add(time.Duration(i) * time.Second / rate); tok.due.Before(due) {
			t.Errorf("token %d counts from %v before it was due", i, due.Sub(tok.due))
		}
		if i > 0 && tok.due.Before(prev.due) {
			t.Errorf("token %d counts from before token %d", i, i-1)
		}
		prev = tok
	}
	if _, ok := s.next(); ok {
		t.Errorf("schedule handed out a token past Requests")
	}
}
