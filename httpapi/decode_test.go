package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
)

// nested returns a property value nesting n arrays.
func nested(n int) string {
	return strings.Repeat("[", n) + strings.Repeat("]", n)
}

func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 257)
	cases := []struct {
		name, path, body, want string
	}{
		{"identifier missing", "/identify", `{"properties":{}}`, "identifier is required"},
		{"identifier bool", "/identify", `{"identifier":true}`, "not a boolean"},
		{"identifier float", "/identify", `{"identifier":1.5}`, "not the number 1.5"},
		{"identifier exponent", "/identify", `{"identifier":1e3}`, "not the number 1e3"},
		{"identifier object", "/identify", `{"identifier":{}}`, "not an object"},
		{"identifier empty", "/identify", `{"identifier":""}`, "must not be empty"},
		{"identifier blank", "/identify", `{"identifier":" \u3000 "}`, "only white space"},
		{"identifier NUL", "/identify", `{"identifier":"a\u0000b"}`, "U+0000"},
		{"identifier DEL", "/identify", `{"identifier":"a\u007fb"}`, "U+007F"},
		{"identifier NEL", "/identify", `{"identifier":"a\u0085b"}`, "U+0085"},
		{"identifier 257 bytes", "/identify", `{"identifier":"` + long + `"}`, "257 bytes"},
		{"properties string", "/identify", `{"identifier":"u","properties":"x"}`, "properties must be an object"},
		{"properties array", "/identify", `{"identifier":"u","properties":[]}`, "properties must be an object"},
		{"empty property key", "/identify", `{"identifier":"u","properties":{"":1}}`, "must not be empty"},
		{"too deep", "/identify", `{"identifier":"u","properties":{"a":` + nested(33) + `}}`, "more than 32 deep"},
		{"groups object", "/identify", `{"identifier":"u","groups":{}}`, "groups must be an array"},
		{"groups of strings", "/identify", `{"identifier":"u","groups":["g1"]}`, "groups[0] must be an object"},
		{"group identifier", "/identify", `{"identifier":"u","groups":[{"identifier":"g"},{"identifier":""}]}`, "groups[1]: identifier"},
		{"group properties", "/identify", `{"identifier":"u","groups":[{"identifier":"g","properties":1}]}`, "groups[0]: properties"},
		{"body array", "/identify", `[]`, "must be a JSON object"},
		{"invalid UTF-8", "/identify", "{\"identifier\":\"\xff\"}", "not valid UTF-8"},
		{"trailing garbage", "/identify", `{"identifier":"u"} x`, "more after its JSON value"},
		{"empty body", "/identify", ``, "not valid JSON"},
		{"batch not array", "/identify/batch", `{}`, "must be an array"},
		{"batch 101 items", "/identify/batch", batchOf(101), "101 items"},
		{"older form array", "/identify/u1", `[1]`, "must be the properties object"},
		{"group identify", "/identify/group", `{"identifier":5.5}`, "not the number"},
		{"bulk without identifier", "/identify/bulk", `[{"a":1}]`,
			"__dopt_identifier or identifier is required: a string or an integer"},
		{"bulk bad identifier", "/identify/bulk", `[{"identifier":true}]`,
			"identifier must be a string or an integer, not a boolean"},
		{"bulk bad dopt identifier", "/identify/bulk", `[{"__dopt_identifier":""}]`,
			"__dopt_identifier: identifier must not be empty"},
		{"bulk not objects", "/identify/bulk", `[1]`, "each item must be a JSON object"},
		{"batch not objects", "/identify/batch", `[{"identifier":"u"},"x"]`,
			"each item must be a JSON object, not a string"},
		{"unknown field", "/identify", `{"identifier":"x","propertis":{"a":1}}`,
			`unknown field "propertis"; the fields are identifier, properties and groups`},
		{"unknown fields in order", "/identify", `{"identifier":"x","zz":1,"aa":2}`,
			`unknown field "aa"`},
		{"unknown field in batch", "/identify/batch", `[{"identifier":"x","group":[]}]`,
			`unknown field "group"; the fields are identifier, properties and groups`},
		{"unknown field in group body", "/identify/group", `{"identifier":"g","groups":[]}`,
			`unknown field "groups"; the fields are identifier and properties`},
		{"unknown field in groups", "/identify",
			`{"identifier":"u","groups":[{"identifier":"g","members":1}]}`,
			`groups[0]: unknown field "members"; the fields are identifier and properties`},
		{"101 groups", "/identify", `{"identifier":"u","groups":` + groupsOf(101) + `}`,
			"groups has 101 entries; at most 100 may be sent in one identify"},
		{"101 groups in batch", "/identify/batch", `[{"identifier":"u","groups":` + groupsOf(101) + `}]`,
			"groups has 101 entries"},
		{"segment without type", "/identify/segment", `{"userId":"u"}`, "type is required"},
		{"segment unknown type", "/identify/segment", `{"type":"boom"}`, `"boom"`},
		{"segment group without groupId", "/identify/segment", `{"type":"group"}`, "groupId:"},
		{"segment bad traits", "/identify/segment", `{"type":"identify","userId":"u","traits":[]}`, "traits:"},
		{"segment bad userId", "/identify/segment", `{"type":"identify","userId":true}`, "userId:"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := httpapi.DecodeIdentify(c.path, []byte(c.body), rollcall.DefaultLimits())
			if rollcall.ErrorCode(err) != rollcall.CodeInvalid {
				t.Fatalf("err = %v, want %s", err, rollcall.CodeInvalid)
			}
			if got := rollcall.ErrorDetails(err, false); !strings.Contains(got, c.want) {
				t.Errorf("details %q do not contain %q", got, c.want)
			}
		})
	}
}

