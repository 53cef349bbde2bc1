package postgres

import (
	"bytes"
	"encoding/base64"
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

// The lists a cursor may belong to; a cursor only pages the list that
// issued it.
const (
	listUsers        = "users"
	listUsersUpdated = "users-updated"
	listGroups       = "groups"
	listMembers      = "members"
)

// membersList names the list of one group's members, so that a cursor of
// one group's members does not page another's.
func membersList(group string) string {
	return listMembers + ":" + group
}

// cursor is where the next page starts: after the row with this identifier
// (and, for the updated order, this updated time in microseconds).
type cursor struct {
	List    string `json:"l"`
	After   string `json:"a"`
	Updated int64  `json:"u,omitempty"`
}

// encode returns the opaque form handed to clients.
func (c cursor) encode() string {
	data, _ := json.Marshal(c) // a struct of strings and ints always encodes
	return base64.RawURLEncoding.EncodeToString(data)
}

// decodeCursor reads a cursor handed back by a client for list. The empty
// string is the first page and yields ok false.
func decodeCursor(s, list string) (c cursor, ok bool, err error) {
	if s == "" {
		return cursor{}, false, nil
	}

	bogus := rollcall.Errorf(rollcall.CodeInvalid,
		"the cursor %.40q is not one this list issued; start again without a cursor", s)
	data, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false, bogus
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil || c.List != list || c.After == "" {
		return cursor{}, false, bogus
	}
	return c, true, nil
}

// pageLimit is the page size to use for a request; the HTTP layer checks the
// bounds, so a missing limit only needs a default here.
func pageLimit(n int) int {
	if n <= 0 {
		return 100
	}
	return n
}

// storedTime truncates t to the milliseconds the wire carries.
func storedTime(t time.Time) time.Time {
	return t.UTC().Truncate(time.Millisecond)
}
