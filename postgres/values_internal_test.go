package postgres

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestAppendProperties(t *testing.T) {
	t.Parallel()
	props := rollcall.Properties{
		"plain":        []byte(`"x"`),
		`quote"back\`:  []byte(`[1,{"a":null}]`),
		"ctl\n\x01":    []byte(`true`),
		"é ✓":          []byte(`1.5e3`),
		"no value":     nil,
		"\u2028 sep":   []byte(`"\u2028"`),
		"bad \xff utf": []byte(`0`),
	}
	data, err := appendProperties(nil, props)
	if err != nil {
		t.Fatalf("appendProperties: %v", err)
	}

	var got map[string]json.RawMessage
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%s is not a JSON object: %v", data, err)
	}
	want := map[string]json.RawMessage{}
	for k, v := range props {
		if v == nil {
			v = []byte("null")
		}
		if k == "bad \xff utf" {
			k = "bad \ufffd utf"
		}
		want[k] = v
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("decoded %s as %v, want %v", data, got, want)
	}
}

// TestAppendPropertiesRefusesBadValue checks that a value that is not one
// JSON value is refused, rather than sent where it could add keys.
func TestAppendPropertiesRefusesBadValue(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{`1,"admin":true`, `{`, `"open`} {
		props := rollcall.Properties{"a": []byte(bad)}
		if data, err := appendProperties(nil, props); err == nil {
			t.Errorf("value %s: encoded as %s, want an error", bad, data)
		}
	}
}
