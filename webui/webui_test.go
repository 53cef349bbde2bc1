package webui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/storetest"
	"github.com/rollcall/rollcall/webui"
)

const xss = `<img src=x onerror=alert(1)>`

func TestPagesRender(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	f.addUser(t, "production", "u-ada", `{"email": "ada@example.com", "plan": "pro",
		"seats": 12345678901234567890,
		"admin": true, "manager": null, "tags": ["a", "b"], "address": {"city": "Paris"}}`, "acme")
	time.Sleep(5 * time.Millisecond) // timestamps keep milliseconds: let u-bob be newer
	f.addUser(t, "production", "u-bob", `{"name": "Bob Stone", "email": 42}`, "acme")
	b := f.browser(t)
	b.mustSignIn(t, secret)

	t.Run("users list", func(t *testing.T) {
		p := b.get(t, "/ui/users")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "production", "u-ada", "ada@example.com", "u-bob", "Bob Stone",
			`<label for="q">`, "Sign out")
		if strings.Index(p.body, "u-bob") > strings.Index(p.body, "u-ada") {
			t.Errorf("u-bob, updated last, is not listed first")
		}
	})
	t.Run("search", func(t *testing.T) {
		p := b.get(t, "/ui/users?q=ADA%40example")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "u-ada")
		if strings.Contains(p.body, "u-bob") {
			t.Errorf("search for ada lists u-bob")
		}
		p = b.get(t, "/ui/users?q=u-b")
		wantContains(t, p, "u-bob")
		if strings.Contains(p.body, `href="/ui/users/u-ada"`) {
			t.Errorf("search for u-b lists u-ada")
		}
	})
	t.Run("one user", func(t *testing.T) {
		p := b.get(t, "/ui/users/u-ada")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "ada@example.com", "12345678901234567890", ">number<", ">string<",
			">boolean<", ">null<", ">array<", ">object<", "&#34;city&#34;: &#34;Paris&#34;",
			`href="/ui/groups/acme"`, "Delete user", `href="/ui/users"`)
	})
	t.Run("confirmation page", func(t *testing.T) {
		p := b.get(t, "/ui/delete/users/u-ada")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "Delete this user?", `action="/ui/delete/users/u-ada"`)
	})
	t.Run("groups list", func(t *testing.T) {
		p := b.get(t, "/ui/groups")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "acme", "Team acme", `<td data-label="Members" class="num">2</td>`)
	})
	t.Run("one group", func(t *testing.T) {
		p := b.get(t, "/ui/groups/acme")
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "Team acme", `href="/ui/users/u-ada"`, `href="/ui/users/u-bob"`)
	})
	t.Run("unknown pages", func(t *testing.T) {
		for _, path := range []string{"/ui/users/nobody", "/ui/groups/none", "/ui/nothing",
			"/ui/delete/users/nobody", "/ui/static/missing.css"} {
			p := b.get(t, path)
			wantStatus(t, p, http.StatusNotFound)
			wantContains(t, p, "Not Found")
		}
	})
	t.Run("a cursor the store did not issue", func(t *testing.T) {
		p := b.get(t, "/ui/users?cursor=not-a-cursor")
		wantStatus(t, p, http.StatusBadRequest)
		wantContains(t, p, "Bad Request", "Go to the users list")
	})
}

func TestStaticFilesAndRoot(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t)
	t.Run("served without a session", func(t *testing.T) {
		for path, typ := range map[string]string{
			"/ui/static/style.css": "text/css", "/ui/static/app.js": "javascript"} {
			p := b.get(t, path)
			wantStatus(t, p, http.StatusOK)
			if !strings.Contains(p.header.Get("Content-Type"), typ) {
				t.Errorf("%s: Content-Type %q", path, p.header.Get("Content-Type"))
			}
		}
	})
	t.Run("root redirects to users", func(t *testing.T) {
		b := f.browser(t)
		b.mustSignIn(t, f.createKey(t, "production", rollcall.KeyServer))
		p := b.get(t, "/ui/")
		wantStatus(t, p, http.StatusSeeOther)
		if p.header.Get("Location") != "/ui/users" {
			t.Errorf("Location %q", p.header.Get("Location"))
		}
	})
}

func TestUsersPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	var items []rollcall.Identify
	for i := range 53 {
		items = append(items, rollcall.Identify{Kind: rollcall.KindUser,
			Identifier: fmt.Sprintf("user-%02d", i), Properties: storetest.Props(t, `{}`)})
	}
	if err := f.store.Identify(context.Background(), "production", items); err != nil {
		t.Fatal(err)
	}
	b := f.browser(t)
	b.mustSignIn(t, secret)

	seen := map[string]bool{}
	first := b.get(t, "/ui/users")
	for _, l := range userLinks(first.body) {
		seen[l] = true
	}
	if len(seen) != 50 {
		t.Fatalf("first page lists %d users, want 50", len(seen))
	}
	next := field(t, strings.ReplaceAll(first.body, `href="/ui/users?cursor=`,
		`name="next" value="/ui/users?cursor=`), "next")
	second := b.get(t, next)
	wantStatus(t, second, http.StatusOK)
	for _, l := range userLinks(second.body) {
		if seen[l] {
			t.Errorf("second page repeats %s", l)
		}
		seen[l] = true
	}
	if len(seen) != 53 {
		t.Errorf("two pages list %d users, want 53", len(seen))
	}
	if strings.Contains(second.body, "Next page") {
		t.Errorf("last page has a next page link")
	}
	wantContains(t, second, "First page")
}

func TestIdentifierPaths(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	ids := []string{"a/b", "a//b/", "..", ".", "x y?z#w%25&", "ünïcödé", "users/../admin"}
	for _, id := range ids {
		f.addUser(t, "production", id, `{"marker": "marker of `+strings.ReplaceAll(id, `"`, ``)+`"}`)
	}
	b := f.browser(t)
	b.mustSignIn(t, secret)

	links := userLinks(b.get(t, "/ui/users").body)
	if len(links) != len(ids) {
		t.Fatalf("list links %d users, want %d: %q", len(links), len(ids), links)
	}
	for _, link := range links {
		p := b.get(t, link)
		wantStatus(t, p, http.StatusOK)
		found := false
		for _, id := range ids {
			if strings.Contains(p.body, "marker of "+htmlText(id)+"<") {
				found = true
			}
		}
		if !found {
			t.Errorf("%s shows no user's marker:\n%s", link, p.body)
		}
	}
}

func TestInvalidIdentifierPaths(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	b := f.browser(t)
	b.mustSignIn(t, secret)

	long := strings.Repeat("a", 20000)
	for _, path := range []string{"/ui/users/" + long, "/ui/groups/" + long,
		"/ui/delete/users/" + long, "/ui/users/%20"} {
		t.Run(path[:min(len(path), 30)], func(t *testing.T) {
			p := b.get(t, path)
			wantStatus(t, p, http.StatusBadRequest)
			wantContains(t, p, "This address does not name a valid identifier: identifier")
			if strings.Contains(p.body, strings.Repeat("a", 200)) {
				t.Errorf("the page repeats the identifier: %d bytes", len(p.body))
			}
		})
	}
}

// htmlText escapes text as html/template does in element content.
func htmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;",
		"'", "&#39;").Replace(s)
}

