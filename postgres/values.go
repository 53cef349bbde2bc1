package postgres

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

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

// appendProperties appends properties to b as one JSON object, in the
// domain's form (rollcall.Properties.AppendJSON); nil is the empty object.
// Each value must be one JSON value, as the domain encodes them; one that
// is not is refused rather than sent, since it could add keys to the
// object.
func appendProperties(b []byte, p rollcall.Properties) ([]byte, error) {
	if p == nil {
		return append(b, "{}"...), nil
	}
	for k, v := range p {
		if len(v) > 0 && !json.Valid(v) {
			return nil, fmt.Errorf("property %q is not one JSON value", k)
		}
	}
	return p.AppendJSON(b), nil
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
