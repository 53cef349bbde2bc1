package httpapi_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestPathIdentifiersAreChecked(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	huge := strings.Repeat("x", 100_000)
	cases := []struct {
		name, method, path, detail string
	}{
		{"read user", "GET", "/users/" + huge, "the user in the path: identifier is 100000 bytes"},
		{"delete user", "DELETE", "/users/" + huge, "the user in the path: identifier is 100000 bytes"},
		{"read group", "GET", "/groups/" + huge, "the group in the path: identifier is 100000 bytes"},
		{"delete group", "DELETE", "/groups/" + huge, "the group in the path: identifier is 100000"},
		{"members", "GET", "/groups/" + huge + "/users", "the group in the path: identifier is"},
		{"membership user", "DELETE", "/users/" + huge + "/groups/g", "the user in the path:"},
		{"membership group", "DELETE", "/users/u/groups/" + huge, "the group in the path:"},
		{"blank", "GET", "/users/%20%20", "the user in the path: identifier must not be only white"},
		{"control character", "GET", "/groups/a%01", "the group in the path: identifier must not contain"},
		{"invalid UTF-8", "GET", "/users/%FF", "the user in the path: identifier must be valid UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := f.do(t, c.method, c.path, f.server, "")
			wantError(t, w, http.StatusBadRequest, rollcall.CodeInvalid, c.detail)
			if w.Body.Len() > 1000 {
				t.Errorf("the answer is %d bytes long; it echoes the identifier", w.Body.Len())
			}
		})
	}
}

func TestNotFoundQuotesIdentifiersShort(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.ok(t, http.StatusOK, "POST", "/identify", `{"identifier":"u","groups":[{"identifier":"g"}]}`)
	f.ok(t, http.StatusOK, "POST", "/identify/group", `{"identifier":"lonely"}`)
	long := strings.Repeat("é", 120) // 240 bytes: valid, but too long to echo whole
	clipped := `"` + strings.Repeat("é", 50) + `"…`

	cases := []struct {
		name, method, path, detail string
	}{
		{"read user", "GET", "/users/" + long, "no user " + clipped + " in this environment"},
		{"delete user", "DELETE", "/users/" + long, "no user " + clipped},
		{"read group", "GET", "/groups/" + long, "no group " + clipped + " in this environment"},
		{"delete group", "DELETE", "/groups/" + long, "no group " + clipped},
		{"members", "GET", "/groups/" + long + "/users", "no group " + clipped},
		{"membership of unknown user", "DELETE", "/users/" + long + "/groups/g", "no user " + clipped},
		{"membership in unknown group", "DELETE", "/users/u/groups/" + long, "no group " + clipped},
		{"not a member", "DELETE", "/users/u/groups/lonely",
			`user "u" is not a member of group "lonely"`},
		{"short identifier whole", "GET", "/users/nobody", `no user "nobody" in this environment`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := f.do(t, c.method, escapePath(c.path), f.server, "")
			wantError(t, w, http.StatusNotFound, rollcall.CodeNotFound, c.detail)
			if strings.Contains(w.Body.String(), strings.Repeat("é", 51)) {
				t.Errorf("details quote more than 100 bytes of the identifier: %s", w.Body)
			}
		})
	}
}

// escapePath percent-encodes each segment of path.
func escapePath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
