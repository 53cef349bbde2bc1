package rollcall_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestValidateIdentifier(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		id   string
		ok   bool
	}{
		{"plain", "u1", true},
		{"email", "ada@example.com", true},
		{"inner spaces kept", " a b ", true},
		{"slash", "a/b", true},
		{"unicode", "élodie-東京-🙂", true},
		{"256 bytes", strings.Repeat("é", 128), true},
		{"empty", "", false},
		{"257 bytes", strings.Repeat("a", 257), false},
		{"only spaces", "   ", false},
		{"only ideographic space", "\u3000", false},
		{"NUL", "a\x00b", false},
		{"tab", "a\tb", false},
		{"newline", "a\n", false},
		{"DEL", "a\x7f", false},
		{"C1 NEL", "a\u0085", false},
		{"C1 end", "a\u009f", false},
		{"invalid UTF-8", "a\xffb", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := rollcall.ValidateIdentifier(c.id)
			if c.ok && err != nil {
				t.Fatalf("ValidateIdentifier(%q) = %v, want nil", c.id, err)
			}
			if !c.ok && rollcall.ErrorCode(err) != rollcall.CodeInvalid {
				t.Fatalf("ValidateIdentifier(%q) = %v, want an invalid_request_error", c.id, err)
			}
		})
	}
}

