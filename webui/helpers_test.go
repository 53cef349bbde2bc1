package webui_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/cli"
	"github.com/rollcall/rollcall/sqlite"
	"github.com/rollcall/rollcall/storetest"
	"github.com/rollcall/rollcall/webui"
)

// fixture is the web pages over a real SQLite store, served over HTTP.
type fixture struct {
	store rollcall.Store
	// url is the server's base URL, without a trailing slash.
	url string
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	return newLoggingFixture(t, t.Output())
}

// newLoggingFixture is newFixture with the pages' log in JSON lines to w.
func newLoggingFixture(t testing.TB, w io.Writer) *fixture {
	t.Helper()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { store.Close() })

	logger := slog.New(slog.NewJSONHandler(w, nil))
	srv := httptest.NewServer(webui.New(webui.Config{Store: store, Logger: logger}))
	t.Cleanup(srv.Close)
	return &fixture{store: store, url: srv.URL}
}

// newServerFixture boots the whole rollcall server, API and pages, as
// "rollcall serve" does, on a free loopback port over a new SQLite file.
func newServerFixture(t testing.TB) *fixture {
	t.Helper()
	args := []string{"--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "t.db")}
	cfg, err := cli.ParseServeConfig(args, cli.Env{})
	if err != nil {
		t.Fatalf("serve config: %v", err)
	}
	srv := cli.NewServer(cfg, io.Discard, slog.New(slog.NewTextHandler(t.Output(), nil)))
	ctx, cancel := context.WithCancel(context.Background())
	if err := srv.Open(ctx); err != nil {
		cancel()
		t.Fatalf("open server: %v", err)
	}

	served := make(chan error, 1)
	go func() { served <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("run server: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Errorf("close server: %v", err)
		}
	})
	return &fixture{store: srv.Store(), url: srv.URL()}
}

// createKey stores a new key and returns its secret.
func (f *fixture) createKey(t testing.TB, env string, kind rollcall.KeyKind) string {
	t.Helper()
	secret, key, err := rollcall.NewKey(env, kind, nil)
	if err != nil {
		t.Fatalf("new key: %v", err)
	}
	if err := f.store.CreateKey(context.Background(), key); err != nil {
		t.Fatalf("create key: %v", err)
	}
	return secret
}

// addUser upserts a user with properties and groups.
func (f *fixture) addUser(t testing.TB, env, id, js string, groups ...string) {
	t.Helper()
	item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: id, Properties: storetest.Props(t, js)}
	for _, g := range groups {
		item.Groups = append(item.Groups, rollcall.GroupIdentify{
			Identifier: g, Properties: storetest.Props(t, `{"name": "Team `+g+`"}`)})
	}
	if err := f.store.Identify(context.Background(), env, []rollcall.Identify{item}); err != nil {
		t.Fatalf("identify %q: %v", id, err)
	}
}

// userExists reports whether the store still has the user.
func (f *fixture) userExists(t testing.TB, env, id string) bool {
	t.Helper()
	_, err := f.store.User(context.Background(), env, id)
	if rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		return false
	}
	if err != nil {
		t.Fatalf("read user %q: %v", id, err)
	}
	return true
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects, so that tests see them.
type browser struct {
	f *fixture
	c *http.Client
}

func (f *fixture) browser(t testing.TB) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatalf("cookie jar: %v", err)
	}
	c := &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &browser{f: f, c: c}
}

// page is an answer of the web pages.
type page struct {
	status int
	header http.Header
	body   string
}

func (b *browser) do(t testing.TB, req *http.Request) page {
	t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", req.URL, err)
	}
	return page{status: resp.StatusCode, header: resp.Header, body: string(body)}
}

func (b *browser) get(t testing.TB, path string) page {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.f.url+path, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	return b.do(t, req)
}

// post sends a form; origin, when not empty, is sent as the Origin header.
func (b *browser) post(t testing.TB, path, origin string, form url.Values) page {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.f.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	return b.do(t, req)
}

// signIn posts the sign-in form as a browser would: after loading it, with
// its token, from the same origin.
func (b *browser) signIn(t testing.TB, secret string) page {
	t.Helper()
	form := b.get(t, "/ui/signin")
	return b.post(t, "/ui/signin", b.f.url, url.Values{
		"csrf": {field(t, form.body, "csrf")}, "key": {secret}, "next": {"/ui/users"}})
}

// mustSignIn signs in and fails the test unless it led to the users list.
func (b *browser) mustSignIn(t testing.TB, secret string) {
	t.Helper()
	p := b.signIn(t, secret)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/ui/users" {
		t.Fatalf("sign in: status %d, Location %q, body %s", p.status, p.header.Get("Location"), p.body)
	}
}

// session returns the session cookie the browser holds, or nil.
func (b *browser) session(t testing.TB) *http.Cookie {
	t.Helper()
	u, _ := url.Parse(b.f.url + "/ui/users")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "rollcall_session" {
			return c
		}
	}
	return nil
}

var fieldPattern = regexp.MustCompile(`name="(\w+)" value="([^"]*)"`)

// field returns the value of the first hidden field with that name.
func field(t testing.TB, body, name string) string {
	t.Helper()
	for _, m := range fieldPattern.FindAllStringSubmatch(body, -1) {
		if m[1] == name {
			return html.UnescapeString(m[2])
		}
	}
	t.Fatalf("no field %q in page:\n%s", name, body)
	return ""
}

var userLinkPattern = regexp.MustCompile(`href="(/ui/users/[^"]*)"`)

// userLinks returns the links to users' pages, unescaped from HTML.
func userLinks(body string) []string {
	var links []string
	for _, m := range userLinkPattern.FindAllStringSubmatch(body, -1) {
		links = append(links, html.UnescapeString(m[1]))
	}
	return links
}

func wantStatus(t testing.TB, p page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("status %d, want %d; body:\n%s", p.status, want, p.body)
	}
}

func wantContains(t testing.TB, p page, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(p.body, s) {
			t.Errorf("page lacks %q; body:\n%s", s, p.body)
		}
	}
}
