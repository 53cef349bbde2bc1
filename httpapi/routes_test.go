package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestRouting(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	cases := []struct {
		name, method, path, key string
		status                  int
		allow                   string
	}{
		{"unknown route without a key", "GET", "/nope", "", 404, ""},
		{"unknown route with a browser key", "GET", "/nope", "browser", 404, ""},
		{"root", "GET", "/", "server", 404, ""},
		{"trailing slash", "GET", "/users/", "server", 404, ""},
		{"double slash", "GET", "//users", "server", 404, ""},
		{"dot-dot segment", "POST", "/identify/..", "server", 404, ""},
		{"dot segment", "GET", "/users/./u", "server", 404, ""},
		{"wrong method without a key", "GET", "/identify", "", 405, "POST, OPTIONS"},
		{"wrong method on users", "PUT", "/users/u1", "server", 405, "GET, HEAD, DELETE"},
		{"wrong method on a list", "POST", "/users", "", 405, "GET, HEAD"},
		{"preflight on a read route", "OPTIONS", "/users", "", 405, "GET, HEAD"},
		{"delete on healthz", "DELETE", "/healthz", "", 405, "GET, HEAD"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			key := map[string]string{"server": f.server, "browser": f.browser}[c.key]
			w := f.do(t, c.method, c.path, key, "")
			if c.status == 404 {
				wantError(t, w, 404, rollcall.CodeNotFound, "")
			} else {
				wantError(t, w, 405, rollcall.CodeMethodNotAllowed, c.allow)
			}
			if got := w.Header().Get("Allow"); got != c.allow {
				t.Errorf("Allow = %q, want %q", got, c.allow)
			}
			if loc := w.Header().Get("Location"); loc != "" {
				t.Errorf("answered with a redirect to %q", loc)
			}
		})
	}
}

func TestSpecificRoutesWin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	// /identify/batch is the batch route, so an object body is refused
	// rather than stored as the user "batch".
	w := f.do(t, "POST", "/identify/batch", f.server, `{"identifier":"x"}`)
	wantError(t, w, http.StatusBadRequest, rollcall.CodeInvalid, "must be an array")
	checkRead(t, f, "/users/batch", "", "")

	// ServeMux unescapes segments before matching literals, so a
	// percent-encoded "batch" is still the batch route.
	w = f.do(t, "POST", "/identify/%62atch", f.server, `{"x":1}`)
	wantError(t, w, http.StatusBadRequest, rollcall.CodeInvalid, "must be an array")
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	a := f.do(t, "GET", "/healthz", "", "").Header().Get("X-Request-Id")
	b := f.do(t, "GET", "/nope", "", "").Header().Get("X-Request-Id")
	if len(a) != 16 || len(b) != 16 || a == b {
		t.Errorf("request ids %q and %q are not two distinct 16-character ids", a, b)
	}
}
