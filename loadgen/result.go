package loadgen

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Result is what one run measured.
type Result struct {
	Mode        Mode  `json:"mode"`
	Concurrency int   `json:"concurrency"`
	Properties  int   `json:"properties"`
	BatchSize   int   `json:"batchSize,omitempty"`
	Users       int64 `json:"users,omitempty"`
	Sequential  bool  `json:"sequential,omitempty"`
	// Rate is the requested pace, 0 for a closed loop.
	Rate float64 `json:"rate,omitempty"`

	// Requests counts every request sent, answered or not.
	Requests int64 `json:"requests"`
	// OK counts the requests answered with a 2xx status.
	OK int64 `json:"ok"`
	// Items counts the users (groups in ModeGroup) that successful
	// requests wrote or read.
	Items   int64         `json:"items"`
	Elapsed time.Duration `json:"elapsedNs"`

	RequestsPerSecond float64 `json:"requestsPerSecond"`
	ItemsPerSecond    float64 `json:"itemsPerSecond"`
	Latency           Latency `json:"latency"`

	// Errors counts error answers by their code; answers that were not
	// the API's JSON error shape count under http_STATUS.
	Errors map[string]int64 `json:"errors"`
	// NetworkErrors counts requests that got no answer at all, and
	// FirstNetworkError shows the first one's text.
	NetworkErrors     int64  `json:"networkErrors"`
	FirstNetworkError string `json:"firstNetworkError,omitempty"`
}

// Latency holds percentiles of the time from when a request was due to its
// answer, within 0.2%.
type Latency struct {
	P50  time.Duration
	P90  time.Duration
	P99  time.Duration
	Max  time.Duration
	Mean time.Duration
}

// MarshalJSON writes the percentiles in milliseconds, which machines and
// people both read easily.
func (l Latency) MarshalJSON() ([]byte, error) {
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return json.Marshal(map[string]float64{
		"p50Ms": ms(l.P50), "p90Ms": ms(l.P90), "p99Ms": ms(l.P99),
		"maxMs": ms(l.Max), "meanMs": ms(l.Mean),
	})
}

// ErrorCount returns the number of requests that failed in any way.
func (r Result) ErrorCount() int64 {
	n := r.NetworkErrors
	for _, c := range r.Errors {
		n += c
	}
	return n
}

func summarize(cfg Config, tallies []*tally, elapsed time.Duration) Result {
	r := Result{
		Mode: cfg.Mode, Concurrency: cfg.Concurrency, Properties: cfg.Properties,
		Users: cfg.Users, Sequential: cfg.Sequential, Rate: cfg.Rate,
		Elapsed: elapsed, Errors: map[string]int64{},
	}
	if cfg.Mode == ModeBatch {
		r.BatchSize = cfg.BatchSize
	}

	hist := newHistogram()
	for _, t := range tallies {
		r.add(t)
		hist.merge(t.hist)
	}

	if secs := elapsed.Seconds(); secs > 0 {
		r.RequestsPerSecond = float64(r.Requests) / secs
		r.ItemsPerSecond = float64(r.Items) / secs
	}
	r.Latency = Latency{
		P50: hist.quantile(0.50), P90: hist.quantile(0.90), P99: hist.quantile(0.99),
		Max: hist.max,
	}
	if hist.n > 0 {
		r.Latency.Mean = hist.sum / time.Duration(hist.n)
	}
	return r
}

func (r *Result) add(t *tally) {
	r.Requests += t.requests
	r.OK += t.ok
	r.Items += t.items
	r.NetworkErrors += t.network
	if r.FirstNetworkError == "" {
		r.FirstNetworkError = t.firstNetwork
	}
	for code, n := range t.errors {
		r.Errors[code] += n
	}
}

// WriteText writes the result for a person to read.
func (r Result) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "mode         %s, %d connections, %d properties%s\n",
		r.Mode, r.Concurrency, r.Properties, r.shape())
	fmt.Fprintf(&b, "requests     %d in %.2fs, %d ok, %d failed\n",
		r.Requests, r.Elapsed.Seconds(), r.OK, r.ErrorCount())
	fmt.Fprintf(&b, "requests/s   %.1f\n", r.RequestsPerSecond)
	fmt.Fprintf(&b, "%-12s %.1f\n", r.itemsLabel(), r.ItemsPerSecond)
	l := r.Latency
	fmt.Fprintf(&b, "latency      p50 %s  p90 %s  p99 %s  max %s\n",
		ms(l.P50), ms(l.P90), ms(l.P99), ms(l.Max))

	for _, code := range slices.Sorted(maps.Keys(r.Errors)) {
		fmt.Fprintf(&b, "error        %s: %d\n", code, r.Errors[code])
	}
	if r.NetworkErrors > 0 {
		fmt.Fprintf(&b, "network      %d errors, first: %s\n", r.NetworkErrors, r.FirstNetworkError)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (r Result) shape() string {
	s := ""
	if r.BatchSize > 0 {
		s += fmt.Sprintf(", %d per batch", r.BatchSize)
	}
	if r.Sequential {
		s += ", a new user per item"
	} else {
		s += fmt.Sprintf(", users drawn from %d", r.Users)
	}
	if r.Rate > 0 {
		s += fmt.Sprintf(", paced at %.0f/s", r.Rate)
	}
	return s
}

func (r Result) itemsLabel() string {
	if r.Mode == ModeGroup {
		return "groups/s"
	}
	return "users/s"
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000)
}
