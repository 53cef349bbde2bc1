package loadgen_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
	"github.com/rollcall/rollcall/loadgen"
	"github.com/rollcall/rollcall/sqlite"
)

const env = "test"

// server is a real rollcall API over a SQLite file of its own.
type server struct {
	url   string
	key   string
	store *sqlite.Store
}

func newServer(t testing.TB) server {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })

	secret, key, err := rollcall.NewKey(env, rollcall.KeyServer, nil)
	if err != nil {
		t.Fatalf("new key: %v", err)
	}
	if err := st.CreateKey(context.Background(), key); err != nil {
		t.Fatalf("create key: %v", err)
	}

	srv := httptest.NewServer(httpapi.New(httpapi.Config{Store: st, Limits: rollcall.DefaultLimits()}))
	t.Cleanup(srv.Close)
	return server{url: srv.URL, key: secret, store: st}
}

// config returns a small run against s; callers set the mode and counts.
func (s server) config(mode loadgen.Mode, requests int64) loadgen.Config {
	return loadgen.Config{
		URL: s.url, Key: s.key, Mode: mode, Requests: requests,
		Concurrency: 8, Seed: 42,
	}
}

func run(t testing.TB, cfg loadgen.Config) loadgen.Result {
	t.Helper()
	res, err := loadgen.Run(context.Background(), cfg)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res
}

// seed stores users PREFIX0 to PREFIX(n-1) through the batch endpoint.
func (s server) seed(t testing.TB, n int64) {
	t.Helper()
	cfg := s.config(loadgen.ModeBatch, n/10)
	cfg.BatchSize, cfg.Sequential = 10, true
	res := run(t, cfg)
	if res.OK != n/10 || res.ErrorCount() != 0 {
		t.Fatalf("seed: %d ok, errors %v %d", res.OK, res.Errors, res.NetworkErrors)
	}
}

func (s server) userIDs(t testing.TB) []string {
	t.Helper()
	var ids []string
	q := rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 1000}}
	for {
		page, err := s.store.Users(context.Background(), env, q)
		if err != nil {
			t.Fatalf("list users: %v", err)
		}
		for _, u := range page.Users {
			ids = append(ids, u.Identifier)
		}
		if page.NextCursor == "" {
			return ids
		}
		q.Cursor = page.NextCursor
	}
}

func checkClean(t testing.TB, res loadgen.Result, requests, items int64) {
	t.Helper()
	if res.Requests != requests || res.OK != requests || res.Items != items {
		t.Errorf("requests %d, ok %d, items %d; want %d, %d, %d",
			res.Requests, res.OK, res.Items, requests, requests, items)
	}
	if res.ErrorCount() != 0 {
		t.Errorf("errors %v, network %d (%s); want none", res.Errors, res.NetworkErrors,
			res.FirstNetworkError)
	}
}

func TestRunWrites(t *testing.T) {
	t.Parallel()

	t.Run("identify draws from the users given", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		cfg := s.config(loadgen.ModeIdentify, 200)
		cfg.Users = 50
		checkClean(t, run(t, cfg), 200, 200)

		ids := s.userIDs(t)
		if len(ids) == 0 || len(ids) > 50 {
			t.Errorf("store holds %d users, want 1 to 50", len(ids))
		}
		u, err := s.store.User(context.Background(), env, ids[0])
		if err != nil || len(u.Properties) != loadgen.DefaultProperties {
			t.Errorf("user %s: %d properties, err %v; want %d", ids[0], len(u.Properties), err,
				loadgen.DefaultProperties)
		}
	})

	t.Run("sequential identify names a new user each time", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		cfg := s.config(loadgen.ModeIdentify, 200)
		cfg.Sequential, cfg.Prefix, cfg.Properties = true, "fresh/", 3
		checkClean(t, run(t, cfg), 200, 200)

		ids := s.userIDs(t)
		if len(ids) != 200 {
			t.Errorf("store holds %d users, want 200", len(ids))
		}
		u, err := s.store.User(context.Background(), env, "fresh/199")
		if err != nil || len(u.Properties) != 3 {
			t.Errorf("user fresh/199: %d properties, err %v; want 3", len(u.Properties), err)
		}
	})

	t.Run("batch seeds users exactly", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		cfg := s.config(loadgen.ModeBatch, 20)
		cfg.Sequential, cfg.BatchSize = true, 15
		checkClean(t, run(t, cfg), 20, 300)

		ids := s.userIDs(t)
		if len(ids) != 300 {
			t.Errorf("store holds %d users, want 300", len(ids))
		}
		for _, id := range []string{"user-0", "user-299"} {
			if _, err := s.store.User(context.Background(), env, id); err != nil {
				t.Errorf("user %s: %v", id, err)
			}
		}
	})

	t.Run("group identify", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		cfg := s.config(loadgen.ModeGroup, 100)
		cfg.Users, cfg.Prefix = 30, "g-"
		checkClean(t, run(t, cfg), 100, 100)

		page, err := s.store.Groups(context.Background(), env, rollcall.PageRequest{Limit: 1000})
		if err != nil || len(page.Groups) == 0 || len(page.Groups) > 30 {
			t.Errorf("store holds %d groups (err %v), want 1 to 30", len(page.Groups), err)
		}
		if ids := s.userIDs(t); len(ids) != 0 {
			t.Errorf("store holds %d users, want none", len(ids))
		}
	})
}

