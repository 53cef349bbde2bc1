package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
	"github.com/rollcall/rollcall/sqlite"
)

// server is a real rollcall API over a fresh SQLite file.
type server struct {
	URL      string
	Key      string
	Store    *sqlite.Store
	Requests atomic.Int32
}

// newServer starts the API on a temporary store, with a server key for
// env "test".
func newServer(t testing.TB) *server {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	secret, key, err := rollcall.NewKey("test", rollcall.KeyServer, nil)
	if err != nil {
		t.Fatalf("new key: %v", err)
	}
	if err := st.CreateKey(context.Background(), key); err != nil {
		t.Fatalf("create key: %v", err)
	}

	s := &server{Key: secret, Store: st}
	api := httpapi.New(httpapi.Config{Store: st, Limits: rollcall.DefaultLimits()})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Requests.Add(1)
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}