func batchOf(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = `{"identifier":"u"}`
	}
	return "[" + strings.Join(items, ",") + "]"
}

// groupsOf returns a groups array of n entries, each naming group "g".
func groupsOf(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = `{"identifier":"g"}`
	}
	return "[" + strings.Join(items, ",") + "]"
}

// sameGroups returns what groupsOf(n) decodes to.
func sameGroups(n int) []rollcall.GroupIdentify {
	out := make([]rollcall.GroupIdentify, n)
	for i := range out {
		out[i] = rollcall.GroupIdentify{Identifier: "g"}
	}
	return out
}

func TestDecodeBatchNamesItem(t *testing.T) {
	t.Parallel()
	body := `[{"identifier":"a"},{"identifier":"b"},{"identifier":"c","properties":7}]`
	_, err := httpapi.DecodeIdentify("/identify/batch", []byte(body), rollcall.DefaultLimits())

	got := rollcall.ErrorDetails(err, true)
	if !strings.HasPrefix(got, "item 2: properties must be an object") {
		t.Errorf("details = %q, want them to name item 2", got)
	}

	body = strings.TrimSuffix(batchOf(57), "]") + `,"x"]`
	_, err = httpapi.DecodeIdentify("/identify/batch", []byte(body), rollcall.DefaultLimits())
	want := "item 57: each item must be a JSON object, not a string"
	if got := rollcall.ErrorDetails(err, true); got != want {
		t.Errorf("details = %q, want %q", got, want)
	}
}

func TestDecodeAccepts(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, path, body string
		want             []rollcall.Identify
	}{
		{"integer identifier", "/identify", `{"identifier":123}`,
			[]rollcall.Identify{{Identifier: "123"}}},
		{"negative identifier", "/identify", `{"identifier":-5,"properties":null}`,
			[]rollcall.Identify{{Identifier: "-5"}}},
		{"100 groups", "/identify", `{"identifier":"u","groups":` + groupsOf(100) + `}`,
			[]rollcall.Identify{{Identifier: "u", Groups: sameGroups(100)}}},
		{"segment extra fields", "/identify/segment",
			`{"type":"identify","userId":"u","context":{"ip":"x"},"messageId":"m"}`,
			[]rollcall.Identify{{Identifier: "u"}}},
		{"repeated key last wins", "/identify", `{"identifier":"a","identifier":"b","properties":{"k":1,"k":2}}`,
			[]rollcall.Identify{{Identifier: "b", Properties: props(`{"k":2}`)}}},
		{"depth 32", "/identify", `{"identifier":"u","properties":{"a":` + nested(32) + `}}`,
			[]rollcall.Identify{{Identifier: "u", Properties: props(`{"a":` + nested(32) + `}`)}}},
		{"groups", "/identify", `{"identifier":"u","groups":[{"identifier":7,"properties":{"p":null}}]}`,
			[]rollcall.Identify{{Identifier: "u", Groups: []rollcall.GroupIdentify{
				{Identifier: "7", Properties: props(`{"p":null}`)}}}}},
		{"exact numbers", "/identify/u1", `{"n":12345678901234567890,"f":0.1000000000000000055511151231257827}`,
			[]rollcall.Identify{{Identifier: "u1", Properties: props(
				`{"n":12345678901234567890,"f":0.1000000000000000055511151231257827}`)}}},
		{"group", "/identify/group", `{"identifier":"g","properties":{"a":"<b>"}}`,
			[]rollcall.Identify{{Kind: rollcall.KindGroup, Identifier: "g", Properties: props(`{"a":"<b>"}`)}}},
		{"empty batch", "/identify/batch", `[]`, []rollcall.Identify{}},
		{"bulk with dopt identifier", "/identify/bulk", `[{"__dopt_identifier":"u","identifier":"x","a":1}]`,
			[]rollcall.Identify{{Identifier: "u", Properties: props(`{"identifier":"x","a":1}`)}}},
		{"bulk with identifier", "/identify/bulk", `[{"identifier":"u","a":[1]}]`,
			[]rollcall.Identify{{Identifier: "u", Properties: props(`{"a":[1]}`)}}},
		{"segment identify", "/identify/segment", `{"type":"identify","userId":"u","traits":{"t":1}}`,
			[]rollcall.Identify{{Identifier: "u", Properties: props(`{"t":1}`)}}},
		{"segment anonymous identify", "/identify/segment", `{"type":"identify","anonymousId":"x"}`, nil},
		{"segment track", "/identify/segment", `{"type":"track","userId":"u","event":"e"}`, nil},
		{"segment group", "/identify/segment", `{"type":"group","groupId":"g","userId":"u","traits":{"t":1}}`,
			[]rollcall.Identify{
				{Kind: rollcall.KindGroup, Identifier: "g", Properties: props(`{"t":1}`)},
				{Identifier: "u", Groups: []rollcall.GroupIdentify{{Identifier: "g"}}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := httpapi.DecodeIdentify(c.path, []byte(c.body), rollcall.DefaultLimits())
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if a, b := dump(t, got), dump(t, c.want); a != b {
				t.Errorf("got  %s\nwant %s", a, b)
			}
		})
	}
}

// props builds Properties from a JSON object, the way the decoders do.
func props(s string) rollcall.Properties {
	v, err := rollcall.DecodeJSON([]byte(s))
	if err != nil {
		panic(err)
	}
	p, err := rollcall.PropertiesFromJSON(v, 64)
	if err != nil {
		panic(err)
	}
	return p
}

// dump renders items for comparison, treating nil and empty alike.
func dump(t testing.TB, items []rollcall.Identify) string {
	t.Helper()
	if len(items) == 0 {
		return "[]"
	}
	out, err := json.Marshal(items)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}
