package httpapi_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
)

var wireTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

func TestIdentifyAndRead(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	body := `{"identifier":"u1","properties":{"plan":"pro","n":12345678901234567890,` +
		`"f":0.1000000000000000055511151231257827,"html":"<b>&</b>","deep":{"a":[1,{"b":null}]}},` +
		`"groups":[{"identifier":"g1","properties":{"size":3}}]}`
	if got := f.ok(t, 200, "POST", "/identify", body); got["count"] != json.Number("1") {
		t.Errorf("count = %v, want 1", got["count"])
	}
	f.ok(t, 200, "POST", "/identify", `{"identifier":"u1","properties":{"plan":null,"seats":2}}`)

	w := f.do(t, "GET", "/users/u1", f.server, "")
	if !strings.Contains(w.Body.String(), `"html":"<b>&</b>"`) {
		t.Errorf("HTML characters were escaped: %s", w.Body)
	}
	user := jsonOf(t, w)
	props := user["properties"].(map[string]any)
	want := map[string]string{"plan": "null", "seats": "2", "n": "12345678901234567890",
		"f": "0.1000000000000000055511151231257827", "deep": `{"a":[1,{"b":null}]}`}
	for k, v := range want {
		if got := fmtValue(props[k]); got != v {
			t.Errorf("property %s = %s, want %s", k, got, v)
		}
	}
	if _, ok := props["plan"]; !ok {
		t.Error("a null property was dropped rather than stored")
	}
	if g := fmtValue(user["groups"]); g != `["g1"]` {
		t.Errorf("groups = %s, want [g1]", g)
	}
	for _, k := range []string{"createdAt", "updatedAt"} {
		if s, _ := user[k].(string); !wireTime.MatchString(s) {
			t.Errorf("%s = %q, not RFC 3339 UTC with milliseconds", k, user[k])
		}
	}

	group := f.ok(t, 200, "GET", "/groups/g1", "")
	if group["memberCount"] != json.Number("1") || fmtValue(group["properties"]) != `{"size":3}` {
		t.Errorf("group = %v", group)
	}
}

// fmtValue renders a decoded answer value as compact JSON, keys sorted and
// numbers as sent.
func fmtValue(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err.Error()
	}
	return strings.TrimSpace(b.String())
}

// TestIdentifyRejects sends bad bodies to one store and checks each answer
// and, at the end, that none of them wrote anything.
func TestIdentifyRejects(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *httpapi.Config) {
		c.Limits.MaxBodyBytes = 200
		c.Limits.MaxBatchBodyBytes = 400
	})
	pad := strings.Repeat("x", 300)
	cases := []struct {
		name, path, body string
		status           int
		code             rollcall.Code
		detail           string
	}{
		{"identifier type", "/identify", `{"identifier":["u"]}`, 400, rollcall.CodeInvalid, "not an array"},
		{"identifier float", "/identify", `{"identifier":1.5}`, 400, rollcall.CodeInvalid, "1.5"},
		{"identifier exponent", "/identify", `{"identifier":1e3}`, 400, rollcall.CodeInvalid, "1e3"},
		{"identifier bool", "/identify", `{"identifier":true}`, 400, rollcall.CodeInvalid, "boolean"},
		{"identifier blank", "/identify", `{"identifier":"   "}`, 400, rollcall.CodeInvalid, "white space"},
		{"identifier U+0085", "/identify", `{"identifier":"a\u0085"}`, 400, rollcall.CodeInvalid, "U+0085"},
		{"identifier U+007F", "/identify", `{"identifier":"a\u007f"}`, 400, rollcall.CodeInvalid, "U+007F"},
		{"identifier 257 bytes", "/identify/batch", `[{"identifier":"` + strings.Repeat("é", 128) + `a"}]`,
			400, rollcall.CodeInvalid, "item 0: identifier is 257 bytes"},
		{"properties type", "/identify", `{"identifier":"u","properties":1}`, 400, rollcall.CodeInvalid, "properties"},
		{"groups type", "/identify", `{"identifier":"u","groups":"g"}`, 400, rollcall.CodeInvalid, "groups"},
		{"groups items", "/identify", `{"identifier":"u","groups":[1]}`, 400, rollcall.CodeInvalid, "groups[0]"},
		{"invalid UTF-8", "/identify", "{\"identifier\":\"u\xc3\"}", 400, rollcall.CodeInvalid, "UTF-8"},
		{"trailing garbage", "/identify", `{"identifier":"u"}{}`, 400, rollcall.CodeInvalid, "more after"},
		{"33 deep", "/identify/batch", `[{"identifier":"u","properties":{"a":` + nested(33) + `}}]`,
			400, rollcall.CodeInvalid, "32 deep"},
		{"single too large", "/identify", `{"identifier":"u","properties":{"p":"` + pad + `"}}`,
			413, rollcall.CodeTooLarge, "200 bytes"},
		{"batch too large", "/identify/batch", `[{"identifier":"u","properties":{"p":"` + pad + pad + `"}}]`,
			413, rollcall.CodeTooLarge, "400 bytes"},
		{"101 items", "/identify/bulk", "[" + strings.Repeat(`1,`, 100) + "1]", 400, rollcall.CodeInvalid, "101 items"},
		{"bad item", "/identify/batch", `[{"identifier":"a"},{"identifier":"b","properties":[]}]`,
			400, rollcall.CodeInvalid, "item 1: properties must be an object"},
		{"older form array", "/identify/u", `[]`, 400, rollcall.CodeInvalid, "properties object"},
		{"older form blank", "/identify/%20", `{}`, 400, rollcall.CodeInvalid, "white space"},
		{"group type", "/identify/group", `{"identifier":"g","properties":true}`, 400, rollcall.CodeInvalid, "properties"},
		{"segment no type", "/identify/segment", `{"userId":"u"}`, 400, rollcall.CodeInvalid, "type"},
		{"segment unknown type", "/identify/segment", `{"type":"merge"}`, 400, rollcall.CodeInvalid, "merge"},
		{"bulk no identifier", "/identify/bulk", `[{"a":1}]`, 400, rollcall.CodeInvalid,
			"item 0: __dopt_identifier or identifier is required"},
		{"batch item unknown field", "/identify/batch", `[{"identifier":"a"},{"identifier":"b","propertis":{}}]`,
			400, rollcall.CodeInvalid, `item 1: unknown field "propertis"; the fields are`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantError(t, f.do(t, "POST", c.path, f.server, c.body), c.status, c.code, c.detail)
		})
	}

	for _, list := range []string{"/users", "/groups"} {
		if got := f.ok(t, 200, "GET", list, ""); fmtValue(got[list[1:]]) != "[]" {
			t.Errorf("rejected requests wrote %s: %v", list, got)
		}
	}
}
