package rollcall

import (
	"encoding/base64"
	"encoding/json"
	"time"
)

// DefaultPageLimit is the page size when a request names no limit.
const DefaultPageLimit = 100

// The lists a cursor can page. A cursor continues only the list that
// issued it: an identifier taken from one list means nothing in another.
const (
	// UsersList is all users in identifier order.
	UsersList = "users"
	// UsersByUpdateList is all users, most recently updated first.
	UsersByUpdateList = "users-updated"
	// GroupsList is all groups in identifier order.
	GroupsList = "groups"
)

// UsersListFor names the list of all users read in order.
func UsersListFor(order UserOrder) string {
	if order == ByUpdatedDesc {
		return UsersByUpdateList
	}
	return UsersList
}

// MembersList names the list of one group's members, so that a cursor of
// one group's members does not page another's.
func MembersList(group string) string {
	return "members:" + group
}

// Cursor is where the next page of a list starts: after the row with
// Identifier and, in UsersByUpdateList, with update time Updated. The zero
// Cursor is the first page.
type Cursor struct {
	List       string
	Identifier string
	Updated    time.Time
}

// cursorWire is a Cursor as it travels, base64url JSON that clients must
// treat as opaque. Updated is in Unix microseconds, finer than either store
// keeps, so a cursor never rounds the time it continues after. Its key is
// "t" because older SQLite cursors held milliseconds under "u": those must
// be refused, not read as a time a thousand times too early.
type cursorWire struct {
	List       string `json:"l"`
	Identifier string `json:"i"`
	Updated    *int64 `json:"t,omitempty"`
}

// EncodeCursor returns the opaque text of c handed to clients.
func EncodeCursor(c Cursor) string {
	w := cursorWire{List: c.List, Identifier: c.Identifier}
	if !c.Updated.IsZero() {
		us := c.Updated.UnixMicro()
		w.Updated = &us
	}

	// A struct of strings and an integer cannot fail to encode.
	data, _ := json.Marshal(w)
	return base64.RawURLEncoding.EncodeToString(data)
}

// DecodeCursor reads a cursor a client handed back to page list. The empty
// text is the first page and decodes as the zero Cursor; anything that list
// did not issue is an *Error with CodeInvalid.
func DecodeCursor(text, list string) (Cursor, error) {
	if text == "" {
		return Cursor{}, nil
	}

	data, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil {
		return Cursor{}, badCursor()
	}
	var w cursorWire
	if err := json.Unmarshal(data, &w); err != nil {
		return Cursor{}, badCursor()
	}
	// Only the by-update list carries a time, and it always does.
	timed := list == UsersByUpdateList
	if w.List != list || w.Identifier == "" || timed != (w.Updated != nil) {
		return Cursor{}, badCursor()
	}

	c := Cursor{List: w.List, Identifier: w.Identifier}
	if w.Updated != nil {
		c.Updated = time.UnixMicro(*w.Updated).UTC()
	}
	// Only the exact text EncodeCursor makes is one a list issued: this
	// refuses extra fields, other spellings and trailing data alike.
	if EncodeCursor(c) != text {
		return Cursor{}, badCursor()
	}
	return c, nil
}

// badCursor is the one refusal of every cursor a list did not issue, so
// that both stores answer it alike.
func badCursor() *Error {
	return Errorf(CodeInvalid,
		"cursor is not one this list issued; start again without a cursor")
}

// Size is the number of rows p asks for: its Limit, or DefaultPageLimit
// when it names none. The HTTP layer checks the bounds of a given limit.
func (p PageRequest) Size() int {
	if p.Limit <= 0 {
		return DefaultPageLimit
	}
	return p.Limit
}
