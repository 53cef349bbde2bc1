package rollcall_test

import (
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
)

// cursorRefusal is the sentence every list answers a foreign cursor with.
const cursorRefusal = "cursor is not one this list issued; start again without a cursor"

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	updated := time.Date(2026, 3, 4, 5, 6, 7, 891000000, time.UTC)
	cases := []struct {
		name   string
		cursor rollcall.Cursor
	}{
		{"users", rollcall.Cursor{List: rollcall.UsersList, Identifier: "u1"}},
		{"users by update", rollcall.Cursor{
			List: rollcall.UsersByUpdateList, Identifier: "u<2>&", Updated: updated}},
		{"groups", rollcall.Cursor{List: rollcall.GroupsList, Identifier: "g/ü"}},
		{"members", rollcall.Cursor{List: rollcall.MembersList("g:1"), Identifier: "u\"3"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			text := rollcall.EncodeCursor(c.cursor)
			got, err := rollcall.DecodeCursor(text, c.cursor.List)
			if err != nil {
				t.Fatalf("decode %q: %v", text, err)
			}
			if got.List != c.cursor.List || got.Identifier != c.cursor.Identifier ||
				!got.Updated.Equal(c.cursor.Updated) {
				t.Fatalf("round trip of %+v gave %+v", c.cursor, got)
			}
		})
	}
}

func TestCursorFirstPage(t *testing.T) {
	t.Parallel()
	got, err := rollcall.DecodeCursor("", rollcall.GroupsList)
	if err != nil || got != (rollcall.Cursor{}) {
		t.Fatalf("empty cursor: got %+v, %v; want the zero Cursor", got, err)
	}
}

func TestCursorRefusedAcrossLists(t *testing.T) {
	t.Parallel()
	updated := time.Date(2026, 1, 2, 3, 4, 5, 6000000, time.UTC)
	lists := []string{
		rollcall.UsersList, rollcall.UsersByUpdateList, rollcall.GroupsList,
		rollcall.MembersList("gA"), rollcall.MembersList("gB"),
	}
	for _, from := range lists {
		c := rollcall.Cursor{List: from, Identifier: "x1"}
		if from == rollcall.UsersByUpdateList {
			c.Updated = updated
		}
		text := rollcall.EncodeCursor(c)
		for _, to := range lists {
			t.Run(from+" on "+to, func(t *testing.T) {
				t.Parallel()
				_, err := rollcall.DecodeCursor(text, to)
				if from == to {
					if err != nil {
						t.Fatalf("its own cursor: %v", err)
					}
					return
				}
				wantRefusal(t, err)
			})
		}
	}
}

func TestCursorRefusesForgeries(t *testing.T) {
	t.Parallel()
	raw := func(json string) string {
		return base64.RawURLEncoding.EncodeToString([]byte(json))
	}
	cases := []struct {
		name, text, list string
	}{
		{"not base64", "!!", rollcall.UsersList},
		{"padded base64", base64.URLEncoding.EncodeToString([]byte(`{"l":"users","i":"ab"}`)),
			rollcall.UsersList},
		{"not JSON", raw("users"), rollcall.UsersList},
		{"no identifier", raw(`{"l":"users","i":""}`), rollcall.UsersList},
		{"unknown field", raw(`{"l":"users","i":"a","x":1}`), rollcall.UsersList},
		{"trailing data", raw(`{"l":"users","i":"a"}{}`), rollcall.UsersList},
		{"time on an untimed list", raw(`{"l":"users","i":"a","t":5}`), rollcall.UsersList},
		{"older milliseconds time", raw(`{"l":"users-updated","i":"a","u":1767225600000}`),
			rollcall.UsersByUpdateList},
		{"no time on the timed list", raw(`{"l":"users-updated","i":"a"}`),
			rollcall.UsersByUpdateList},
		{"another group's members", raw(`{"l":"members:gA","i":"a"}`),
			rollcall.MembersList("gB")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := rollcall.DecodeCursor(c.text, c.list)
			wantRefusal(t, err)
		})
	}
}

// wantRefusal fails t unless err is the invalid-cursor refusal.
func wantRefusal(t testing.TB, err error) {
	t.Helper()
	var e *rollcall.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v (%T), want a *rollcall.Error", err, err)
	}
	if e.Code != rollcall.CodeInvalid || e.Details != cursorRefusal {
		t.Fatalf("got %s %q, want %s %q", e.Code, e.Details, rollcall.CodeInvalid, cursorRefusal)
	}
}

func TestPageRequestSize(t *testing.T) {
	t.Parallel()
	cases := []struct {
		limit, want int
	}{
		{0, rollcall.DefaultPageLimit},
		{-1, rollcall.DefaultPageLimit},
		{1, 1},
		{1000, 1000},
	}
	for _, c := range cases {
		if got := (rollcall.PageRequest{Limit: c.limit}).Size(); got != c.want {
			t.Errorf("Size of limit %d = %d, want %d", c.limit, got, c.want)
		}
	}
}