func TestRunReads(t *testing.T) {
	t.Parallel()

	t.Run("read of seeded users", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.seed(t, 50)
		cfg := s.config(loadgen.ModeRead, 200)
		cfg.Users = 50
		checkClean(t, run(t, cfg), 200, 200)
	})

	t.Run("read of missing users counts not found", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.seed(t, 50)
		cfg := s.config(loadgen.ModeRead, 200)
		cfg.Users = 100
		res := run(t, cfg)

		missing := res.Errors[string(rollcall.CodeNotFound)]
		if res.Requests != 200 || missing == 0 || res.OK == 0 || res.OK+missing != 200 {
			t.Errorf("requests %d, ok %d, not found %d; want 200 split between both",
				res.Requests, res.OK, missing)
		}
	})

	t.Run("mixed reads and writes", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.seed(t, 50)
		cfg := s.config(loadgen.ModeMixed, 200)
		cfg.Users, cfg.ReadShare = 50, 0.5
		checkClean(t, run(t, cfg), 200, 200)
		if ids := s.userIDs(t); len(ids) != 50 {
			t.Errorf("store holds %d users, want the 50 seeded", len(ids))
		}
	})
}

func TestRunFailures(t *testing.T) {
	t.Parallel()

	t.Run("wrong key counts unauthorized", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		cfg := s.config(loadgen.ModeIdentify, 200)
		cfg.Key = "rcs_" + strings.Repeat("x", 40)
		res := run(t, cfg)

		if got := res.Errors[string(rollcall.CodeUnauthorized)]; got != 200 || res.OK != 0 {
			t.Errorf("unauthorized %d, ok %d, errors %v; want 200 and 0", got, res.OK, res.Errors)
		}
		if ids := s.userIDs(t); len(ids) != 0 {
			t.Errorf("store holds %d users, want none", len(ids))
		}
	})

	t.Run("no server counts network errors", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(nil)
		srv.Close()
		res := run(t, loadgen.Config{URL: srv.URL, Key: "k", Requests: 20, Concurrency: 4})

		if res.NetworkErrors != 20 || res.FirstNetworkError == "" || len(res.Errors) != 0 {
			t.Errorf("network errors %d (%q), answers %v; want 20 network errors",
				res.NetworkErrors, res.FirstNetworkError, res.Errors)
		}
	})

	t.Run("bad config", func(t *testing.T) {
		t.Parallel()
		bad := []loadgen.Config{
			{Key: "k"},
			{URL: "http://127.0.0.1:1", Mode: "write"},
			{URL: "http://127.0.0.1:1", ReadShare: 2},
			{URL: "http://127.0.0.1:1", Requests: -1},
		}
		for _, cfg := range bad {
			if _, err := loadgen.Run(context.Background(), cfg); err == nil {
				t.Errorf("Run(%+v) succeeded, want an error", cfg)
			}
		}
	})
}

func TestRunPaced(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cfg := s.config(loadgen.ModeIdentify, 60)
	cfg.Rate, cfg.Sequential = 3000, true
	res := run(t, cfg)

	checkClean(t, res, 60, 60)
	if ids := s.userIDs(t); len(ids) != 60 {
		t.Errorf("store holds %d users, want 60", len(ids))
	}
}

func TestResultOutput(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	cfg := s.config(loadgen.ModeBatch, 4)
	cfg.BatchSize = 5
	res := run(t, cfg)

	var text bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		t.Fatalf("write text: %v", err)
	}
	for _, want := range []string{"requests     4 in", "users/s", "p99", "5 per batch"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, text.String())
		}
	}

	var decoded map[string]any
	raw, err := json.Marshal(res)
	if err != nil || json.Unmarshal(raw, &decoded) != nil {
		t.Fatalf("JSON round trip failed: %v\n%s", err, raw)
	}
	if decoded["items"] != float64(20) || decoded["latency"].(map[string]any)["p99Ms"] == nil {
		t.Errorf("JSON = %s; want items 20 and latency.p99Ms", raw)
	}
}
