package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
)

func (h harness) runPaging(t *testing.T) {
	runAll(t, []scenario{
		{"UsersLimit", h.usersLimit},
		{"ExactMultiple", h.exactMultiple},
		{"Empty", h.emptyLists},
		{"BogusCursor", h.bogusCursor},
		{"Groups", h.groupsPaging},
		{"GroupMembers", h.membersPaging},
		{"WhileInserting", h.pagingWhileInserting},
	})
}

// walkUsers pages through users with q and returns every identifier seen,
// failing t when a page is longer than the limit or a cursor repeats.
func walkUsers(t testing.TB, s rollcall.Store, env string, q rollcall.UserQuery) []string {
	t.Helper()
	var ids []string
	seen := map[string]bool{}
	for range 1000 {
		page, err := s.Users(context.Background(), env, q)
		if err != nil {
			t.Fatalf("Users(cursor %q): %v", q.Cursor, err)
		}
		if len(page.Users) > q.Limit {
			t.Fatalf("Users: page of %d users, limit %d", len(page.Users), q.Limit)
		}
		ids = append(ids, identifiers(page.Users)...)
		if page.NextCursor == "" {
			return ids
		}
		if seen[page.NextCursor] {
			t.Fatalf("Users: cursor %q returned twice", page.NextCursor)
		}
		seen[page.NextCursor] = true
		q.Cursor = page.NextCursor
	}
	t.Fatalf("Users: paging did not end")
	return nil
}

func seedUsers(t testing.TB, s rollcall.Store, env string, ids ...string) {
	t.Helper()
	items := make([]rollcall.Identify, len(ids))
	for i, id := range ids {
		items[i] = userItem(t, id, fmt.Sprintf(`{"n":%d}`, i))
	}
	identify(t, s, env, items...)
}

func (h harness) usersLimit(t *testing.T) {
	s := h.store(t)
	seedUsers(t, s, env, "e", "b", "d", "a", "c")
	ctx := context.Background()

	page, err := s.Users(ctx, env, rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 2}})
	if err != nil {
		t.Fatalf("Users: %v", err)
	}
	wantStrings(t, "first page", identifiers(page.Users), []string{"a", "b"})
	if page.NextCursor == "" {
		t.Fatalf("first page of three has no NextCursor")
	}

	all := walkUsers(t, s, env, rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 2}})
	wantStrings(t, "all pages", all, []string{"a", "b", "c", "d", "e"})
}

func (h harness) exactMultiple(t *testing.T) {
	s := h.store(t)
	seedUsers(t, s, env, "a", "b", "c", "d")
	q := rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 2}}
	first, err := s.Users(context.Background(), env, q)
	if err != nil {
		t.Fatalf("Users: %v", err)
	}

	q.Cursor = first.NextCursor
	last, err := s.Users(context.Background(), env, q)
	if err != nil {
		t.Fatalf("Users(second page): %v", err)
	}
	wantStrings(t, "last page", identifiers(last.Users), []string{"c", "d"})
	if last.NextCursor != "" {
		t.Fatalf("a full last page has NextCursor %q; want none", last.NextCursor)
	}
}

func (h harness) emptyLists(t *testing.T) {
	s := h.store(t)
	ctx := context.Background()
	users := listUsers(t, s, env, firstPage(10))
	if len(users.Users) != 0 || users.NextCursor != "" {
		t.Fatalf("Users of an empty store: %d users, cursor %q", len(users.Users), users.NextCursor)
	}
	groups, err := s.Groups(ctx, env, rollcall.PageRequest{Limit: 10})
	if err != nil || len(groups.Groups) != 0 || groups.NextCursor != "" {
		t.Fatalf("Groups of an empty store: %v, %d groups, cursor %q",
			err, len(groups.Groups), groups.NextCursor)
	}

	identify(t, s, env, groupItem(t, "g1", `null`))
	members, err := s.GroupMembers(ctx, env, "g1", rollcall.PageRequest{Limit: 10})
	if err != nil || len(members.Users) != 0 || members.NextCursor != "" {
		t.Fatalf("GroupMembers of an empty group: %v, %d users", err, len(members.Users))
	}
}

