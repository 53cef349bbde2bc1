package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/syncbuf"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
	"github.com/rollcall/rollcall/sqlite"
)

// fixture is an API over a fresh SQLite file, with a server and a browser
// key for the "production" environment.
type fixture struct {
	api     *httpapi.API
	store   *sqlite.Store
	logs    *syncbuf.Buffer
	server  string
	browser string
}

// newFixture builds a fixture. Each configure runs twice: before the store
// is opened, so that the store enforces the limits it sets, and after, with
// cfg.Store set, so that it may wrap the store.
func newFixture(t testing.TB, configure ...func(*httpapi.Config)) *fixture {
	t.Helper()
	logs := &syncbuf.Buffer{}
	cfg := httpapi.Config{
		Limits: rollcall.DefaultLimits(),
		Logger: slog.New(slog.NewJSONHandler(logs, nil)),
	}
	for _, c := range configure {
		c(&cfg)
	}

	store, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), cfg.Limits)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })
	cfg.Store = store
	for _, c := range configure {
		c(&cfg)
	}

	f := &fixture{api: httpapi.New(cfg), store: store, logs: logs}
	f.server = f.newKey(t, "production", rollcall.KeyServer)
	f.browser = f.newKey(t, "production", rollcall.KeyBrowser)
	return f
}

// newKey stores a new key and returns its secret.
func (f *fixture) newKey(t testing.TB, env string, kind rollcall.KeyKind, origins ...string) string {
	t.Helper()
	secret, key, err := rollcall.NewKey(env, kind, origins)
	if err != nil {
		t.Fatalf("new key: %v", err)
	}
	if err := f.store.CreateKey(context.Background(), key); err != nil {
		t.Fatalf("create key: %v", err)
	}
	return secret
}

// do sends a request with the key in x-api-key (none when key is empty) and
// extra headers given as name, value pairs.
func (f *fixture) do(t testing.TB, method, target, key, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	if key != "" {
		r.Header.Set("x-api-key", key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Set(headers[i], headers[i+1])
	}
	w := httptest.NewRecorder()
	f.api.ServeHTTP(w, r)
	return w
}

// ok sends a request and fails unless it answers want.
func (f *fixture) ok(t testing.TB, want int, method, target, body string) map[string]any {
	t.Helper()
	w := f.do(t, method, target, f.server, body)
	if w.Code != want {
		t.Fatalf("%s %s = %d %s, want %d", method, target, w.Code, w.Body, want)
	}
	if want == http.StatusNoContent {
		return nil
	}
	return jsonOf(t, w)
}

// jsonOf decodes a JSON object answer, numbers kept exact.
func jsonOf(t testing.TB, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type = %q, want application/json; body %s", ct, w.Body)
	}
	dec := json.NewDecoder(bytes.NewReader(w.Body.Bytes()))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("answer %q is not a JSON object: %v", w.Body, err)
	}
	return v
}

// wantError checks an error answer's status, code and that its details
// contain detail.
func wantError(t testing.TB, w *httptest.ResponseRecorder, status int, code rollcall.Code, detail string) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("status = %d %s, want %d", w.Code, w.Body, status)
	}
	body := jsonOf(t, w)
	if body["code"] != string(code) {
		t.Errorf("code = %v, want %s", body["code"], code)
	}
	details, _ := body["details"].(string)
	if details == "" || !strings.Contains(details, detail) {
		t.Errorf("details = %q, want them to contain %q", details, detail)
	}
	if len(body) != 2 {
		t.Errorf("error body %s has fields other than code and details", w.Body)
	}
}

var _ io.Writer = (*syncbuf.Buffer)(nil)
