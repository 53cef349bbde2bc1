package sqlite

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

// propertyTexts are stored texts to decode: what the store writes, and
// what it never writes but encoding/json reads all the same.
var propertyTexts = []string{
	`{}`,
	`{"a":1}`,
	`{"email":"ada@example.com","plan":"pro","seats":12,"tags":["beta","pro"]}`,
	`{"n":null,"t":true,"f":false,"x":-0.5e+10,"big":12345678901234567890}`,
	`{"nested":{"a":[1,{"b":"}],\"{"}],"c":{}},"after":[[],[[]]]}`,
	`{"s":"comma, brace } bracket ] quote \" backslash \\","z":"\u2028<>&"}`,
	`{"émile":"東京","😀":"e\u0301"}`,
	`{"dup":1,"dup":2}`,
	`{"":""}`,
	// Not what the store writes: encoding/json reads these.
	`{"k\"ey":1}`, `{"\u00e9":1}`, `{ "a":1}`, `{"a" :1}`, `{"a": 1}`, `{"a":1 }`,
	`{"a":[1, 2]}`, "{\"a\":1}\n", " {\"a\":1}", `{"a":"x"	}`,
	"{\"bad\xffkey\":1}", "{\"a\":\"bad\xffvalue\"}",
	`null`, `[]`,
	// Not JSON objects at all.
	``, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1}{}`, `"text"`, `{"a":[}`,
}

// TestDecodePropertiesMatchesEncodingJSON holds decodeProperties to what
// json.Unmarshal reads from the same text, errors included.
func TestDecodePropertiesMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, text := range propertyTexts {
		checkDecode(t, text)
	}
}

func FuzzDecodeProperties(f *testing.F) {
	for _, text := range propertyTexts {
		f.Add(text)
	}
	f.Fuzz(checkDecode)
}

func checkDecode(t *testing.T, text string) {
	got, err := decodeProperties(text)
	want := rollcall.Properties{}
	wantErr := json.Unmarshal([]byte(text), &want)
	if wantErr == nil && want == nil {
		// encoding/json reads null as no map at all; the store refuses it,
		// since its callers merge into what it returns.
		wantErr = errors.New("null")
	}
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%q: error %v; encoding/json: %v", text, err, wantErr)
	}
	if err != nil {
		return
	}
	if !maps.EqualFunc(got, want, func(a, b json.RawMessage) bool { return string(a) == string(b) }) {
		t.Fatalf("%q: got %s; encoding/json reads %s", text, show(got), show(want))
	}
}

func show(p rollcall.Properties) string {
	var parts []string
	for k, v := range p {
		parts = append(parts, fmt.Sprintf("%q=%s", k, v))
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// TestDecodeWrittenPropertiesByHand checks that what the store writes takes
// the fast path, and that values do not share room to grow into.
func TestDecodeWrittenPropertiesByHand(t *testing.T) {
	t.Parallel()
	p := rollcall.Properties{
		"a": json.RawMessage(`"one"`), "b": json.RawMessage(`[1,{"c":"}"}]`),
		"k\"\u2028": json.RawMessage(`2`),
	}
	written := string(rollcall.Properties{"a": p["a"], "b": p["b"]}.AppendJSON(nil))
	got, ok := splitProperties(written)
	if !ok {
		t.Fatalf("%s: not split by hand", written)
	}
	if string(got["a"]) != `"one"` || string(got["b"]) != `[1,{"c":"}"}]` || len(got) != 2 {
		t.Fatalf("%s: got %s", written, show(got))
	}
	_ = append(got["a"], 'X')
	if string(got["b"]) != `[1,{"c":"}"}]` {
		t.Fatalf("appending to one value changed the next: %s", got["b"])
	}

	escaped := string(p.AppendJSON(nil))
	if _, ok := splitProperties(escaped); ok {
		t.Fatalf("%s: a key with escapes was split by hand", escaped)
	}
}

func BenchmarkDecodeProperties(b *testing.B) {
	text := `{"active":true,"email":"person1@example.com","name":"Person 2",` +
		`"plan":"team","score":12.34,"seats":42,"signedUpAt":"2025-01-02T10:00:00.000Z",` +
		`"tags":["beta","pro"]}`
	b.Run("by hand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeProperties(text); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p := rollcall.Properties{}
			if err := json.Unmarshal([]byte(text), &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
