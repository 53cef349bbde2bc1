package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestPaging(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var batch []string
	for i := range 5 {
		batch = append(batch, fmt.Sprintf(`{"identifier":"u%d","groups":[{"identifier":"g%d"},{"identifier":"all"}]}`, i, i))
	}
	f.ok(t, http.StatusOK, "POST", "/identify/batch", "["+strings.Join(batch, ",")+"]")

	lists := []struct{ path, field, want string }{
		{"/users", "users", "u0 u1 u2 u3 u4"},
		{"/groups", "groups", "all g0 g1 g2 g3 g4"},
		{"/groups/all/users", "users", "u0 u1 u2 u3 u4"},
	}
	for _, l := range lists {
		t.Run(l.path, func(t *testing.T) {
			if got := walk(t, f, l.path, l.field, 2); got != l.want {
				t.Errorf("walk with limit 2 = %q, want %q", got, l.want)
			}
			if got := walk(t, f, l.path, l.field, 0); got != l.want {
				t.Errorf("walk with the default limit = %q, want %q", got, l.want)
			}
		})
	}
}

// walk pages through a list and returns its identifiers, checking that
// only the last page lacks a cursor.
func walk(t testing.TB, f *fixture, path, field string, limit int) string {
	t.Helper()
	var ids []string
	cursor := ""
	for pages := 0; pages < 10; pages++ {
		q := url.Values{}
		if limit > 0 {
			q.Set("limit", fmt.Sprint(limit))
		}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		page := f.ok(t, http.StatusOK, "GET", path+"?"+q.Encode(), "")
		items, _ := page[field].([]any)
		for _, item := range items {
			ids = append(ids, item.(map[string]any)["identifier"].(string))
		}
		next, _ := page["nextCursor"].(string)
		if next == "" {
			return strings.Join(ids, " ")
		}
		cursor = next
	}
	t.Fatalf("%s: more than 10 pages", path)
	return ""
}

func TestListShapes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.ok(t, http.StatusOK, "POST", "/identify", `{"identifier":"lonely"}`)
	f.ok(t, http.StatusOK, "POST", "/identify/group", `{"identifier":"empty"}`)

	users := f.ok(t, http.StatusOK, "GET", "/users", "")
	if got := fmtValue(users["users"]); !strings.Contains(got, `"groups":[]`) ||
		!strings.Contains(got, `"properties":{}`) {
		t.Errorf("a user without groups or properties = %s, want [] and {}", got)
	}
	if next, ok := users["nextCursor"]; ok && next != nil {
		t.Errorf("last page has nextCursor %v", next)
	}
	group := f.ok(t, http.StatusOK, "GET", "/groups/empty", "")
	if group["memberCount"] == nil || fmtValue(group["properties"]) != "{}" {
		t.Errorf("group = %v", group)
	}
}

func TestBadPageRequests(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	cases := []struct{ query, detail string }{
		{"limit=0", "limit"},
		{"limit=1001", "limit"},
		{"limit=-1", "limit"},
		{"limit=ten", "limit"},
		{"limit=1.5", "limit"},
		{"cursor=nonsense", "cursor"},
	}
	for _, path := range []string{"/users", "/groups"} {
		for _, c := range cases {
			t.Run(path+"?"+c.query, func(t *testing.T) {
				w := f.do(t, "GET", path+"?"+c.query, f.server, "")
				wantError(t, w, http.StatusBadRequest, rollcall.CodeInvalid, c.detail)
			})
		}
	}
	f.ok(t, http.StatusOK, "GET", "/users?limit=1000", "")
}

func TestDeletes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.ok(t, http.StatusOK, "POST", "/identify/batch",
		`[{"identifier":"a","groups":[{"identifier":"g"},{"identifier":"h"}]},`+
			`{"identifier":"b","groups":[{"identifier":"g"}]}]`)

	f.ok(t, http.StatusNoContent, "DELETE", "/users/a/groups/h", "")
	checkRead(t, f, "/users/a", "groups", `["g"]`)
	wantError(t, f.do(t, "DELETE", "/users/a/groups/h", f.server, ""),
		http.StatusNotFound, rollcall.CodeNotFound, "")

	f.ok(t, http.StatusNoContent, "DELETE", "/groups/g", "")
	checkRead(t, f, "/groups/g", "", "")
	checkRead(t, f, "/users/b", "groups", `[]`)

	f.ok(t, http.StatusNoContent, "DELETE", "/users/a", "")
	checkRead(t, f, "/users/a", "", "")
	checkRead(t, f, "/groups/h", "memberCount", "0")
	for _, path := range []string{"/users/a", "/groups/g", "/users/zz/groups/h"} {
		wantError(t, f.do(t, "DELETE", path, f.server, ""), http.StatusNotFound, rollcall.CodeNotFound, "")
	}
}
