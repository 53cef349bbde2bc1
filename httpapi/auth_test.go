package httpapi_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	revoked := f.newKey(t, "production", rollcall.KeyServer)
	prefix, _ := rollcall.SecretPrefix(revoked)
	if err := f.store.RevokeKey(context.Background(), prefix); err != nil {
		t.Fatal(err)
	}
	unknown := "rcs_" + strings.Repeat("A", 40)
	wrongSecret := f.server[:len(f.server)-1] + flip(f.server[len(f.server)-1])
	basic := func(user, pass string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}

	cases := []struct {
		name, header, value, path string
		status                    int
		detail                    string
	}{
		{"x-api-key", "x-api-key", f.server, "/users", 200, ""},
		{"bearer", "Authorization", "Bearer " + f.server, "/users", 200, ""},
		{"bearer lower case", "Authorization", "bearer " + f.server, "/users", 200, ""},
		{"basic user name", "Authorization", basic(f.server, ""), "/users", 200, ""},
		{"basic password", "Authorization", basic("", f.server), "/users", 200, ""},
		{"missing", "", "", "/users", 401, "no API key"},
		{"malformed", "x-api-key", "hello", "/users", 401, "malformed"},
		{"unknown", "x-api-key", unknown, "/users", 401, "not known"},
		{"wrong secret for a prefix", "x-api-key", wrongSecret, "/users", 401, "not known"},
		{"revoked", "x-api-key", revoked, "/users", 401, "revoked"},
		{"other scheme", "Authorization", "Digest abc", "/users", 401, "Bearer"},
		{"browser key reads", "x-api-key", f.browser, "/users", 403, "browser keys"},
		{"browser key deletes", "x-api-key", f.browser, "/users/x", 403, "browser keys"},
		{"missing on identify", "", "", "/identify", 401, "no API key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			method := "GET"
			if c.path == "/users/x" {
				method = "DELETE"
			} else if c.path == "/identify" {
				method = "POST"
			}
			w := f.do(t, method, c.path, "", `{"identifier":"u"}`, c.header, c.value)
			if c.status == 200 {
				if w.Code != 200 {
					t.Fatalf("status = %d %s, want 200", w.Code, w.Body)
				}
				return
			}
			code := rollcall.CodeUnauthorized
			if c.status == 403 {
				code = rollcall.CodeForbidden
			}
			wantError(t, w, c.status, code, c.detail)
			if c.value != "" && strings.Contains(w.Body.String(), c.value) {
				t.Errorf("the answer echoes the key: %s", w.Body)
			}
		})
	}
}

func flip(c byte) string {
	if c == 'a' {
		return "b"
	}
	return "a"
}

func TestSeveralKeysAreRefused(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	other := f.newKey(t, "production", rollcall.KeyServer)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(other+":"))

	cases := []struct {
		name    string
		headers [][2]string
		ok      bool
	}{
		{"two x-api-key", [][2]string{{"X-Api-Key", f.server}, {"X-Api-Key", other}}, false},
		{"the same x-api-key twice", [][2]string{{"X-Api-Key", f.server}, {"X-Api-Key", f.server}},
			false},
		{"x-api-key and another bearer",
			[][2]string{{"X-Api-Key", f.server}, {"Authorization", "Bearer " + other}}, false},
		{"x-api-key and another basic", [][2]string{{"X-Api-Key", f.server}, {"Authorization", basic}},
			false},
		{"two authorization", [][2]string{{"Authorization", "Bearer " + f.server},
			{"Authorization", "Bearer " + f.server}}, false},
		{"x-api-key and the same bearer",
			[][2]string{{"X-Api-Key", f.server}, {"Authorization", "Bearer " + f.server}}, true},
		{"basic with a key in each half", [][2]string{{"Authorization", "Basic " +
			base64.StdEncoding.EncodeToString([]byte(f.server+":"+other))}}, false},
		{"x-api-key and basic with a key in each half", [][2]string{{"X-Api-Key", f.server},
			{"Authorization", "Basic " +
				base64.StdEncoding.EncodeToString([]byte(f.server+":"+other))}}, false},
		{"basic with the same key in both halves", [][2]string{{"Authorization", "Basic " +
			base64.StdEncoding.EncodeToString([]byte(f.server+":"+f.server))}}, true},
		{"x-api-key and a proxy's basic", [][2]string{{"X-Api-Key", f.server},
			{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte("ops:pw"))}}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/users", nil)
			for _, h := range c.headers {
				r.Header.Add(h[0], h[1])
			}
			w := httptest.NewRecorder()
			f.api.ServeHTTP(w, r)
			if c.ok {
				if w.Code != http.StatusOK {
					t.Fatalf("status = %d %s, want 200", w.Code, w.Body)
				}
				return
			}
			wantError(t, w, http.StatusUnauthorized, rollcall.CodeUnauthorized,
				"send one API key, not several")
		})
	}
}

func TestBrowserKeyWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	w := f.do(t, "POST", "/identify", f.browser, `{"identifier":"b1","properties":{"x":1}}`)
	if w.Code != http.StatusOK || jsonOf(t, w)["count"] == nil {
		t.Fatalf("browser identify = %d %s", w.Code, w.Body)
	}
	checkRead(t, f, "/users/b1", "properties", `{"x":1}`)
}

func TestEnvironmentsAreIsolated(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dev := f.newKey(t, "development", rollcall.KeyServer)

	f.ok(t, http.StatusOK, "POST", "/identify", `{"identifier":"p1","groups":[{"identifier":"pg"}]}`)
	for _, path := range []string{"/users/p1", "/groups/pg", "/groups/pg/users"} {
		wantError(t, f.do(t, "GET", path, dev, ""), http.StatusNotFound, rollcall.CodeNotFound, "")
	}
	wantError(t, f.do(t, "DELETE", "/users/p1", dev, ""), http.StatusNotFound, rollcall.CodeNotFound, "")

	w := f.do(t, "GET", "/users", dev, "")
	if got := fmtValue(jsonOf(t, w)["users"]); got != "[]" {
		t.Errorf("development lists production's users: %s", got)
	}
	checkRead(t, f, "/users/p1", "identifier", `"p1"`)
}

func TestBrowserOrigins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	limited := f.newKey(t, "production", rollcall.KeyBrowser, "https://app.example.com")
	body := `{"identifier":"o1"}`

	cases := []struct {
		name, key, origin string
		status            int
		echo              bool
	}{
		{"allowed origin", limited, "https://app.example.com", 200, true},
		{"allowed origin other case", limited, "https://APP.example.com", 200, true},
		{"origin not on the list", limited, "https://evil.example", 403, false},
		{"no origin header", limited, "", 200, false},
		{"key without a list", f.browser, "https://any.example", 200, true},
		{"server key ignores origins", f.server, "https://any.example", 200, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var w = f.do(t, "POST", "/identify", c.key, body)
			if c.origin != "" {
				w = f.do(t, "POST", "/identify", c.key, body, "Origin", c.origin)
			}
			if w.Code != c.status {
				t.Fatalf("status = %d %s, want %d", w.Code, w.Body, c.status)
			}
			if c.status == 403 {
				wantError(t, w, 403, rollcall.CodeForbidden, "allowed origins")
			}
			got := w.Header().Get("Access-Control-Allow-Origin")
			if c.echo && got != c.origin || !c.echo && got != "" {
				t.Errorf("Access-Control-Allow-Origin = %q (echo wanted: %v)", got, c.echo)
			}
		})
	}
}

func TestErrorsEchoOrigin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	w := f.do(t, "POST", "/identify", "", `{}`, "Origin", "https://site.example")
	wantError(t, w, http.StatusUnauthorized, rollcall.CodeUnauthorized, "no API key")
	if got := w.Header().Get("Access-Control-Allow-Origin"); got != "https://site.example" {
		t.Errorf("a 401 does not echo the origin (%q), so a browser cannot read it", got)
	}
	if got := w.Header().Get("Access-Control-Expose-Headers"); !strings.Contains(got, "X-Request-Id") {
		t.Errorf("Access-Control-Expose-Headers = %q, want X-Request-Id among them", got)
	}
	if got := w.Header().Get("Vary"); got != "Origin" {
		t.Errorf("Vary = %q, want Origin", got)
	}
}

func TestPreflight(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	paths := []string{"/identify", "/identify/u%2F1", "/identify/batch", "/identify/bulk",
		"/identify/group", "/identify/segment"}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			w := f.do(t, "OPTIONS", path, "", "", "Origin", "https://x.example",
				"Access-Control-Request-Method", "POST",
				"Access-Control-Request-Headers", "Content-Type, X-Dopt-Client, bad header")
			if w.Code != http.StatusNoContent {
				t.Fatalf("status = %d, want 204", w.Code)
			}
			want := map[string]string{
				"Access-Control-Allow-Origin":  "https://x.example",
				"Access-Control-Allow-Methods": "POST, OPTIONS",
				"Access-Control-Allow-Headers": "x-api-key, content-type, authorization, x-dopt-client",
				"Access-Control-Max-Age":       "7200",
				"Vary":                         "Origin",
			}
			for name, value := range want {
				if got := w.Header().Get(name); got != value {
					t.Errorf("%s = %q, want %q", name, got, value)
				}
			}
		})
	}
}

func TestKeyCache(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		ttl    time.Duration
		status int
	}{
		{"no cache sees a revocation at once", 0, http.StatusUnauthorized},
		{"a cached key outlives its revocation until the TTL", time.Hour, http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, func(cfg *httpapi.Config) { cfg.KeyCacheTTL = c.ttl })

			f.ok(t, http.StatusOK, "GET", "/users", "")
			prefix, _ := rollcall.SecretPrefix(f.server)
			if err := f.store.RevokeKey(context.Background(), prefix); err != nil {
				t.Fatal(err)
			}
			if w := f.do(t, "GET", "/users", f.server, ""); w.Code != c.status {
				t.Errorf("after revocation: status = %d, want %d", w.Code, c.status)
			}
		})
	}
}
