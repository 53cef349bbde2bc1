package rollcall_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

// encodingJSON is what the SQLite store wrote before AppendJSON: the
// properties through encoding/json, HTML escaping off.
func encodingJSON(t *testing.T, p rollcall.Properties) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		t.Fatalf("encoding/json: %v", err)
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// TestAppendJSONMatchesEncodingJSON holds AppendJSON to encoding/json's
// bytes on awkward keys and values.
func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	keys := []string{
		"plain", `quo"te`, `back\slash`, "/slash", "tab\there", "new\nline", "cr\r",
		"\b\f", "\x01\x1f", "\x7f", "\u0085", "<b>&amp;</b>", "\u2028", "line\u2029sep",
		"émile", "東京", "😀", "e\u0301", " ", "Z", "a", "aa", "a~",
	}
	values := []string{
		`"v"`, `1`, `-0.5e+10`, `true`, `null`, `[]`, `{}`, `"<>&\u2028"`,
		"\"\u2028\u2029 raw\"", `{"z":[1,{"a":null}],"a":"\\\""}`, `"émile 東京"`,
	}

	cases := map[string]rollcall.Properties{
		"empty":     {},
		"nil":       nil,
		"nil value": {"a": nil},
		"one":       {"email": json.RawMessage(`"ada@example.com"`)},
	}
	all := rollcall.Properties{}
	for i, k := range keys {
		all[k] = json.RawMessage(values[i%len(values)])
		cases[fmt.Sprintf("key %q alone", k)] = rollcall.Properties{k: json.RawMessage(values[i%len(values)])}
	}
	cases["every key"] = all
	many := rollcall.Properties{}
	for i := range 100 {
		many[fmt.Sprint("prop", i)] = json.RawMessage(values[i%len(values)])
	}
	cases["more keys than the stack holds"] = many

	for name, p := range cases {
		want := encodingJSON(t, p)
		if got := string(p.AppendJSON(nil)); got != want {
			t.Errorf("%s: got %s, encoding/json gives %s", name, got, want)
		}
		prefix := []byte("prefix:")
		if got := string(p.AppendJSON(prefix)); got != "prefix:"+want {
			t.Errorf("%s: appended to a prefix: got %s", name, got)
		}
	}
}

// TestAppendJSONRoundTrips decodes what AppendJSON wrote back into equal
// properties.
func TestAppendJSONRoundTrips(t *testing.T) {
	t.Parallel()
	p := rollcall.Properties{
		`k"\` + "\n\u2028<": json.RawMessage(`[1,"x"]`),
		"b":                 json.RawMessage(`null`),
	}
	var back rollcall.Properties
	if err := json.Unmarshal(p.AppendJSON(nil), &back); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if len(back) != len(p) {
		t.Fatalf("got %d keys back, want %d", len(back), len(p))
	}
	for k, v := range p {
		if string(back[k]) != string(v) {
			t.Errorf("key %q: got %s back, want %s", k, back[k], v)
		}
	}
}

func BenchmarkAppendJSON(b *testing.B) {
	p := rollcall.Properties{}
	for i := range 8 {
		p[fmt.Sprint("property", i)] = json.RawMessage(`"some value"`)
	}
	b.Run("AppendJSON", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = p.AppendJSON(buf[:0])
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
