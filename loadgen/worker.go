package loadgen

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// maxErrorBody bounds how much of an error answer is read for its code.
const maxErrorBody = 64 << 10

// tally is what one worker counted; the workers' tallies are summed at the
// end so that recording needs no lock.
type tally struct {
	hist     *histogram
	requests int64
	ok       int64
	items    int64
	errors   map[string]int64
	network  int64
	// firstNetwork is the first network error's text, to show what went
	// wrong without repeating it thousands of times.
	firstNetwork string
}

// worker sends one request at a time on its own connection.
type worker struct {
	cfg    Config
	client *http.Client
	gen    *generator
	rand   *rand.Rand
	buf    []byte
	tally  *tally
}

func runWorkers(ctx context.Context, cfg Config, client *http.Client, gen *generator,
	sched *schedule) []*tally {
	tallies := make([]*tally, cfg.Concurrency)
	var wg sync.WaitGroup
	for i := range tallies {
		w := &worker{
			cfg:    cfg,
			client: client,
			gen:    gen,
			rand:   rand.New(rand.NewPCG(cfg.Seed, uint64(i)+1)),
			tally:  &tally{hist: newHistogram(), errors: map[string]int64{}},
		}
		tallies[i] = w.tally
		wg.Go(func() { w.loop(ctx, sched) })
	}
	wg.Wait()
	sched.close()
	return tallies
}

func (w *worker) loop(ctx context.Context, sched *schedule) {
	for {
		tok, ok := sched.next()
		if !ok {
			return
		}
		req, items, err := w.request(ctx, tok.seq)
		if err != nil {
			w.networkError(err)
			continue
		}
		code, err := w.send(req)
		w.tally.hist.record(time.Since(tok.due))
		w.count(code, items, err)
	}
}

// request builds request seq of the run and says how many users it names.
func (w *worker) request(ctx context.Context, seq int64) (*http.Request, int, error) {
	mode := w.cfg.Mode
	if mode == ModeMixed {
		mode = ModeIdentify
		if w.rand.Float64() < w.cfg.ReadShare {
			mode = ModeRead
		}
	}

	switch mode {
	case ModeRead:
		path := w.gen.readPath(w.gen.userNumber(w.rand, seq))
		req, err := w.newRequest(ctx, http.MethodGet, path, nil)
		return req, 1, err
	case ModeBatch:
		w.buf = w.gen.appendBatch(w.buf[:0], w.rand, seq)
		req, err := w.newRequest(ctx, http.MethodPost, "/identify/batch", w.buf)
		return req, w.cfg.BatchSize, err
	}

	path := "/identify"
	if mode == ModeGroup {
		path = "/identify/group"
	}
	w.buf = w.gen.appendItem(w.buf[:0], w.rand, w.gen.userNumber(w.rand, seq))
	req, err := w.newRequest(ctx, http.MethodPost, path, w.buf)
	return req, 1, err
}

func (w *worker) newRequest(ctx context.Context, method, path string,
	body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, w.cfg.URL+path, r)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}

	req.Header.Set("x-api-key", w.cfg.Key)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

// send sends req and returns the error code of its answer, empty for a
// success, or the network error that kept it from being answered.
func (w *worker) send(req *http.Request) (string, error) {
	resp, err := w.client.Do(req)
	if err != nil {
		// The transport may still hold the body; never reuse its buffer.
		w.buf = nil
		return "", err
	}
	defer resp.Body.Close()

	if resp.StatusCode < 300 {
		_, err = io.Copy(io.Discard, resp.Body)
		return "", err
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	if err != nil {
		return "", err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return errorCode(resp.StatusCode, body), nil
}

// errorCode reads the code of an error answer, or names the status when
// the answer is not the API's error shape.
func errorCode(status int, body []byte) string {
	var e struct {
		Code string `json:"code"`
	}
	if json.Unmarshal(body, &e) == nil && e.Code != "" {
		return e.Code
	}
	return "http_" + strconv.Itoa(status)
}

func (w *worker) count(code string, items int, err error) {
	switch {
	case err != nil:
		w.networkError(err)
	case code != "":
		w.tally.requests++
		w.tally.errors[code]++
	default:
		w.tally.requests++
		w.tally.ok++
		w.tally.items += int64(items)
	}
}

func (w *worker) networkError(err error) {
	w.tally.requests++
	w.tally.network++
	if w.tally.firstNetwork == "" {
		w.tally.firstNetwork = err.Error()
	}
}
