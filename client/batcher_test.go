package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/rollcall/rollcall/client"
)

// TestBatcherReportsAQueueFailureOnce fills the only send slot, then adds
// with a cancelled context: Add returns the failure, and Flush and Close,
// which have nothing else to report, must not return it again.
func TestBatcherReportsAQueueFailureOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	release := make(chan struct{})
	// A stand-in server that holds each request until release closes.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
		w.Write([]byte(`{"count":1}`))
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})

	var notified atomic.Int32
	b := client.New(srv.URL, "k").NewBatcher(client.BatcherConfig{
		Size: 1, Concurrency: 1,
		OnError: func([]client.UserIdentify, error) { notified.Add(1) },
	})
	if err := b.Add(ctx, client.UserIdentify{Identifier: "held"}); err != nil {
		t.Fatalf("Add: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	err := b.Add(cancelled, client.UserIdentify{Identifier: "dropped"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Add with a cancelled context = %v, want context.Canceled", err)
	}

	close(release)
	if err := b.Flush(ctx); err != nil {
		t.Errorf("Flush = %v, want nil: Add already reported its failure", err)
	}
	if err := b.Close(ctx); err != nil {
		t.Errorf("Close = %v, want nil", err)
	}
	if n := notified.Load(); n != 1 {
		t.Errorf("OnError called %d times, want once", n)
	}
}
