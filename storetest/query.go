package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
)

func (h harness) runQuery(t *testing.T) {
	runAll(t, []scenario{
		{"ByUpdatedDesc", h.byUpdatedDesc},
		{"ByUpdatedDescTies", h.byUpdatedDescTies},
		{"Search", h.search},
	})
}

func (h harness) byUpdatedDesc(t *testing.T) {
	s := h.store(t)
	for _, id := range []string{"b", "a", "c", "b"} {
		identify(t, s, env, userItem(t, id, `null`))
		// Only so that each identify gets its own millisecond.
		time.Sleep(2 * time.Millisecond)
	}

	q := updatedFirst(10)
	page := listUsers(t, s, env, q)
	wantStrings(t, "most recently updated first", identifiers(page.Users), []string{"b", "c", "a"})

	q.Limit = 1
	wantStrings(t, "paged by one", walkUsers(t, s, env, q), []string{"b", "c", "a"})
}

// byUpdatedDescTies checks that users updated in the same instant come in
// identifier order, and that paging through ties loses nobody.
func (h harness) byUpdatedDescTies(t *testing.T) {
	s := h.store(t)
	seedUsers(t, s, env, "y", "x", "z", "w")
	time.Sleep(2 * time.Millisecond)
	seedUsers(t, s, env, "n", "m")

	q := updatedFirst(10)
	page := listUsers(t, s, env, q)
	for i := 1; i < len(page.Users); i++ {
		a, b := page.Users[i-1], page.Users[i]
		if a.UpdatedAt.Before(b.UpdatedAt) ||
			(a.UpdatedAt.Equal(b.UpdatedAt) && a.Identifier >= b.Identifier) {
			t.Fatalf("users %q then %q are out of order (%v, %v)", a.Identifier, b.Identifier,
				a.UpdatedAt, b.UpdatedAt)
		}
	}

	want := identifiers(page.Users)
	wantStrings(t, "first two", want[:2], []string{"m", "n"})
	q.Limit = 2
	wantStrings(t, "paged by two", walkUsers(t, s, env, q), want)
}

func (h harness) search(t *testing.T) {
	s := h.store(t)
	identify(t, s, env,
		userItem(t, "alice", `{"email":"zed@example.com"}`),
		userItem(t, "Alice", `null`),
		userItem(t, "al", `null`),
		userItem(t, "al%x", `null`),
		userItem(t, "a_b", `null`),
		userItem(t, "axb", `null`),
		userItem(t, "bob", `{"email":"ALICE@example.com"}`),
		userItem(t, "carol", `{"email":"Alice.C@example.com"}`),
		userItem(t, "dave", `{"email":42}`),
		userItem(t, "eve", `{"Email":"alice@example.com","name":"al"}`),
		userItem(t, "frank", `{"email":["al"]}`),
		userItem(t, "greg", `{"email":"ÉMILE@example.com"}`),
		userItem(t, "émile", `null`),
	)

	cases := []struct {
		search string
		want   []string
	}{
		{"al", []string{"al", "al%x", "alice", "bob", "carol"}},
		{"AL", []string{"bob", "carol"}},
		{"Al", []string{"Alice", "bob", "carol"}},
		{"a_", []string{"a_b"}},
		{"al%", []string{"al%x"}},
		{"4", nil},
		{"alice@", []string{"bob"}},
		{"nobody", nil},
		{"émile", []string{"greg", "émile"}},
		{"ÉMI", []string{"greg"}},
	}
	for _, c := range cases {
		for _, order := range []rollcall.UserOrder{rollcall.ByIdentifier, rollcall.ByUpdatedDesc} {
			q := firstPage(2)
			q.Search, q.Order = c.search, order
			got := walkUsers(t, s, env, q)
			if order == rollcall.ByUpdatedDesc {
				got = sortedCopy(got)
			}
			wantStrings(t, fmt.Sprintf("search %q, order %d", c.search, order), got, c.want)
		}
	}
}