func TestSignInFailures(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	revoked := f.createKey(t, "production", rollcall.KeyServer)
	prefix, _ := rollcall.SecretPrefix(revoked)
	if err := f.store.RevokeKey(context.Background(), prefix); err != nil {
		t.Fatal(err)
	}
	browserKey := f.createKey(t, "production", rollcall.KeyBrowser)
	good := f.createKey(t, "production", rollcall.KeyServer)
	unknown := good[:len(good)-1] + "x"
	if unknown == good {
		unknown = good[:len(good)-1] + "y"
	}

	cases := []struct {
		name   string
		secret string
		status int
		says   string
	}{
		{"empty", "", http.StatusBadRequest, "Enter a server key"},
		{"garbage", "hello", http.StatusUnauthorized, "That is not a rollcall key: server keys " +
			"start with rcs_ and are 44 characters long."},
		{"a key's length with a stray character", good[:43] + "!", http.StatusUnauthorized,
			"That is not a rollcall key"},
		{"unknown key with a known prefix", unknown, http.StatusUnauthorized, "not known"},
		{"revoked key", revoked, http.StatusUnauthorized, "revoked"},
		{"browser key", browserKey, http.StatusForbidden, "Browser keys cannot sign in"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := f.browser(t)
			p := b.signIn(t, c.secret)
			wantStatus(t, p, c.status)
			wantContains(t, p, c.says, `type="password"`)
			if b.session(t) != nil {
				t.Errorf("a session cookie was set")
			}
			wantStatus(t, b.get(t, "/ui/users"), http.StatusSeeOther)
		})
	}

	t.Run("without the form token", func(t *testing.T) {
		b := f.browser(t)
		b.get(t, "/ui/signin")
		p := b.post(t, "/ui/signin", "", url.Values{"key": {good}})
		wantStatus(t, p, http.StatusForbidden)
		if b.session(t) != nil {
			t.Errorf("a session cookie was set")
		}
	})
	t.Run("from another origin", func(t *testing.T) {
		b := f.browser(t)
		form := b.get(t, "/ui/signin")
		p := b.post(t, "/ui/signin", "https://evil.example", url.Values{
			"key": {good}, "csrf": {field(t, form.body, "csrf")}})
		wantStatus(t, p, http.StatusForbidden)
		if b.session(t) != nil {
			t.Errorf("a session cookie was set")
		}
	})
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)

	t.Run("holds no key and is locked down", func(t *testing.T) {
		b := f.browser(t)
		p := b.signIn(t, secret)
		raw := strings.Join(p.header.Values("Set-Cookie"), "\n")
		if strings.Contains(raw, secret) || strings.Contains(raw, secret[12:]) {
			t.Fatalf("Set-Cookie holds the key: %s", raw)
		}
		for _, attr := range []string{"rollcall_session=", "Path=/ui", "HttpOnly", "SameSite=Strict"} {
			if !strings.Contains(raw, attr) {
				t.Errorf("Set-Cookie lacks %s: %s", attr, raw)
			}
		}
	})
	t.Run("redirects to sign-in without a session", func(t *testing.T) {
		b := f.browser(t)
		p := b.get(t, "/ui/users/u%2F1?x=1")
		wantStatus(t, p, http.StatusSeeOther)
		want := "/ui/signin?next=" + url.QueryEscape("/ui/users/u%2F1?x=1")
		if p.header.Get("Location") != want {
			t.Errorf("Location %q, want %q", p.header.Get("Location"), want)
		}
	})
	t.Run("returns to the page asked for", func(t *testing.T) {
		b := f.browser(t)
		form := b.get(t, "/ui/signin?next=%2Fui%2Fgroups")
		p := b.post(t, "/ui/signin", f.url, url.Values{"key": {secret},
			"csrf": {field(t, form.body, "csrf")}, "next": {field(t, form.body, "next")}})
		if p.header.Get("Location") != "/ui/groups" {
			t.Errorf("Location %q, want /ui/groups", p.header.Get("Location"))
		}
	})
	t.Run("never returns off site", func(t *testing.T) {
		b := f.browser(t)
		form := b.get(t, "/ui/signin?next=https%3A%2F%2Fevil.example")
		if next := field(t, form.body, "next"); next != "/ui/users" {
			t.Errorf("next %q", next)
		}
	})

}

