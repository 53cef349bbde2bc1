package webui_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/headless"
)

// ada is the user the browser test finds, checks and deletes; the slash
// checks that identifiers travel escaped.
const ada = "acme/ada-lovelace"

// session is one browser session against the pages of a fixture.
type session struct {
	ctx   context.Context
	f     *fixture
	shots string
	users string
}

// TestBrowser drives the pages in headless Chromium as a person would:
// sign in, search, open a user, check that a hostile value stays text,
// delete through the dialog and through the page without scripts.
func TestBrowser(t *testing.T) {
	f := newServerFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	seedPeople(t, f)
	identifyOverAPI(t, f.url, secret, `{"identifier": "`+ada+`", "properties": {
		"email": "ada@acme.example", "name": "Ada Lovelace", "plan": "enterprise", "seats": 250,
		"beta": true, "manager": null, "roles": ["admin", "billing"],
		"address": {"city": "London", "country": "GB"}, "bio": "`+xss+`"},
		"groups": [{"identifier": "acme"}, {"identifier": "analytics-guild"}]}`)

	ctx, dialogs := newBrowser(t)
	s := &session{ctx: ctx, f: f, shots: artifactsDir(t), users: f.url + "/ui/users"}
	t.Run("sign in", func(t *testing.T) { s.signIn(t, secret) })
	t.Run("find and open a user", s.findUser)
	t.Run("cancel the dialog", s.cancelDialog)
	t.Run("delete through the dialog", s.deleteInDialog)
	t.Run("delete through the confirmation page", s.deleteOnPage)
	t.Run("groups", s.groups)
	t.Run("phone", s.phone)

	if n := dialogs(); n != 0 {
		t.Errorf("%d JavaScript dialogs opened", n)
	}
	t.Logf("screenshots in %s", s.shots)
}

func (s *session) signIn(t *testing.T, secret string) {
	ctx := s.ctx
	run(t, ctx, chromedp.EmulateViewport(1280, 720), chromedp.Navigate(s.users),
		chromedp.WaitVisible(chromedp.CSS("#key")))
	screenshot(t, ctx, filepath.Join(s.shots, "sign-in.png"))
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#key"), secret),
		chromedp.Click(chromedp.CSS("form button.primary")),
		chromedp.WaitVisible(chromedp.CSS("table.list")))

	wantText(t, ctx, "header", "production")
	background := value[string](t, ctx, `getComputedStyle(document.body).backgroundColor`)
	if background != "rgb(246, 247, 249)" {
		t.Errorf("the style sheet did not apply: body background %q", background)
	}
	screenshot(t, ctx, filepath.Join(s.shots, "users-list.png"))
	if os.Getenv("ROLLCALL_UPDATE_DOCS") != "" {
		screenshot(t, ctx, filepath.Join("..", "docs", "users-page.png"))
	}
}

func (s *session) findUser(t *testing.T) {
	ctx := s.ctx
	// The unfiltered list already links ada, so the wait is for the search
	// page itself: only the server puts the term into the value attribute.
	run(t, ctx, chromedp.SendKeys(chromedp.CSS("#q"), "ADA@acme"),
		chromedp.Submit(chromedp.CSS("#q")),
		chromedp.WaitVisible(chromedp.CSS(`#q[value="ADA@acme"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/ui/users/`+url.PathEscape(ada)+`"]`)))
	if n := value[int](t, ctx, `document.querySelectorAll("table.list tbody tr").length`); n != 1 {
		t.Errorf("search lists %d users, want 1", n)
	}

	run(t, ctx, chromedp.Click(chromedp.CSS("table.list a.id")),
		chromedp.WaitVisible(chromedp.CSS("table.props")))
	wantText(t, ctx, "h1", ada)
	wantText(t, ctx, "table.props", xss, "ada@acme.example", "enterprise", "250", "London",
		"object", "array", "boolean", "null", "number")
	wantText(t, ctx, ".chips", "acme", "analytics-guild")
	if n := value[int](t, ctx, `document.querySelectorAll("main img").length`); n != 0 {
		t.Errorf("the page holds %d img elements: a value was read as HTML", n)
	}
	screenshot(t, ctx, filepath.Join(s.shots, "user-page.png"))
}

func (s *session) cancelDialog(t *testing.T) {
	run(t, s.ctx, chromedp.Click(chromedp.CSS(`button[data-dialog="confirm-delete"]`)),
		chromedp.WaitVisible(chromedp.CSS("#confirm-delete")))
	screenshot(t, s.ctx, filepath.Join(s.shots, "delete-dialog.png"))
	run(t, s.ctx, chromedp.Click(chromedp.CSS(`#confirm-delete form[method="dialog"] button`)),
		chromedp.WaitNotVisible(chromedp.CSS("#confirm-delete")))
	if !s.f.userExists(t, "production", ada) {
		t.Fatalf("cancel deleted the user")
	}
}