func TestIdentifierFromJSON(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body string
		want string // empty: rejected
	}{
		{`"u1"`, "u1"},
		{`123`, "123"},
		{`-5`, "-5"},
		{`0`, "0"},
		{`12345678901234567890123`, "12345678901234567890123"},
		{`1.5`, ""},
		{`1e3`, ""},
		{`1.0`, ""},
		{`true`, ""},
		{`null`, ""},
		{`["u1"]`, ""},
		{`{"id":"u1"}`, ""},
		{`""`, ""},
	}
	for _, c := range cases {
		t.Run(c.body, func(t *testing.T) {
			v, err := rollcall.DecodeJSON([]byte(c.body))
			if err != nil {
				t.Fatal(err)
			}
			got, err := rollcall.IdentifierFromJSON(v)
			if c.want == "" {
				if rollcall.ErrorCode(err) != rollcall.CodeInvalid {
					t.Fatalf("got %q, %v; want an invalid_request_error", got, err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	bad := map[string]string{
		"invalid UTF-8":   "{\"a\":\"\xff\"}",
		"trailing data":   `{"a":1} {"b":2}`,
		"trailing comma":  `{"a":1,}`,
		"empty":           ``,
		"truncated":       `{"a":`,
		"garbage after":   `{"a":1}x`,
		"byte order mark": "\xef\xbb\xbf{}",
		"lone high":       `{"a":"x\ud800"}`,
		"lone low":        `{"a":"\udc00x"}`,
		"high then other": `{"a":"\ud800\u0041"}`,
		"reversed pair":   `{"\udc00\ud800":1}`,
		"too deep":        strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	}
	for name, body := range bad {
		t.Run(name, func(t *testing.T) {
			_, err := rollcall.DecodeJSON([]byte(body))
			if rollcall.ErrorCode(err) != rollcall.CodeInvalid {
				t.Fatalf("DecodeJSON(%q) = %v, want an invalid_request_error", body, err)
			}
		})
	}

	t.Run("surrogate pairs and escaped backslashes are fine", func(t *testing.T) {
		v, err := rollcall.DecodeJSON([]byte(`{"a":"\ud83d\ude00","b":"\\ud800"}`))
		if err != nil {
			t.Fatal(err)
		}
		m := v.(map[string]any)
		if m["a"] != "😀" || m["b"] != `\ud800` {
			t.Fatalf("got %q", m)
		}
	})

	t.Run("trailing white space is fine", func(t *testing.T) {
		if _, err := rollcall.DecodeJSON([]byte("{\"a\":1}\n\t ")); err != nil {
			t.Fatal(err)
		}
	})
}

func TestPropertiesFromJSON(t *testing.T) {
	t.Parallel()
	props := mustProps(t, `{"a":1,"a":2,"n":null,"big":12345678901234567890,`+
		`"small":0.1000000000000000055511151231257827,"html":"<b>&</b>",`+
		`"nested":{"x":1,"x":[1,{"y":true}]},"$dot.key":"kept"}`)

	want := map[string]string{
		"a":        `2`,
		"n":        `null`,
		"big":      `12345678901234567890`,
		"small":    `0.1000000000000000055511151231257827`,
		"html":     `"<b>&</b>"`,
		"nested":   `{"x":[1,{"y":true}]}`,
		"$dot.key": `"kept"`,
	}
	if len(props) != len(want) {
		t.Fatalf("got %d properties, want %d: %v", len(props), len(want), props)
	}
	for k, v := range want {
		if string(props[k]) != v {
			t.Errorf("property %q = %s, want %s", k, props[k], v)
		}
	}
}

func TestPropertiesFromJSONRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"not an object":       `[1,2]`,
		"a string":            `"x"`,
		"empty key":           `{"":1}`,
		"long key":            `{"` + strings.Repeat("k", 257) + `":1}`,
		"NUL in key":          `{"a\u0000":1}`,
		"NUL in value":        `{"a":"x\u0000"}`,
		"NUL in nested key":   `{"a":{"b\u0000":1}}`,
		"33 deep":             `{"a":` + strings.Repeat("[", 33) + strings.Repeat("]", 33) + `}`,
		"huge exponent":       `{"a":1e200000}`,
		"too many fractional": `{"a":1e-17000}`,
		"one digit too many":  `{"a":1e-16384}`,
		"trailing zero past":  `{"a":1.0e-16383}`,
		"zero, scaled past":   `{"a":-0.0e-16383}`,
		"16384 written zeros": `{"a":1.` + strings.Repeat("0", 16384) + `}`,
		"131073 digits":       `{"a":1e131072}`,
	}
	for name, body := range cases {
		t.Run(name, func(t *testing.T) {
			v, err := rollcall.DecodeJSON([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			_, err = rollcall.PropertiesFromJSON(v, 32)
			var e *rollcall.Error
			if !errors.As(err, &e) || e.Code != rollcall.CodeInvalid || e.Details == "" {
				t.Fatalf("PropertiesFromJSON(%s) = %v, want an invalid_request_error", body, err)
			}
		})
	}

	t.Run("several faults give the same answer every time", func(t *testing.T) {
		body := `{"":1,"` + strings.Repeat("k", 300) + `":2,"a":` + strings.Repeat("[", 40) +
			strings.Repeat("]", 40) + `}`
		v, err := rollcall.DecodeJSON([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		_, first := rollcall.PropertiesFromJSON(v, 32)
		for i := 0; i < 20; i++ {
			if _, err := rollcall.PropertiesFromJSON(v, 32); err.Error() != first.Error() {
				t.Fatalf("answers differ: %v, then %v", first, err)
			}
		}
	})

	t.Run("32 deep is allowed", func(t *testing.T) {
		body := `{"a":` + strings.Repeat("[", 32) + strings.Repeat("]", 32) + `}`
		if p := mustProps(t, body); string(p["a"]) != strings.Repeat("[", 32)+strings.Repeat("]", 32) {
			t.Fatalf("got %s", p["a"])
		}
	})
	t.Run("null means no change", func(t *testing.T) {
		p, err := rollcall.PropertiesFromJSON(nil, 32)
		if err != nil || p != nil {
			t.Fatalf("got %v, %v; want nil, nil", p, err)
		}
	})
}

func TestMerge(t *testing.T) {
	t.Parallel()
	stored := rollcall.Properties{"a": json.RawMessage(`1`), "b": json.RawMessage(`2`)}
	stored.Merge(rollcall.Properties{"b": json.RawMessage(`null`), "c": json.RawMessage(`3`)})

	want := map[string]string{"a": "1", "b": "null", "c": "3"}
	for k, v := range want {
		if string(stored[k]) != v {
			t.Errorf("%s = %s, want %s", k, stored[k], v)
		}
	}
}

func mustProps(t testing.TB, body string) rollcall.Properties {
	t.Helper()
	v, err := rollcall.DecodeJSON([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	p, err := rollcall.PropertiesFromJSON(v, 32)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckStored(t *testing.T) {
	t.Parallel()
	limits := rollcall.Limits{MaxProperties: 2, MaxPropertyBytes: 10}
	fits := rollcall.Properties{"ab": json.RawMessage(`"xyz"`)} // 2 + 5 bytes
	if err := limits.CheckStored(`user "u"`, fits); err != nil {
		t.Fatalf("7 bytes and 1 property fit: %v", err)
	}

	tooMany := rollcall.Properties{"a": json.RawMessage(`1`), "b": json.RawMessage(`2`),
		"c": json.RawMessage(`3`)}
	tooBig := rollcall.Properties{"ab": json.RawMessage(`"xyzuvw"`)} // 2 + 8 bytes = 10: fits
	tooBig["c"] = json.RawMessage(`1`)                               // 12 bytes
	for name, p := range map[string]rollcall.Properties{"count": tooMany, "bytes": tooBig} {
		err := limits.CheckStored(`user "u"`, p)
		if rollcall.ErrorCode(err) != rollcall.CodeInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
		// The details must not reveal what is stored.
		if strings.Contains(err.Error(), "12") || strings.Contains(err.Error(), " 3 ") {
			t.Errorf("%s: details reveal the stored size: %v", name, err)
		}
	}
}

func TestQuoteID(t *testing.T) {
	t.Parallel()
	if got := rollcall.QuoteID("ada"); got != `"ada"` {
		t.Errorf("short: %s", got)
	}
	long := strings.Repeat("a", 99) + "é" + strings.Repeat("b", 200)
	got := rollcall.QuoteID(long)
	if got != `"`+strings.Repeat("a", 99)+`"…` {
		t.Errorf("long: %s; want it cut before the two-byte é", got)
	}
}

// TestEncodeValueMatchesEncodingJSON compares the hand-written encoder with
// encoding/json (without HTML escaping) on awkward values.
func TestEncodeValueMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	bodies := []string{
		`"plain"`, `"quote \" backslash \\ slash /"`, `"tab\tnew\nline\rcr\bbs\ffeed"`,
		`"\u0000\u0001\u001f\u007f\u0085"`, `"\u2028\u2029"`, `"<b>&amp;</b>"`,
		`"émile 東京 😀 e\u0301"`, `12345678901234567890`, `-0.1e-7`, `true`, `false`,
		`null`, `[]`, `{}`, `[1,"a",[null,{"z":1,"a":[true]}]]`,
		`{"b":1,"a":{"d":[],"c":""},"\u00e9":2,"":3}`,
	}
	for _, body := range bodies {
		v, err := rollcall.DecodeJSON([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}
		got, err := rollcall.EncodeValue(v)
		if err != nil {
			t.Fatalf("%s: %v", body, err)
		}

		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if string(got) != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("%s: got %s, encoding/json gives %s", body, got, want.String())
		}
	}
}
