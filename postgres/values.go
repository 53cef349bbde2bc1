package postgres

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/rollcall/rollcall"
)

// encodeProperties turns properties into one JSON object for a jsonb
// parameter. Nil means no change, which merges as the empty object.
func encodeProperties(p rollcall.Properties) (string, error) {
	data, err := appendProperties(nil, p)
	if err != nil {
		return "", err
	}
	return string(data), nil
}

// appendProperties appends properties to b as one JSON object. Keys are
// written in no particular order, which jsonb does not keep anyway. Each
// value must be one JSON value, as the domain encodes them; one that is not
// is refused rather than sent, since it could add keys to the object.
func appendProperties(b []byte, p rollcall.Properties) ([]byte, error) {
	b = append(b, '{')
	first := true
	for k, v := range p {
		if !first {
			b = append(b, ',')
		}
		first = false

		b = appendJSONString(b, k)
		b = append(b, ':')
		switch {
		case len(v) == 0:
			b = append(b, "null"...)
		case json.Valid(v):
			b = append(b, v...)
		default:
			return nil, fmt.Errorf("property %q is not one JSON value", k)
		}
	}
	return append(b, '}'), nil
}

// appendJSONString appends s as a JSON string. Quotes, backslashes and
// control characters are escaped; invalid UTF-8 becomes U+FFFD, as
// encoding/json writes it.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[r>>4], hex[r&0xf])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// decodeProperties reads a jsonb object as PostgreSQL prints it. jsonb puts
// spaces after colons and commas, so each value is compacted to match the
// form the domain keeps.
func decodeProperties(data []byte) (rollcall.Properties, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("decode stored properties: %w", err)
	}

	props := make(rollcall.Properties, len(raw))
	for k, v := range raw {
		var buf bytes.Buffer
		if err := json.Compact(&buf, v); err != nil {
			return nil, fmt.Errorf("compact stored property: %w", err)
		}
		props[k] = buf.Bytes()
	}
	return props, nil
}

// storedTime truncates t to the milliseconds the wire carries.
func storedTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Millisecond)
}
