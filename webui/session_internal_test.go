package webui

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/sqlite"
)

func TestSessionExpiry(t *testing.T) {
	t.Parallel()
	store, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	_, key, err := rollcall.NewKey("production", rollcall.KeyServer, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.CreateKey(context.Background(), key); err != nil {
		t.Fatal(err)
	}

	ui := New(Config{Store: store})
	cookie, err := ui.newSession(key)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/ui/users", nil)
	req.AddCookie(cookie)

	cases := []struct {
		name  string
		after time.Duration
		ok    bool
	}{
		{"fresh", 0, true},
		{"a minute before it ends", 8*time.Hour - time.Minute, true},
		{"when it ends", 8 * time.Hour, false},
		{"a day later", 24 * time.Hour, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			later := *ui
			later.now = func() time.Time { return time.Now().Add(c.after) }
			s, err := later.session(req)
			if c.ok && (err != nil || s.env != "production") {
				t.Errorf("session refused: %v", err)
			}
			if !c.ok && !errors.Is(err, errSessionExpired) {
				t.Errorf("expired session: err %v, want %v", err, errSessionExpired)
			}
		})
	}

	t.Run("the sign-in page says it expired", func(t *testing.T) {
		later := New(Config{Store: store})
		later.now = func() time.Time { return time.Now().Add(9 * time.Hour) }
		rec := httptest.NewRecorder()
		later.ServeHTTP(rec, req)
		loc := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.Contains(loc, "ended=expired") {
			t.Fatalf("status %d, Location %q; want a redirect naming the expiry", rec.Code, loc)
		}

		rec = httptest.NewRecorder()
		later.ServeHTTP(rec, httptest.NewRequest("GET", loc, nil))
		if want := "Your session expired; sign in again."; !strings.Contains(rec.Body.String(), want) {
			t.Errorf("sign-in page lacks %q:\n%s", want, rec.Body)
		}
	})
}