func TestTamperedSession(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	tampered := map[string]func(string) string{
		"changed MAC":  func(v string) string { return v[:len(v)-2] + flip(v[len(v)-2:]) },
		"later expiry": func(v string) string { return bumpExpiry(v) },
		"no MAC":       func(v string) string { return v[:strings.LastIndex(v, ".")] },
		"other prefix": func(v string) string { return "rcs_AAAAAAAA" + v[strings.Index(v, "."):] },
		"key in clear": func(string) string { return secret },
		"empty":        func(string) string { return "" },
		"five parts":   func(v string) string { return v + ".x" },
		"other nonce":  func(v string) string { return swapNonce(v) },
	}
	for name, change := range tampered {
		t.Run("refuses a cookie with "+name, func(t *testing.T) {
			b := f.browser(t)
			b.mustSignIn(t, secret)
			c := b.session(t)
			req, _ := http.NewRequest(http.MethodGet, f.url+"/ui/users", nil)
			req.AddCookie(&http.Cookie{Name: c.Name, Value: change(c.Value)})
			p := f.browser(t).do(t, req)
			wantStatus(t, p, http.StatusSeeOther)
		})
	}

}

func TestSessionLifecycle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)

	t.Run("sign-in page sends a signed-in person on", func(t *testing.T) {
		b := f.browser(t)
		b.mustSignIn(t, secret)
		p := b.get(t, "/ui/signin?next=%2Fui%2Fgroups")
		wantStatus(t, p, http.StatusSeeOther)
		if p.header.Get("Location") != "/ui/groups" {
			t.Errorf("Location %q, want /ui/groups", p.header.Get("Location"))
		}
	})
	t.Run("another server over the same store accepts it", func(t *testing.T) {
		b := f.browser(t)
		b.mustSignIn(t, secret)
		other := httptest.NewServer(webui.New(webui.Config{Store: f.store}))
		defer other.Close()
		req, _ := http.NewRequest(http.MethodGet, other.URL+"/ui/users", nil)
		req.AddCookie(b.session(t))
		p := f.browser(t).do(t, req)
		wantStatus(t, p, http.StatusOK)
		wantContains(t, p, "production")
	})
	t.Run("refuses a session once its key is revoked", func(t *testing.T) {
		other := f.createKey(t, "production", rollcall.KeyServer)
		b := f.browser(t)
		b.mustSignIn(t, other)
		wantStatus(t, b.get(t, "/ui/users"), http.StatusOK)
		prefix, _ := rollcall.SecretPrefix(other)
		if err := f.store.RevokeKey(context.Background(), prefix); err != nil {
			t.Fatal(err)
		}
		p := b.get(t, "/ui/users")
		wantStatus(t, p, http.StatusSeeOther)
		signIn := b.get(t, p.header.Get("Location"))
		wantContains(t, signIn, "Your session ended: the key was revoked.")
	})
	t.Run("the sign-in page tells how sessions end", func(t *testing.T) {
		p := f.browser(t).get(t, "/ui/signin")
		wantContains(t, p, "checked again on every request", "revoking it ends the session")
		if strings.Contains(p.body, "checked once") {
			t.Errorf("the sign-in page says the key is checked once")
		}
	})
	t.Run("sign-out clears the cookie", func(t *testing.T) {
		b := f.browser(t)
		b.mustSignIn(t, secret)
		users := b.get(t, "/ui/users")
		p := b.post(t, "/ui/signout", f.url, url.Values{"csrf": {field(t, users.body, "csrf")}})
		wantStatus(t, p, http.StatusSeeOther)
		if b.session(t) != nil {
			t.Errorf("session cookie kept after sign-out")
		}
		wantStatus(t, b.get(t, "/ui/users"), http.StatusSeeOther)
		wantContains(t, b.get(t, "/ui/signin?signedout=1"), "You are signed out")
	})
}

func flip(s string) string {
	if s == "AA" {
		return "BB"
	}
	return "AA"
}

// swapNonce replaces a session cookie's nonce.
func swapNonce(v string) string {
	parts := strings.Split(v, ".")
	parts[2] = flip(parts[2][:2]) + parts[2][2:]
	return strings.Join(parts, ".")
}

