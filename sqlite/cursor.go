package sqlite

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/rollcall/rollcall"
)

// The orders a cursor can continue.
const (
	orderIdentifier = "id"
	orderUpdated    = "upd"
)

// cursor is where the next page starts: after the row with this identifier
// (and, in updated order, this updated_at). It travels as base64url JSON;
// clients must treat it as opaque.
type cursor struct {
	Order      string `json:"o"`
	Identifier string `json:"i"`
	Updated    int64  `json:"u,omitempty"`
}

// defaultLimit is the page size when a request names none.
const defaultLimit = 100

func pageLimit(limit int) int {
	if limit <= 0 {
		return defaultLimit
	}
	return limit
}

func encodeCursor(c cursor) (string, error) {
	data, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode cursor: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(data), nil
}

// decodeCursor reads a cursor issued for order. An empty text is the first
// page; anything this store did not issue for that order is CodeInvalid.
func decodeCursor(text, order string) (*cursor, error) {
	if text == "" {
		return nil, nil
	}

	data, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return nil, badCursor()
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c cursor
	if err := dec.Decode(&c); err != nil || c.Order != order || c.Identifier == "" {
		return nil, badCursor()
	}
	return &c, nil
}

func badCursor() error {
	return rollcall.Errorf(rollcall.CodeInvalid,
		"cursor is not one this list issued; start again without a cursor")
}
