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
	if len(p) == 0 {
		return "{}", nil
	}
	data, err := json.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("encode properties: %w", err)
	}
	return string(data), nil
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
