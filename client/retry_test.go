package client_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/client"
)

// flaky serves answers[i] to the i-th request, then 200 {"count":1}; it
// stands in for the server only to script failures.
func flaky(t testing.TB, calls *atomic.Int32, answers ...func(http.ResponseWriter)) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1)) - 1
		if n < len(answers) {
			answers[n](w)
			return
		}
		w.Write([]byte(`{"count":1}`))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func status(code int, retryAfter string) func(http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		w.WriteHeader(code)
		w.Write([]byte(`{"code":"x_error","details":"scripted failure."}`))
	}
}

func fast(attempts int) []client.Option {
	return []client.Option{client.WithRetries(attempts), client.WithBackoff(time.Millisecond, 5*time.Millisecond)}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	user := client.UserIdentify{Identifier: "u1"}

	t.Run("429 and 503 are retried until success", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		srv := flaky(t, &calls, status(429, ""), status(503, ""), status(500, ""))
		if err := client.New(srv.URL, "k", fast(5)...).Identify(ctx, user); err != nil {
			t.Fatalf("Identify: %v", err)
		}
		if got := calls.Load(); got != 4 {
			t.Errorf("server saw %d requests, want 4", got)
		}
	})

	t.Run("400 is never retried and carries code and details", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		srv := flaky(t, &calls, status(400, ""))
		err := client.New(srv.URL, "k", fast(5)...).Identify(ctx, user)
		var e *client.Error
		if !errors.As(err, &e) || e.Status != 400 || e.Code != "x_error" || e.Details != "scripted failure." {
			t.Fatalf("err = %#v, want the scripted 400", err)
		}
		if got := calls.Load(); got != 1 {
			t.Errorf("server saw %d requests, want 1", got)
		}
	})

	t.Run("attempts are bounded", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		srv := flaky(t, &calls, status(503, ""), status(503, ""), status(503, ""), status(503, ""))
		err := client.New(srv.URL, "k", fast(3)...).Identify(ctx, user)
		var e *client.Error
		if !errors.As(err, &e) || e.Status != 503 {
			t.Fatalf("err = %v, want the last 503", err)
		}
		if got := calls.Load(); got != 3 {
			t.Errorf("server saw %d requests, want 3", got)
		}
	})

	t.Run("Retry-After is honoured", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		srv := flaky(t, &calls, status(429, "1"))
		// The backoff alone would retry within 5ms; a context shorter than
		// Retry-After's second must therefore end the wait.
		short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		err := client.New(srv.URL, "k", fast(5)...).Identify(short, user)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("err = %v, want the deadline while waiting out Retry-After", err)
		}
		if got := calls.Load(); got != 1 {
			t.Errorf("server saw %d requests, want 1", got)
		}
	})

	t.Run("connection refused is retried then reported", func(t *testing.T) {
		t.Parallel()
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()

		err = client.New("http://"+addr, "k", fast(3)...).Identify(ctx, user)
		var e *client.Error
		if err == nil || errors.As(err, &e) {
			t.Fatalf("err = %v, want a network error", err)
		}
		var opErr *net.OpError
		if !errors.As(err, &opErr) {
			t.Errorf("err = %v, want a *net.OpError in the chain", err)
		}
	})

	t.Run("a proxy's non-JSON 502 still becomes an Error", func(t *testing.T) {
		t.Parallel()
		var calls atomic.Int32
		bad := func(w http.ResponseWriter) { w.WriteHeader(502); w.Write([]byte("<html>bad gateway")) }
		srv := flaky(t, &calls, bad, bad)
		err := client.New(srv.URL, "k", fast(2)...).Identify(ctx, user)
		var e *client.Error
		if !errors.As(err, &e) || e.Status != 502 || e.Code != rollcall.CodeInternal {
			t.Fatalf("err = %#v, want a 502 internal_server_error", err)
		}
	})
}