// bumpExpiry moves a session cookie's expiry one second later.
func bumpExpiry(v string) string {
	parts := strings.Split(v, ".")
	var n int64
	fmt.Sscan(parts[1], &n)
	parts[1] = fmt.Sprint(n + 1)
	return strings.Join(parts, ".")
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	f.addUser(t, "production", "gone/soon", `{"email": "g@example.com"}`, "acme")
	b := f.browser(t)
	b.mustSignIn(t, secret)
	token := field(t, b.get(t, "/ui/users").body, "csrf")
	path := "/ui/delete/users/" + url.PathEscape("gone/soon")

	other := f.browser(t)
	other.mustSignIn(t, secret)
	otherToken := field(t, other.get(t, "/ui/users").body, "csrf")

	refused := []struct {
		name   string
		origin string
		form   url.Values
	}{
		{"without a token", f.url, url.Values{}},
		{"with a wrong token", f.url, url.Values{"csrf": {"x" + token[1:]}}},
		{"with another session's token", f.url, url.Values{"csrf": {otherToken}}},
		{"from a foreign origin", "https://evil.example", url.Values{"csrf": {token}}},
		{"from a null origin", "null", url.Values{"csrf": {token}}},
	}
	for _, c := range refused {
		t.Run("refused "+c.name, func(t *testing.T) {
			p := b.post(t, path, c.origin, c.form)
			wantStatus(t, p, http.StatusForbidden)
			if !f.userExists(t, "production", "gone/soon") {
				t.Fatalf("the user was deleted")
			}
		})
	}
	t.Run("refused without a session", func(t *testing.T) {
		p := f.browser(t).post(t, path, f.url, url.Values{"csrf": {token}})
		wantStatus(t, p, http.StatusForbidden)
		if !f.userExists(t, "production", "gone/soon") {
			t.Fatalf("the user was deleted")
		}
	})
	t.Run("refused by GET", func(t *testing.T) {
		wantStatus(t, b.get(t, path+"?csrf="+url.QueryEscape(token)), http.StatusOK)
		if !f.userExists(t, "production", "gone/soon") {
			t.Fatalf("the user was deleted")
		}
	})

	t.Run("deleted with the token", func(t *testing.T) {
		p := b.post(t, path, f.url, url.Values{"csrf": {token}})
		wantStatus(t, p, http.StatusSeeOther)
		if f.userExists(t, "production", "gone/soon") {
			t.Fatalf("the user is still there")
		}
		list := b.get(t, p.header.Get("Location"))
		wantContains(t, list, "gone/soon</strong> was deleted")
		if len(userLinks(list.body)) != 0 {
			t.Errorf("the list still links users: %q", userLinks(list.body))
		}
		if again := b.get(t, "/ui/users"); strings.Contains(again.body, "was deleted") {
			t.Errorf("the notice was shown twice")
		}
	})
	t.Run("a link cannot announce a deletion", func(t *testing.T) {
		p := b.get(t, "/ui/users?deleted="+url.QueryEscape("everyone; call 555-0100"))
		wantStatus(t, p, http.StatusOK)
		if strings.Contains(p.body, "was deleted") || strings.Contains(p.body, "555-0100") {
			t.Errorf("the list shows a notice from its link:\n%s", p.body)
		}
	})
	t.Run("twice is a 404", func(t *testing.T) {
		p := b.post(t, path, f.url, url.Values{"csrf": {token}})
		wantStatus(t, p, http.StatusNotFound)
	})
}