func (h harness) bogusCursor(t *testing.T) {
	s := h.store(t)
	ctx := context.Background()
	identify(t, s, env, userItem(t, "u1", `null`, member(t, "g1", `null`)))

	for _, c := range []string{"bogus!", "eyJ4IjoxfQ", "AAAA", "%%%"} {
		p := rollcall.PageRequest{Limit: 10, Cursor: c}
		_, err := s.Users(ctx, env, rollcall.UserQuery{PageRequest: p})
		wantCode(t, err, rollcall.CodeInvalid, "Users with cursor "+c)
		_, err = s.Groups(ctx, env, p)
		wantCode(t, err, rollcall.CodeInvalid, "Groups with cursor "+c)
		_, err = s.GroupMembers(ctx, env, "g1", p)
		wantCode(t, err, rollcall.CodeInvalid, "GroupMembers with cursor "+c)
	}
}

func (h harness) groupsPaging(t *testing.T) {
	s := h.store(t)
	ids := []string{"g3", "G", "g1", "g2", "g10"}
	for _, id := range ids {
		identify(t, s, env, groupItem(t, id, `null`))
	}

	var got []string
	p := rollcall.PageRequest{Limit: 2}
	for range 10 {
		page, err := s.Groups(context.Background(), env, p)
		if err != nil {
			t.Fatalf("Groups: %v", err)
		}
		if len(page.Groups) > 2 {
			t.Fatalf("Groups: page of %d, limit 2", len(page.Groups))
		}
		for _, g := range page.Groups {
			got = append(got, g.Identifier)
		}
		if page.NextCursor == "" {
			break
		}
		p.Cursor = page.NextCursor
	}
	wantStrings(t, "groups", got, []string{"G", "g1", "g10", "g2", "g3"})
}

func (h harness) membersPaging(t *testing.T) {
	s := h.store(t)
	for _, id := range []string{"m3", "m1", "x", "m2", "M"} {
		groups := []rollcall.GroupIdentify{member(t, "g1", `null`)}
		if id == "x" {
			groups = nil
		}
		identify(t, s, env, userItem(t, id, `null`, groups...))
	}

	var got []string
	p := rollcall.PageRequest{Limit: 3}
	for range 10 {
		page, err := s.GroupMembers(context.Background(), env, "g1", p)
		if err != nil {
			t.Fatalf("GroupMembers: %v", err)
		}
		got = append(got, identifiers(page.Users)...)
		if page.NextCursor == "" {
			break
		}
		p.Cursor = page.NextCursor
	}
	wantStrings(t, "members", got, []string{"M", "m1", "m2", "m3"})
}

// pagingWhileInserting walks the users while other goroutines insert new
// ones between and around them: each original user appears exactly once.
func (h harness) pagingWhileInserting(t *testing.T) {
	s := h.store(t)
	var original []string
	for i := range 30 {
		original = append(original, fmt.Sprintf("u%02d", i*2))
	}
	seedUsers(t, s, env, original...)

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 2 {
		wg.Go(func() { insertUntil(t, s, w, stop) })
	}
	got := walkUsers(t, s, env, rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 4}})
	close(stop)
	wg.Wait()

	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Fatalf("walk is not strictly in byte order: %q", got)
	}
	for _, id := range original {
		if !slices.Contains(got, id) {
			t.Fatalf("walk skipped %q: %q", id, got)
		}
	}
}

// insertUntil inserts users that sort between and around the seeded ones
// until stop is closed, at most 150 of them so that the walk always ends.
func insertUntil(t testing.TB, s rollcall.Store, worker int, stop <-chan struct{}) {
	for i := range 150 {
		select {
		case <-stop:
			return
		default:
		}
		id := fmt.Sprintf("u%02d-%d", (i*7)%60, worker)
		if i%5 == 0 {
			id = fmt.Sprintf("%c-%d-%d", "aUz"[i%3], worker, i)
		}
		item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: id}
		if err := s.Identify(context.Background(), env, []rollcall.Identify{item}); err != nil {
			t.Errorf("insert %q while paging: %v", id, err)
			return
		}
	}
}
