package storetest

import (
	"context"
	"testing"

	"github.com/rollcall/rollcall"
)

// pagedList is one list a cursor can page: name it, and read one page of
// it with a request.
type pagedList struct {
	name string
	page func(s rollcall.Store, p rollcall.PageRequest) (string, error)
}

// pagedLists are every list of the store interface that issues cursors,
// each holding more than one page when read one row at a time.
func pagedLists() []pagedList {
	ctx := context.Background()
	users := func(order rollcall.UserOrder) func(rollcall.Store, rollcall.PageRequest) (string, error) {
		return func(s rollcall.Store, p rollcall.PageRequest) (string, error) {
			page, err := s.Users(ctx, env, rollcall.UserQuery{PageRequest: p, Order: order})
			return page.NextCursor, err
		}
	}
	members := func(group string) func(rollcall.Store, rollcall.PageRequest) (string, error) {
		return func(s rollcall.Store, p rollcall.PageRequest) (string, error) {
			page, err := s.GroupMembers(ctx, env, group, p)
			return page.NextCursor, err
		}
	}
	return []pagedList{
		{"users by identifier", users(rollcall.ByIdentifier)},
		{"users by update time", users(rollcall.ByUpdatedDesc)},
		{"groups", func(s rollcall.Store, p rollcall.PageRequest) (string, error) {
			page, err := s.Groups(ctx, env, p)
			return page.NextCursor, err
		}},
		{"members of group A", members("gA")},
		{"members of group B", members("gB")},
	}
}

// runCursors checks that a cursor pages only the list that issued it: a
// cursor of each list is refused by every other list, and still accepted
// by its own. Every refusal is the domain's own, word for word, so the
// stores cannot drift apart.
func (h harness) runCursors(t *testing.T) {
	t.Parallel()
	s := h.store(t)
	identify(t, s, env,
		userItem(t, "u1", `null`, member(t, "gA", `null`), member(t, "gB", `null`)),
		userItem(t, "u2", `null`, member(t, "gA", `null`), member(t, "gB", `null`)),
		userItem(t, "u3", `null`, member(t, "gA", `null`), member(t, "gB", `null`)),
		groupItem(t, "gC", `null`))

	lists := pagedLists()
	cursors := make([]string, len(lists))
	for i, l := range lists {
		next, err := l.page(s, rollcall.PageRequest{Limit: 1})
		if err != nil || next == "" {
			t.Fatalf("first page of %s: cursor %q, error %v; want a cursor", l.name, next, err)
		}
		cursors[i] = next
	}

	for i, from := range lists {
		for j, to := range lists {
			t.Run(from.name+" on "+to.name, func(t *testing.T) {
				_, err := to.page(s, rollcall.PageRequest{Limit: 1, Cursor: cursors[i]})
				if i == j {
					if err != nil {
						t.Fatalf("its own cursor: %v", err)
					}
					return
				}
				wantCursorRefusal(t, err, "a cursor of "+from.name)
			})
		}
	}
	for _, l := range lists {
		t.Run("not a cursor on "+l.name, func(t *testing.T) {
			_, err := l.page(s, rollcall.PageRequest{Limit: 1, Cursor: "not-a-cursor"})
			wantCursorRefusal(t, err, "a made-up cursor")
		})
	}
}

// wantCursorRefusal fails t unless err refuses a cursor in the words of
// rollcall.DecodeCursor.
func wantCursorRefusal(t testing.TB, err error, what string) {
	t.Helper()
	wantCode(t, err, rollcall.CodeInvalid, what)

	_, want := rollcall.DecodeCursor("!", rollcall.GroupsList)
	if want == nil {
		t.Fatal("rollcall.DecodeCursor accepted \"!\"; the check below needs its refusal")
	}
	got, wantDetails := rollcall.ErrorDetails(err, false), rollcall.ErrorDetails(want, false)
	if got != wantDetails {
		t.Fatalf("%s: details %q, want %q", what, got, wantDetails)
	}
}