func TestEnvironmentIsolation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	f.addUser(t, "staging", "only-staging", `{"email": "s@example.com"}`, "staging-team")
	f.addUser(t, "production", "only-prod", `{}`)
	b := f.browser(t)
	b.mustSignIn(t, secret)

	list := b.get(t, "/ui/users")
	wantContains(t, list, "only-prod", "production")
	if strings.Contains(list.body, "only-staging") {
		t.Errorf("production's list shows a staging user")
	}
	if strings.Contains(b.get(t, "/ui/groups").body, "staging-team") {
		t.Errorf("production's groups list shows a staging group")
	}
	for path, status := range map[string]int{
		"/ui/users/only-staging":        http.StatusNotFound,
		"/ui/groups/staging-team":       http.StatusNotFound,
		"/ui/delete/users/only-staging": http.StatusNotFound,
		"/ui/users?q=s%40example":       http.StatusOK,
		"/ui/users?q=only-s":            http.StatusOK,
	} {
		p := b.get(t, path)
		wantStatus(t, p, status)
		staging := []string{"s@example.com", "Team staging-team", `href="/ui/users/only-staging"`}
		for _, data := range staging {
			if strings.Contains(p.body, data) {
				t.Errorf("%s shows staging data %q", path, data)
			}
		}
	}

	token := field(t, list.body, "csrf")
	p := b.post(t, "/ui/delete/users/only-staging", f.url, url.Values{"csrf": {token}})
	wantStatus(t, p, http.StatusNotFound)
	if !f.userExists(t, "staging", "only-staging") {
		t.Errorf("a production session deleted a staging user")
	}
}

func TestValuesShownAsText(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	f.addUser(t, "production", "<b>bold</b>", `{"email": "<script>alert(1)</script>",
		"bio": "`+xss+`", "nested": {"html": "`+xss+`"}}`, "<i>g</i>")
	b := f.browser(t)
	b.mustSignIn(t, secret)

	link := userLinks(b.get(t, "/ui/users").body)
	if len(link) != 1 {
		t.Fatalf("links %q", link)
	}
	pages := map[string]page{
		"list": b.get(t, "/ui/users"), "user": b.get(t, link[0]),
		"group":   b.get(t, "/ui/groups/"+url.PathEscape("<i>g</i>")),
		"confirm": b.get(t, "/ui/delete/users/"+url.PathEscape("<b>bold</b>")),
	}
	for name, p := range pages {
		t.Run(name, func(t *testing.T) {
			wantStatus(t, p, http.StatusOK)
			for _, raw := range []string{"<img", "<script>alert", "<b>bold", "<i>g"} {
				if strings.Contains(p.body, raw) {
					t.Errorf("page holds raw markup %q", raw)
				}
			}
			wantContains(t, p, "&lt;b&gt;bold&lt;/b&gt;")
		})
	}
	wantContains(t, pages["user"], htmlText(xss), "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	secret := f.createKey(t, "production", rollcall.KeyServer)
	b := f.browser(t)
	signIn := b.get(t, "/ui/signin")
	b.mustSignIn(t, secret)

	csp := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
	pages := map[string]page{
		"sign-in": signIn, "users": b.get(t, "/ui/users"), "not found": b.get(t, "/ui/nothing"),
		"style": b.get(t, "/ui/static/style.css"), "redirect": f.browser(t).get(t, "/ui/users"),
	}
	for name, p := range pages {
		t.Run(name, func(t *testing.T) {
			for h, want := range map[string]string{"Content-Security-Policy": csp,
				"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"} {
				if got := p.header.Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
			if strings.Contains(p.body, "<script>") || strings.Contains(p.body, " style=") {
				t.Errorf("page has inline script or style")
			}
		})
	}
}

func TestStoreFailureShowsAFriendlyPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	b := f.browser(t)
	b.mustSignIn(t, f.createKey(t, "production", rollcall.KeyServer))
	if err := f.store.Close(); err != nil {
		t.Fatal(err)
	}

	for _, path := range []string{"/ui/users", "/ui/users/u1", "/ui/groups"} {
		p := b.get(t, path)
		wantStatus(t, p, http.StatusInternalServerError)
		wantContains(t, p, "Something went wrong on the server")
		for _, internal := range []string{"sql", "closed", "sqlite"} {
			if strings.Contains(strings.ToLower(p.body), internal) {
				t.Errorf("%s leaks %q:\n%s", path, internal, p.body)
			}
		}
	}
}
