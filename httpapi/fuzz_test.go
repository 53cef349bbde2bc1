package httpapi_test

import (
	"bytes"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/httpapi"
)

// FuzzDecodeIdentify feeds arbitrary bodies to every identify decoder. An
// accepted body must yield valid identifiers and property values that
// decode back to themselves.
func FuzzDecodeIdentify(f *testing.F) {
	seeds := []string{
		`{"identifier":"u1","properties":{"a":1,"b":[true,null,{"c":"x"}]},"groups":[{"identifier":"g"}]}`,
		`{"identifier":123,"properties":{"n":12345678901234567890,"f":1e-7}}`,
		`[{"identifier":"a"},{"identifier":"b","properties":{"k":"v","k":"w"}}]`,
		`[{"__dopt_identifier":"u","identifier":"x","p":{"q":[1,2]}}]`,
		`{"type":"group","groupId":"g","userId":7,"traits":{"plan":"pro"}}`,
		`{"type":"identify","userId":"u","traits":{"email":"a@b"}}`,
		`{"a":"\u2028<>&","b":-0.0}`,
		`{"identifier":"\u0085"}`,
		"{\"identifier\":\"\xff\"}",
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
	}
	for _, s := range seeds {
		f.Add(s)
	}

	paths := []string{"/identify", "/identify/batch", "/identify/bulk",
		"/identify/group", "/identify/segment", "/identify/u1"}
	limits := rollcall.DefaultLimits()
	f.Fuzz(func(t *testing.T, body string) {
		for _, path := range paths {
			items, err := httpapi.DecodeIdentify(path, []byte(body), limits)
			if err != nil {
				if rollcall.ErrorCode(err) != rollcall.CodeInvalid {
					t.Fatalf("%s: error %v is not a client error", path, err)
				}
				continue
			}
			for _, item := range items {
				checkItem(t, item)
			}
		}
	})
}

func checkItem(t *testing.T, item rollcall.Identify) {
	t.Helper()
	if err := rollcall.ValidateIdentifier(item.Identifier); err != nil {
		t.Fatalf("accepted identifier %q: %v", item.Identifier, err)
	}
	checkProperties(t, item.Properties)

	for _, g := range item.Groups {
		if err := rollcall.ValidateIdentifier(g.Identifier); err != nil {
			t.Fatalf("accepted group identifier %q: %v", g.Identifier, err)
		}
		checkProperties(t, g.Properties)
	}
}

// checkProperties re-decodes every stored value and checks that encoding it
// again gives the same bytes.
func checkProperties(t *testing.T, p rollcall.Properties) {
	t.Helper()
	for k, raw := range p {
		if err := rollcall.ValidatePropertyKey(k); err != nil {
			t.Fatalf("accepted key %q: %v", k, err)
		}
		v, err := rollcall.DecodeJSON(raw)
		if err != nil {
			t.Fatalf("value of %q does not decode: %v", k, err)
		}
		again, err := rollcall.EncodeValue(v)
		if err != nil || !bytes.Equal(again, raw) {
			t.Fatalf("value of %q: %s re-encodes as %s (%v)", k, raw, again, err)
		}
	}
}
