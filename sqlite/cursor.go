package sqlite

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/rollcall/rollcall"
)

// The lists a cursor can continue. A cursor pages only the list that issued
// it: an identifier taken from one list means nothing in another.
const (
	listUsers        = "users"
	listUsersUpdated = "users-updated"
	listGroups       = "groups"
)

// usersList names the list of all users in order.
func usersList(order rollcall.UserOrder) string {
	if order == rollcall.ByUpdatedDesc {
		return listUsersUpdated
	}
	return listUsers
}

// membersList names the list of one group's members, so that a cursor of
// one group's members does not page another's.
func membersList(group string) string {
	return "members:" + group
}

// cursor is where the next page starts: after the row with this identifier
// (and, in updated order, this updated_at) in the list that issued it. It
// travels as base64url JSON; clients must treat it as opaque.
type cursor struct {
	List       string `json:"l"`
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

// decodeCursor reads a cursor issued by list. An empty text is the first
// page; anything this store did not issue for that list is CodeInvalid.
func decodeCursor(text, list string) (*cursor, error) {
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
	if err := dec.Decode(&c); err != nil || c.List != list || c.Identifier == "" {
		return nil, badCursor()
	}
	return &c, nil
}

func badCursor() error {
	return rollcall.Errorf(rollcall.CodeInvalid,
		"cursor is not one this list issued; start again without a cursor")
}
