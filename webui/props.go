package webui

import (
	"bytes"
	"encoding/json"
	"sort"

	"github.com/rollcall/rollcall"
)

// property is one property as a page shows it: its JSON type and its value
// as plain text, which the templates escape like any other text.
type property struct {
	Key  string
	Type string
	Text string
	// Block is true for arrays and objects, shown as indented JSON.
	Block bool
	// Empty is true for the empty string, which is shown as a hint.
	Empty bool
}

// properties returns props in key order, byte by byte.
func properties(props rollcall.Properties) []property {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	out := make([]property, 0, len(keys))
	for _, k := range keys {
		out = append(out, propertyOf(k, props[k]))
	}
	return out
}

func propertyOf(key string, raw json.RawMessage) property {
	p := property{Key: key, Type: jsonType(raw), Text: string(raw)}
	switch p.Type {
	case "string":
		if s, ok := stringValue(raw); ok {
			p.Text = s
			p.Empty = s == ""
		}
	case "array", "object":
		var buf bytes.Buffer
		if json.Indent(&buf, raw, "", "  ") == nil {
			p.Text = buf.String()
		}
		p.Block = true
	}
	return p
}

// jsonType names the JSON type of a stored value by its first byte; stored
// values are compact, so it is never white space.
func jsonType(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "null"
	}
	switch raw[0] {
	case '"':
		return "string"
	case '{':
		return "object"
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// stringValue decodes a value that is a JSON string.
func stringValue(raw json.RawMessage) (string, bool) {
	var s string
	if jsonType(raw) != "string" || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// label is what a list shows beside an identifier: the email property, or
// else the name property, when it is a string.
func label(props rollcall.Properties) string {
	for _, key := range []string{"email", "name"} {
		if s, ok := stringValue(props[key]); ok && s != "" {
			return s
		}
	}
	return ""
}