func (s *session) deleteInDialog(t *testing.T) {
	run(t, s.ctx, chromedp.Click(chromedp.CSS(`button[data-dialog="confirm-delete"]`)),
		chromedp.WaitVisible(chromedp.CSS("#confirm-delete")),
		chromedp.Click(chromedp.CSS("#confirm-delete button.danger")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")))
	wantText(t, s.ctx, "p.notice", ada+" was deleted")
	if s.f.userExists(t, "production", ada) {
		t.Fatalf("the user is still stored")
	}
	links := `document.querySelectorAll('a[href*="ada-lovelace"]').length`
	if n := value[int](t, s.ctx, links); n != 0 {
		t.Errorf("the list still links the deleted user")
	}
}

// deleteOnPage uses the confirmation page that browsers without scripts
// reach through the delete button.
func (s *session) deleteOnPage(t *testing.T) {
	run(t, s.ctx, chromedp.Navigate(s.f.url+"/ui/delete/users/u_1009"),
		chromedp.Click(chromedp.CSS("main button.danger")),
		chromedp.WaitVisible(chromedp.CSS("p.notice")))
	wantText(t, s.ctx, "p.notice", "u_1009 was deleted")
	if s.f.userExists(t, "production", "u_1009") {
		t.Fatalf("the user is still stored")
	}
}

func (s *session) groups(t *testing.T) {
	run(t, s.ctx, chromedp.Navigate(s.f.url+"/ui/groups"),
		chromedp.WaitVisible(chromedp.CSS("table.list")))
	wantText(t, s.ctx, "table.list", "acme", "Team acme")
	run(t, s.ctx, chromedp.Click(chromedp.CSS(`a[href="/ui/groups/acme"]`)),
		chromedp.WaitVisible(chromedp.CSS("#members-h")))
	wantText(t, s.ctx, "main", "Team acme", "u_1001", "grace.hopper@navy.example")
	screenshot(t, s.ctx, filepath.Join(s.shots, "group-page.png"))
}

func (s *session) phone(t *testing.T) {
	run(t, s.ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile),
		chromedp.Navigate(s.users), chromedp.WaitVisible(chromedp.CSS("table.list")))
	if value[bool](t, s.ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Errorf("the users list scrolls sideways on a phone")
	}
	screenshot(t, s.ctx, filepath.Join(s.shots, "users-list-phone.png"))

	run(t, s.ctx, chromedp.Navigate(s.f.url+"/ui/users/u_1004"),
		chromedp.WaitVisible(chromedp.CSS("table.props")))
	if value[bool](t, s.ctx, `document.documentElement.scrollWidth > window.innerWidth`) {
		t.Errorf("a user's page scrolls sideways on a phone")
	}
	screenshot(t, s.ctx, filepath.Join(s.shots, "user-page-phone.png"))
}

// seedPeople stores a few realistic users and groups.
func seedPeople(t testing.TB, f *fixture) {
	t.Helper()
	people := []struct{ id, js string }{
		{"u_1001", `{"email": "grace.hopper@navy.example", "name": "Grace Hopper", "plan": "team"}`},
		{"u_1002", `{"email": "alan@bletchley.example", "name": "Alan Turing", "plan": "pro"}`},
		{"u_1003", `{"name": "Katherine Johnson", "plan": "free"}`},
		{"u_1004", `{"email": "linus@kernel.example", "plan": "pro", "seats": 3,
			"flags": {"beta": true, "newBilling": false}, "note": ""}`},
		{"auth0|5f8d0d55b54764421b7156c3", `{"email": "margaret@apollo.example"}`},
		{"u_1009", `{"email": "barbara.liskov@mit.example", "name": "Barbara Liskov"}`},
		{"device-7c1e", `{"platform": "ios"}`},
	}
	for _, p := range people {
		f.addUser(t, "production", p.id, p.js, "acme")
		time.Sleep(2 * time.Millisecond) // distinct updated times give the list a stable order
	}
}

// identifyOverAPI sends one identify to the server's API, as an
// integration would.
func identifyOverAPI(t testing.TB, base, secret, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/identify", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-api-key", secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("identify: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(resp.Body)
		t.Fatalf("identify: status %d: %s", resp.StatusCode, msg)
	}
}

// newBrowser starts headless Chromium with a fresh profile and returns its
// context and a func that counts the JavaScript dialogs it saw.
func newBrowser(t *testing.T) (context.Context, func() int) {
	t.Helper()
	allocCtx := headless.Allocator(t)

	var mu sync.Mutex
	dialogs := 0
	ctx, cancel := chromedp.NewContext(allocCtx, chromedp.WithListener(func(ev any) {
		if _, ok := ev.(*cdppage.EventJavascriptDialogOpening); ok {
			mu.Lock()
			dialogs++
			mu.Unlock()
		}
	}))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, func() int {
		mu.Lock()
		defer mu.Unlock()
		return dialogs
	}
}

// artifactsDir is where screenshots go: $ROLLCALL_ARTIFACTS when set, so
// that they outlive the test, else a temporary folder.
func artifactsDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("ROLLCALL_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("make artifacts folder: %v", err)
	}
	return dir
}

// run runs browser steps with a deadline, so that a page that never shows
// what a step waits for fails the test instead of hanging it.
func run(t testing.TB, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			t.Fatalf("browser steps timed out (at %s)", loc)
		}
		t.Fatalf("browser steps: %v", err)
	}
}

func value[T any](t testing.TB, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// wantText checks the visible text of the first element matching css.
func wantText(t testing.TB, ctx context.Context, css string, texts ...string) {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("text of %s: %v", css, err)
	}
	for _, s := range texts {
		if !strings.Contains(got, s) {
			t.Errorf("%s shows %q, which lacks %q", css, got, s)
		}
	}
}

func screenshot(t testing.TB, ctx context.Context, path string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("save screenshot: %v", err)
	}
}
