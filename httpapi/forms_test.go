package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/rollcall/rollcall/httpapi"
)

func TestIdentifyForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name, path, body string
		count            string
		// read is a GET path and want the JSON of one of its fields.
		read, field, want string
	}{
		{"older form decodes the path", "/identify/a%2Fb", `{"k":"v"}`, "1",
			"/users/a%2Fb", "identifier", `"a/b"`},
		{"older form names dot-dot", "/identify/%2E%2E", `{"k":1}`, "1",
			"/users/%2E%2E", "properties", `{"k":1}`},
		{"older form null body", "/identify/nulluser", `null`, "1",
			"/users/nulluser", "properties", `{}`},
		{"body form names batch", "/identify", `{"identifier":"batch","properties":{"x":1}}`, "1",
			"/users/batch", "properties", `{"x":1}`},
		{"integer identifier", "/identify", `{"identifier":-5}`, "1",
			"/users/-5", "identifier", `"-5"`},
		{"batch in order", "/identify/batch",
			`[{"identifier":"b1","properties":{"a":1}},{"identifier":"b1","properties":{"b":2}}]`, "2",
			"/users/b1", "properties", `{"a":1,"b":2}`},
		{"repeated keys", "/identify", `{"identifier":"r","properties":{"k":1,"k":2}}`, "1",
			"/users/r", "properties", `{"k":2}`},
		{"empty batch", "/identify/batch", `[]`, "0", "/users/nobody", "", ""},
		{"bulk with dopt identifier", "/identify/bulk",
			`[{"__dopt_identifier":"d1","identifier":"x","p":true},{"identifier":"d2","q":[1]}]`, "2",
			"/users/d1", "properties", `{"identifier":"x","p":true}`},
		{"bulk with identifier", "/identify/bulk", `[{"identifier":"d3","q":[1]}]`, "1",
			"/users/d3", "properties", `{"q":[1]}`},
		{"group", "/identify/group", `{"identifier":"g9","properties":{"tier":"gold"}}`, "1",
			"/groups/g9", "properties", `{"tier":"gold"}`},
		{"segment identify", "/identify/segment",
			`{"type":"identify","userId":"s1","traits":{"email":"a@b.c"},"context":{}}`, "1",
			"/users/s1", "properties", `{"email":"a@b.c"}`},
		{"segment group with user", "/identify/segment",
			`{"type":"group","groupId":"sg","userId":"s2","traits":{"n":1}}`, "1",
			"/users/s2", "groups", `["sg"]`},
		{"segment group alone", "/identify/segment", `{"type":"group","groupId":"sg2","traits":{"n":2}}`, "1",
			"/groups/sg2", "memberCount", `0`},
		{"segment anonymous identify", "/identify/segment", `{"type":"identify","anonymousId":"a"}`, "0",
			"", "", ""},
		{"segment track", "/identify/segment", `{"type":"track","userId":"t1","event":"e"}`, "0",
			"/users/t1", "", ""},
		{"segment page", "/identify/segment", `{"type":"page","userId":"t1"}`, "0", "", "", ""},
		{"segment screen", "/identify/segment", `{"type":"screen","userId":"t1"}`, "0", "", "", ""},
		{"segment alias", "/identify/segment", `{"type":"alias","userId":"t1","previousId":"x"}`, "0", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := f.ok(t, http.StatusOK, "POST", c.path, c.body)
			if got["count"] != json.Number(c.count) {
				t.Errorf("count = %v, want %s", got["count"], c.count)
			}
			checkRead(t, f, c.read, c.field, c.want)
		})
	}
}

// checkRead checks one field of a GET answer; an empty field means the
// path must not exist.
func checkRead(t testing.TB, f *fixture, path, field, want string) {
	t.Helper()
	if path == "" {
		return
	}
	if field == "" {
		wantError(t, f.do(t, "GET", path, f.server, ""), http.StatusNotFound, "not_found_error", "")
		return
	}
	if got := fmtValue(f.ok(t, http.StatusOK, "GET", path, "")[field]); got != want {
		t.Errorf("GET %s: %s = %s, want %s", path, field, got, want)
	}
}

func TestBatchWritesNothingOnBadItem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	body := `[{"identifier":"ok1"},{"identifier":"ok2"},{"identifier":"bad","groups":{"x":1}}]`
	wantError(t, f.do(t, "POST", "/identify/batch", f.server, body),
		http.StatusBadRequest, "invalid_request_error", "item 2: groups must be an array")

	for _, id := range []string{"ok1", "ok2", "bad"} {
		checkRead(t, f, "/users/"+id, "", "")
	}
}

func TestStoreLimitNamesItem(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *httpapi.Config) { c.Limits.MaxProperties = 2 })

	f.ok(t, http.StatusOK, "POST", "/identify/batch", `[{"identifier":"u","properties":{"a":1,"b":2}}]`)
	w := f.do(t, "POST", "/identify/batch", f.server,
		`[{"identifier":"v"},{"identifier":"u","properties":{"c":3}}]`)
	wantError(t, w, http.StatusBadRequest, "invalid_request_error", "item 1:")

	w = f.do(t, "POST", "/identify", f.server, `{"identifier":"u","properties":{"c":3}}`)
	if body := jsonOf(t, w); w.Code != http.StatusBadRequest || hasItemPrefix(body["details"]) {
		t.Errorf("single identify over the limit = %d %v, want a 400 naming no item", w.Code, body)
	}
	checkRead(t, f, "/users/v", "", "")
}

func hasItemPrefix(v any) bool {
	s, _ := v.(string)
	return len(s) >= 5 && s[:5] == "item "
}
