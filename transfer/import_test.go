package transfer_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/transfer"
)

// lines makes a JSON Lines file of n users u0001... with one property.
func lines(n int) []byte {
	var b bytes.Buffer
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, `{"identifier":"u%04d","properties":{"n":%d}}`+"\n", i, i)
	}
	return b.Bytes()
}

func readRejects(t testing.TB, data []byte) []transfer.Reject {
	t.Helper()
	var out []transfer.Reject
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var r transfer.Reject
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("rejects line %q: %v", sc.Text(), err)
		}
		out = append(out, r)
	}
	return out
}

func TestRejects(t *testing.T) {
	t.Parallel()
	// Line 3 is bad on reading; line 4 has three properties, which a store
	// holding at most two refuses; line 5 is blank.
	data := `{"identifier":"u1"}
{"identifier":"u2","properties":{"a":1}}
{"identifier":""}
{"identifier":"u4","properties":{"a":1,"b":2,"c":3}}

{"identifier":"u6"}
{"identifier":"u7"}
`
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 2
	for _, via := range []string{"store", "server"} {
		t.Run(via, func(t *testing.T) {
			t.Parallel()
			st := newStore(t, limits)
			var sink transfer.Sink = transfer.StoreSink{Store: st, Env: env}
			if via == "server" {
				c, _ := newServer(t, st)
				sink = transfer.ClientSink{Client: c}
			}
			r, err := transfer.NewReader(strings.NewReader(data), transfer.JSONLines, transfer.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}

			var rejects bytes.Buffer
			sum, err := transfer.Import(context.Background(), r, transfer.ImportConfig{
				Sink: sink, Rejects: &rejects, BatchSize: 3,
			})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			want := transfer.Summary{Rows: 6, Imported: 4, Rejected: 2, Acknowledged: 6,
				AcknowledgedLine: 7}
			if sum != want {
				t.Errorf("summary %+v, want %+v", sum, want)
			}

			got := readRejects(t, rejects.Bytes())
			if len(got) != 2 || got[0].Line != 3 || got[1].Line != 4 {
				t.Fatalf("rejects %+v, want lines 3 and 4", got)
			}
			if got[1].Row != `{"identifier":"u4","properties":{"a":1,"b":2,"c":3}}` || got[1].Reason == "" {
				t.Errorf("reject of line 4 = %+v", got[1])
			}
			for _, id := range []string{"u1", "u2", "u6", "u7"} {
				if _, err := st.User(context.Background(), env, id); err != nil {
					t.Errorf("%s, in the rejected row's batch, was not imported: %v", id, err)
				}
			}
		})
	}
}

// stopAfter is a Sink that records what it is sent and cancels the import
// once it has acknowledged n batches.
type stopAfter struct {
	next   transfer.Sink
	n      int
	cancel context.CancelFunc

	mu      sync.Mutex
	batches int
	sent    map[string]int
}

func (s *stopAfter) Identify(ctx context.Context, items []rollcall.Identify) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.next.Identify(ctx, items); err != nil {
		return err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range items {
		s.sent[it.Identifier]++
	}
	s.batches++
	if s.batches == s.n && s.cancel != nil {
		s.cancel()
	}
	return nil
}

func TestResume(t *testing.T) {
	t.Parallel()
	data := lines(1000)

	for _, via := range []string{"store", "server"} {
		t.Run(via, func(t *testing.T) {
			t.Parallel()
			st := newStore(t, rollcall.DefaultLimits())
			var sink transfer.Sink = transfer.StoreSink{Store: st, Env: env}
			var requests interface{ Load() int32 }
			if via == "server" {
				c, n := newServer(t, st)
				sink, requests = transfer.ClientSink{Client: c}, n
			}
			checkpoint := filepath.Join(t.TempDir(), "users.jsonl"+transfer.CheckpointSuffix)
			counter := &stopAfter{next: sink, n: 3, sent: map[string]int{}}

			ctx, cancel := context.WithCancel(context.Background())
			counter.cancel = cancel
			cfg := transfer.ImportConfig{Sink: counter, Concurrency: 1, Checkpoint: checkpoint}
			sum, err := transfer.Import(ctx, newJSONLReader(t, data), cfg)
			cancel()
			if err == nil {
				t.Fatal("the interrupted import reported no error")
			}
			hint := "; run the same command again with --resume to carry on"
			if !strings.HasPrefix(err.Error(), "import stopped after row 300: ") ||
				!strings.HasSuffix(err.Error(), hint) {
				t.Errorf("error %q; want the row and the hint to resume", err)
			}
			if c, err := transfer.LoadCheckpoint(checkpoint); err != nil || c.Line != 300 ||
				c.Acknowledged != 300 {
				t.Errorf("checkpoint %+v, %v; want row and line 300", c, err)
			}
			if sum.Acknowledged != 300 {
				t.Errorf("interrupted import acknowledged %d rows, want 300", sum.Acknowledged)
			}

			counter.cancel = nil
			cfg.Resume = true
			sum, err = transfer.Import(context.Background(), newJSONLReader(t, data), cfg)
			if err != nil {
				t.Fatalf("resumed import: %v", err)
			}
			if sum.Skipped != 300 || sum.Imported != 700 || sum.Acknowledged != 1000 {
				t.Errorf("resumed summary %+v", sum)
			}
			if len(counter.sent) != 1000 {
				t.Errorf("%d distinct users sent, want 1000", len(counter.sent))
			}
			for id, n := range counter.sent {
				if n != 1 {
					t.Errorf("%s sent %d times", id, n)
				}
			}
			if requests != nil && requests.Load() != 10 {
				t.Errorf("server saw %d requests, want 10 batches", requests.Load())
			}
		})
	}
}

