package e2e_test

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/headless"
)

// TestBrowserClient runs the published browser client, bundled with
// esbuild, in headless Chromium on a page whose origin differs from
// rollcall's, so that the browser itself applies CORS: a preflight for the
// x-api-key header, then the identify, with browser keys made by the real
// keys create command.
func TestBrowserClient(t *testing.T) {
	headless.Require(t)
	page := servePage(t, bundleBrowserClient(t))
	db := tempDB(t)
	s := browserScenario{
		server:  createKey(t, db, "production", "server"),
		allowed: createBrowserKey(t, db, "production", page.URL),
		refused: createBrowserKey(t, db, "production", "http://example.invalid"),
	}
	s.p = startRollcall(t, db)
	s.ctx, s.console = startBrowser(t)
	openPage(t, s.ctx, s.console, page.URL+"/")

	t.Run("identify from an allowed origin", s.identify)
	t.Run("second identify merges", s.merge)
	t.Run("the browser sent a preflight", s.preflight)
	t.Run("an error from an allowed origin is readable", s.readableError)
	t.Run("a key for another origin is refused", s.refusedOrigin)
}

// browserScenario is one browser tab on the test page and the rollcall
// process it calls.
type browserScenario struct {
	server, allowed, refused string

	p       *process
	ctx     context.Context
	console *consoleLog
}

// call makes one call with key through the page and returns its outcome
// with what the console got meanwhile.
func (s browserScenario) call(t testing.TB, key, method, payload string) (
	clientOutcome, []string) {
	t.Helper()
	return browserCall(t, s.ctx, s.console, s.p.url, key, method, payload)
}

// read fetches path from Go with the server key.
func (s browserScenario) read(t testing.TB, path string) map[string]any {
	t.Helper()
	return decode(t, mustCall(t, 200, "GET", s.p.url+path, s.server, ""))
}

func (s browserScenario) identify(t *testing.T) {
	o, console := s.call(t, s.allowed, "identifyUser", `{"identifier": "web/ada",
		"properties": {"plan": "free", "seats": 3, "beta": true, "manager": null},
		"groups": [{"identifier": "web-acme", "properties": {"tier": "gold"}}]}`)
	wantOK(t, o)
	wantQuietConsole(t, console)

	user := s.read(t, "/users/web%2Fada")
	if !reflect.DeepEqual(user["groups"], []any{"web-acme"}) {
		t.Errorf("groups = %v, want [web-acme]", user["groups"])
	}
	group := s.read(t, "/groups/web-acme")
	if group["memberCount"] != 1.0 ||
		!reflect.DeepEqual(group["properties"], jsonValue(t, `{"tier": "gold"}`)) {
		t.Errorf("group = %v, want tier gold and one member", group)
	}
}

func (s browserScenario) merge(t *testing.T) {
	o, console := s.call(t, s.allowed, "identifyUser", `{"identifier": "web/ada",
		"properties": {"plan": "pro", "city": "Oslo"}}`)
	wantOK(t, o)
	wantQuietConsole(t, console)

	user := s.read(t, "/users/web%2Fada")
	want := jsonValue(t, `{"plan": "pro", "seats": 3, "beta": true, "manager": null,
		"city": "Oslo"}`)
	if !reflect.DeepEqual(user["properties"], want) {
		t.Errorf("properties after merge = %v, want %v", user["properties"], want)
	}
	if !reflect.DeepEqual(user["groups"], []any{"web-acme"}) {
		t.Errorf("groups after merge = %v, want [web-acme]", user["groups"])
	}
}

// preflight checks from rollcall's request log that the browser asked
// before it posted: proof that the calls above crossed origins for real.
func (s browserScenario) preflight(t *testing.T) {
	var options, posts int
	count := func(lines []requestLine) bool {
		options, posts = 0, 0
		for _, l := range lines {
			switch {
			case l.Method == "OPTIONS" && l.Route == "OPTIONS /identify" && l.Status == 204:
				options++
			case l.Method == "POST" && l.Route == "POST /identify" && l.Status == 200:
				posts++
			}
		}
		return options > 0 && posts >= 2
	}
	count(s.p.requestsUntil(t, count))
	if options == 0 {
		t.Errorf("rollcall logged no answered preflight for /identify")
	}
	if posts != 2 {
		t.Errorf("rollcall logged %d successful identifies, want 2", posts)
	}
}

// readableError checks that rollcall echoes an allowed origin on errors
// too, so that the client can read the status and the error body.
func (s browserScenario) readableError(t *testing.T) {
	o, _ := s.call(t, s.allowed, "identifyUser", `{"identifier": "web/bad",
		"properties": "not an object"}`)
	wantThrown(t, o, "BadRequestError", 400, "invalid_request_error")

	mustCall(t, 404, "GET", s.p.url+"/users/web%2Fbad", s.server, "")
}

// refusedOrigin uses, from the same page, a browser key that allows only
// another origin. rollcall answers 403 without echoing the origin, so the
// browser hides the answer from the page: the client sees a network
// failure, and the console says CORS blocked it.
func (s browserScenario) refusedOrigin(t *testing.T) {
	o, console := s.call(t, s.refused, "identifyUser", `{"identifier": "web/eve",
		"properties": {"plan": "stolen"}, "groups": [{"identifier": "web-evil"}]}`)
	if o.OK {
		t.Fatalf("identify with a key for another origin succeeded: %s", o.Result)
	}
	t.Logf("the page saw %s (status %d): %s\nconsole:\n%s", o.ErrorClass, o.StatusCode,
		o.Message, strings.Join(console, "\n"))

	if o.StatusCode != 0 {
		t.Errorf("the page read status %d; a refused origin must not get a readable answer",
			o.StatusCode)
	}
	if !strings.Contains(strings.Join(console, "\n"), "CORS policy") {
		t.Errorf("the console does not report a CORS refusal:\n%s", strings.Join(console, "\n"))
	}
	if !s.refusedByServer(t) {
		t.Errorf("rollcall logged no 403 for POST /identify")
	}

	mustCall(t, 404, "GET", s.p.url+"/users/web%2Feve", s.server, "")
	mustCall(t, 404, "GET", s.p.url+"/groups/web-evil", s.server, "")
}

// refusedByServer reports whether rollcall answered an identify with 403,
// so that the page's failure is the server's refusal, not a lost request.
func (s browserScenario) refusedByServer(t testing.TB) bool {
	t.Helper()

	refused := func(lines []requestLine) bool {
		return slices.ContainsFunc(lines, func(l requestLine) bool {
			return l.Route == "POST /identify" && l.Status == 403
		})
	}
	return refused(s.p.requestsUntil(t, refused))
}

// wantQuietConsole fails the test if the browser or the page reported an
// error or a warning during a call that should succeed.
func wantQuietConsole(t testing.TB, entries []string) {
	t.Helper()

	noisy := []string{"console.error", "console.warn", "browser error", "browser warning"}
	for _, e := range entries {
		if slices.ContainsFunc(noisy, func(p string) bool { return strings.HasPrefix(e, p) }) {
			t.Errorf("the console reported a problem:\n%s", strings.Join(entries, "\n"))
			return
		}
	}
}
