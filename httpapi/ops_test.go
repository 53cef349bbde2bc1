package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	for _, path := range []string{"/healthz", "/readyz"} {
		if got := fmtValue(f.ok(t, http.StatusOK, "GET", path, "")); got != `{"status":"ok"}` {
			t.Errorf("%s = %s", path, got)
		}
	}

	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}
	wantError(t, f.do(t, "GET", "/readyz", "", ""), http.StatusServiceUnavailable,
		rollcall.CodeUnavailable, "store")
	f.ok(t, http.StatusOK, "GET", "/healthz", "")
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.ok(t, http.StatusOK, "POST", "/identify/batch", `[{"identifier":"m1"},{"identifier":"m2"}]`)
	f.ok(t, http.StatusOK, "GET", "/users/m1", "")

	w := f.do(t, "GET", "/metrics", "", "")
	if w.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", w.Code)
	}
	text := w.Body.String()
	for _, want := range []string{
		`rollcall_http_requests_total{method="POST",route="POST /identify/batch",status="200"} 1`,
		`rollcall_http_request_duration_seconds_count{route="GET /users/{identifier}"} 1`,
		`rollcall_identify_items_total 2`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(text, "m1") {
		t.Error("metrics contain an identifier from a path")
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *httpapi.Config) {
		c.RateLimit = 0.001
		c.RateBurst = 2
	})

	for i := range 2 {
		if w := f.do(t, "GET", "/users", f.server, ""); w.Code != http.StatusOK {
			t.Fatalf("request %d = %d, want 200 within the burst", i, w.Code)
		}
	}
	w := f.do(t, "GET", "/users", f.server, "")
	wantError(t, w, http.StatusTooManyRequests, rollcall.CodeRateLimit, "retry after 1000 seconds")
	if s, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After = %q, want whole seconds, at least 1", w.Header().Get("Retry-After"))
	}

	// Each key has its own bucket.
	if w := f.do(t, "POST", "/identify", f.browser, `{"identifier":"r"}`); w.Code != http.StatusOK {
		t.Errorf("another key was limited: %d", w.Code)
	}
}

func TestRateLimitSaysOneSecond(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *httpapi.Config) {
		c.RateLimit = 1
		c.RateBurst = 1
	})

	// At one request a second, any refusal waits at most a second. A slow
	// machine may let a request through, so try a few.
	w := f.do(t, "GET", "/users", f.server, "")
	for i := 0; i < 5 && w.Code == http.StatusOK; i++ {
		w = f.do(t, "GET", "/users", f.server, "")
	}
	wantError(t, w, http.StatusTooManyRequests, rollcall.CodeRateLimit,
		"this key sent too many requests; retry after 1 second")
	if strings.Contains(w.Body.String(), "1 seconds") {
		t.Errorf("details say %s", w.Body)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := "s3cr3t-property-value"

	w := f.do(t, "POST", "/identify/who-am-i", f.server, `{"token":"`+secret+`"}`)
	if w.Code != http.StatusOK {
		t.Fatalf("identify = %d %s", w.Code, w.Body)
	}
	id := w.Header().Get("X-Request-Id")

	logs := f.logs.String()
	for _, banned := range []string{f.server, f.server[:12], secret, "who-am-i"} {
		if strings.Contains(logs, banned) {
			t.Errorf("the log contains %q:\n%s", banned, logs)
		}
	}

	line := logLine(t, logs, id)
	want := map[string]any{"method": "POST", "route": "POST /identify/{identifier}",
		"status": float64(200), "env": "production"}
	for k, v := range want {
		if line[k] != v {
			t.Errorf("log %s = %v, want %v", k, line[k], v)
		}
	}
	for _, k := range []string{"duration_ms", "bytes"} {
		if _, ok := line[k]; !ok {
			t.Errorf("log line lacks %s: %v", k, line)
		}
	}
}

// logLine returns the request line with that request id.
func logLine(t testing.TB, logs, id string) map[string]any {
	t.Helper()
	for _, text := range strings.Split(strings.TrimSpace(logs), "\n") {
		var line map[string]any
		if err := json.Unmarshal([]byte(text), &line); err != nil {
			t.Fatalf("log line %q is not JSON: %v", text, err)
		}
		if line["request_id"] == id && line["msg"] == "request" {
			return line
		}
	}
	t.Fatalf("no request line with id %q in:\n%s", id, logs)
	return nil
}

// panicStore panics when a user is read.
type panicStore struct {
	rollcall.Store
}

func (panicStore) User(context.Context, string, string) (rollcall.User, error) {
	panic("store exploded")
}

func TestPanicAnswers500(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *httpapi.Config) {
		if c.Store != nil {
			c.Store = panicStore{c.Store}
		}
	})

	w := f.do(t, "GET", "/users/x", f.server, "")
	wantError(t, w, http.StatusInternalServerError, rollcall.CodeInternal, "Something went wrong")
	if strings.Contains(w.Body.String(), "exploded") {
		t.Errorf("the answer leaks the panic: %s", w.Body)
	}

	logs := f.logs.String()
	id := w.Header().Get("X-Request-Id")
	if !strings.Contains(logs, "store exploded") || logLine(t, logs, id)["status"] != float64(500) {
		t.Errorf("the panic was not logged with its request:\n%s", logs)
	}
}

// silentStore stands in for a database that stops answering: reading a user
// waits until the request's context ends.
type silentStore struct{ rollcall.Store }

func (silentStore) User(ctx context.Context, env, id string) (rollcall.User, error) {
	<-ctx.Done()
	return rollcall.User{}, ctx.Err()
}

func TestRequestTimeoutEndsAWaitOnASilentStore(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *httpapi.Config) {
		c.RequestTimeout = 50 * time.Millisecond
		if c.Store != nil {
			c.Store = silentStore{c.Store}
		}
	})

	// Without a deadline the request would wait forever and the test would
	// hang until go test's own timeout.
	wantError(t, f.do(t, "GET", "/users/someone", f.server, ""),
		http.StatusInternalServerError, rollcall.CodeInternal, "")
}
