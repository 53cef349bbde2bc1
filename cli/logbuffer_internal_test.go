package cli

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/syncbuf"
)

func TestLogBufferWritesWarningsAtOnceAndTheRestSoon(t *testing.T) {
	var out syncbuf.Buffer
	logs := newLogBuffer(&out)
	defer logs.Close()
	inner, err := newLogger(logs, "text", "info")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(flushingHandler{inner.Handler(), logs}).With("request_id", "r1")

	log.Info("request", "status", 200)
	log.Warn("store slow", "status", 503)
	got := out.String()
	if !strings.Contains(got, "msg=request") || !strings.Contains(got, "msg=\"store slow\"") {
		t.Fatalf("after a warning the log holds %q; want both lines, in order", got)
	}
	if strings.Index(got, "msg=request") > strings.Index(got, "store slow") {
		t.Errorf("lines out of order: %q", got)
	}
	if strings.Count(got, "request_id=r1") != 2 {
		t.Errorf("a derived logger lost its attributes or its flushing: %q", got)
	}

	log.Info("later")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "msg=later") {
		if time.Now().After(deadline) {
			t.Fatalf("an info line was never written out: %q", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLogBufferKeepsConcurrentLinesWholeAndFlushesOnClose(t *testing.T) {
	var out syncbuf.Buffer
	logs := newLogBuffer(&out)

	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 500 {
				fmt.Fprintf(logs, "writer=%d line=%d %s\n", w, i, strings.Repeat("x", 200))
			}
		})
	}
	wg.Wait()
	logs.Close()

	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*500 {
		t.Fatalf("%d lines after Close, want %d", len(lines), 8*500)
	}
	for _, l := range lines {
		var w, i int
		var rest string
		if _, err := fmt.Sscanf(l, "writer=%d line=%d %s", &w, &i, &rest); err != nil ||
			len(rest) != 200 {
			t.Fatalf("a line was cut or mixed with another: %q", l)
		}
	}

	fmt.Fprintln(logs, "after close")
	if !strings.HasSuffix(out.String(), "after close\n") {
		t.Errorf("a line written after Close waited instead of going out at once")
	}
}

// chunks records each write it is given, and fails the writes listed in
// fail (by their order, from 0).
type chunks struct {
	mu   sync.Mutex
	got  []string
	fail map[int]bool
}

func (c *chunks) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.got)
	c.got = append(c.got, string(p))
	if c.fail[n] {
		return 0, errors.New("no space left on device")
	}
	return len(p), nil
}

func TestLogBufferWritesOnlyWholeLines(t *testing.T) {
	out := &chunks{}
	logs := newLogBuffer(out)

	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 2000 {
				fmt.Fprintf(logs, "writer=%d line=%d %s\n", w, i, strings.Repeat("y", (i*37)%700))
			}
		})
	}
	wg.Wait()
	logs.Close()

	if len(out.got) < 10 {
		t.Fatalf("%d writes for ~2.8 MB of lines; the buffer never went out early", len(out.got))
	}
	lines := 0
	for _, c := range out.got {
		if !strings.HasSuffix(c, "\n") {
			t.Fatalf("a write ends inside a line: ...%q", c[max(0, len(c)-40):])
		}
		lines += strings.Count(c, "\n")
	}
	if lines != 4*2000 {
		t.Errorf("%d lines written, want %d", lines, 4*2000)
	}
}

func TestLogBufferGoesOnAfterAFailedWrite(t *testing.T) {
	out := &chunks{fail: map[int]bool{0: true}}
	logs := newLogBuffer(out)

	fmt.Fprintln(logs, "lost with the failed write")
	logs.Flush()
	fmt.Fprintln(logs, "after the disk has room again")
	logs.Close()

	if len(out.got) != 2 || out.got[1] != "after the disk has room again\n" {
		t.Errorf("writes after a failure = %q; want the later line written", out.got)
	}
}