func newJSONLReader(t testing.TB, data []byte) transfer.Reader {
	t.Helper()
	r, err := transfer.NewReader(bytes.NewReader(data), transfer.JSONLines, transfer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestResumeConcurrent(t *testing.T) {
	t.Parallel()
	data := lines(2000)
	st := newStore(t, rollcall.DefaultLimits())
	checkpoint := filepath.Join(t.TempDir(), "users.jsonl"+transfer.CheckpointSuffix)
	counter := &stopAfter{next: transfer.StoreSink{Store: st, Env: env}, n: 5, sent: map[string]int{}}

	ctx, cancel := context.WithCancel(context.Background())
	counter.cancel = cancel
	cfg := transfer.ImportConfig{Sink: counter, Concurrency: 4, Checkpoint: checkpoint}
	if _, err := transfer.Import(ctx, newJSONLReader(t, data), cfg); err == nil {
		t.Fatal("the interrupted import reported no error")
	}
	cancel()

	counter.cancel = nil
	cfg.Resume = true
	if _, err := transfer.Import(context.Background(), newJSONLReader(t, data), cfg); err != nil {
		t.Fatalf("resumed import: %v", err)
	}
	// Each row is sent at least once; only the batches in flight at the
	// interruption (at most Concurrency-1 beyond the checkpoint) twice.
	twice := 0
	for i := 1; i <= 2000; i++ {
		switch n := counter.sent[fmt.Sprintf("u%04d", i)]; {
		case n == 0:
			t.Fatalf("u%04d never sent", i)
		case n > 2:
			t.Errorf("u%04d sent %d times", i, n)
		case n == 2:
			twice++
		}
	}
	if twice > 3*100 {
		t.Errorf("%d rows sent twice; at most 3 batches should be", twice)
	}
}

func TestPlainProgress(t *testing.T) {
	t.Parallel()
	data := lines(250)
	st := newStore(t, rollcall.DefaultLimits())
	var out bytes.Buffer
	meter := transfer.NewMeter(&out, transfer.MeterConfig{Total: int64(len(data)), Interval: time.Nanosecond})

	r, err := transfer.NewReader(meter.Reader(bytes.NewReader(data)), transfer.JSONLines, transfer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := transfer.Import(context.Background(), r, transfer.ImportConfig{
		Sink: transfer.StoreSink{Store: st, Env: env}, Concurrency: 1, Progress: meter.Update,
	})
	if err != nil {
		t.Fatal(err)
	}
	meter.Finish(sum)

	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) < 2 {
		t.Fatalf("progress printed %q, want a line per batch and a last line", out.String())
	}
	if !strings.HasPrefix(got[0], "imported 100 rows, 0 rejected") {
		t.Errorf("first line %q", got[0])
	}
	last := got[len(got)-1]
	if !strings.HasPrefix(last, "imported 250 rows, 0 rejected, 0 skipped") || !strings.Contains(last, "100% read") {
		t.Errorf("last line %q", last)
	}
	if strings.Contains(out.String(), "\x1b[") || strings.Contains(out.String(), "\r") {
		t.Errorf("plain progress holds terminal control characters: %q", out.String())
	}
}

func TestPlainProgressOfOneRow(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	meter := transfer.NewMeter(&out, transfer.MeterConfig{Interval: time.Nanosecond})
	meter.Finish(transfer.Summary{Imported: 1})
	if !strings.HasPrefix(out.String(), "imported 1 row, 0 rejected") {
		t.Errorf("one row's progress line = %q", out.String())
	}
}
