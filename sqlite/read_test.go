package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/sqlite"
	"github.com/rollcall/rollcall/storetest"
)

// awkwardGroups are identifiers that JSON must escape or that look like
// the separators of a JSON array, and identifiers outside ASCII.
var awkwardGroups = []string{`say "hi"`, `back\slash`, `a","b`, `[x]`, `,`, `""`,
	"é", "日本", "Zed", "a b", "tab\u00a0nbsp", "10", "9"}

// TestUserManyGroups stores a user in more groups than one identify may
// name, some of them awkward, and reads them back exactly, in byte order,
// from every read that returns users.
func TestUserManyGroups(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	ctx := context.Background()

	want := slices.Clone(awkwardGroups)
	for i := range 300 {
		want = append(want, fmt.Sprintf("group-%03d", 299-i))
	}
	var items []rollcall.Identify
	for chunk := range slices.Chunk(want, rollcall.MaxGroupsPerIdentify) {
		item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: "many",
			Properties: storetest.Props(t, `{"plan":"pro"}`)}
		for _, g := range chunk {
			item.Groups = append(item.Groups, rollcall.GroupIdentify{Identifier: g})
		}
		items = append(items, item)
	}
	if err := s.Identify(ctx, "test", items); err != nil {
		t.Fatalf("Identify: %v", err)
	}
	identifyUser(t, s, "none", `{}`)
	slices.Sort(want)

	u, err := s.User(ctx, "test", "many")
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	wantGroups(t, "User", u.Groups, want)

	page, err := s.Users(ctx, "test", rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 10}})
	if err != nil || len(page.Users) != 2 {
		t.Fatalf("Users: %v, %d users", err, len(page.Users))
	}
	wantGroups(t, "Users", page.Users[0].Groups, want)
	wantGroups(t, "Users, a user in no group", page.Users[1].Groups, []string{})

	for _, g := range []string{`a","b`, "group-150", "日本"} {
		members, err := s.GroupMembers(ctx, "test", g, rollcall.PageRequest{Limit: 10})
		if err != nil || len(members.Users) != 1 {
			t.Fatalf("GroupMembers(%q): %v, %d users", g, err, len(members.Users))
		}
		wantGroups(t, "GroupMembers "+g, members.Users[0].Groups, want)
	}
}

// wantGroups fails unless got is want, element for element; an empty want
// must be an empty slice, not nil, so that the API answers [].
func wantGroups(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("%s: groups %q (nil %t), want %q", what, got, got == nil, want)
	}
}

// TestReadsDuringWrites reads a user while each write adds it to two more
// groups and sets its "groups" property to how many it is in: every read
// must see a count and a list of groups that agree, whichever read it is.
func TestReadsDuringWrites(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	ctx := context.Background()
	identifyUser(t, s, "u", `{"groups":0}`)
	identifyUser(t, s, "v", `{"groups":0}`, "seed")

	var writes [][]rollcall.Identify
	for i := range 150 {
		props := storetest.Props(t, fmt.Sprintf(`{"groups":%d}`, 2*i+2))
		groups := []rollcall.GroupIdentify{{Identifier: fmt.Sprint("g", 2*i)},
			{Identifier: fmt.Sprint("g", 2*i+1)}}
		for _, id := range []string{"u", "v"} {
			writes = append(writes, []rollcall.Identify{{Kind: rollcall.KindUser,
				Identifier: id, Properties: props, Groups: groups}})
		}
	}

	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		defer close(done)
		for _, items := range writes {
			if err := s.Identify(ctx, "test", items); err != nil {
				t.Errorf("Identify: %v", err)
				return
			}
		}
	})

	readers := []func() ([]rollcall.User, error){
		func() ([]rollcall.User, error) {
			u, err := s.User(ctx, "test", "u")
			return []rollcall.User{u}, err
		},
		func() ([]rollcall.User, error) {
			page, err := s.Users(ctx, "test", rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 5}})
			return page.Users, err
		},
		func() ([]rollcall.User, error) {
			page, err := s.GroupMembers(ctx, "test", "seed", rollcall.PageRequest{Limit: 5})
			return page.Users, err
		},
	}
	for _, read := range readers {
		wg.Go(func() { readUntil(t, done, read) })
	}
	wg.Wait()
}

// readUntil reads until done is closed, and once more after, checking that
// each user read agrees with itself.
func readUntil(t *testing.T, done <-chan struct{}, read func() ([]rollcall.User, error)) {
	for last := false; !last; {
		select {
		case <-done:
			last = true
		default:
		}
		users, err := read()
		if err != nil {
			t.Errorf("read: %v", err)
			return
		}
		for _, u := range users {
			if err := consistent(u); err != nil {
				t.Errorf("user %s: %v", u.Identifier, err)
				return
			}
		}
	}
}

// consistent checks that u is in exactly the groups g0 to gN-1, beside
// "seed", where N is its "groups" property.
func consistent(u rollcall.User) error {
	n, err := strconv.Atoi(string(u.Properties["groups"]))
	if err != nil {
		return fmt.Errorf("groups property %s: %w", u.Properties["groups"], err)
	}
	var want []string
	for i := range n {
		want = append(want, fmt.Sprint("g", i))
	}
	if u.Identifier == "v" {
		want = append(want, "seed")
	}
	slices.Sort(want)
	got := u.Groups
	if !slices.Equal(got, want) {
		return fmt.Errorf("property says %d groups, read %d: %q", n, len(got), got)
	}
	return nil
}

// TestReadsWithEndedContext refuses reads whose context has ended, of
// one row or of a list, and the store answers the next read as before.
func TestReadsWithEndedContext(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	identifyUser(t, s, "u1", `{"email":"one@example.com"}`, "g1")
	ended, cancel := context.WithCancel(context.Background())
	cancel()

	reads := map[string]func(ctx context.Context) error{
		"User": func(ctx context.Context) error {
			_, err := s.User(ctx, "test", "u1")
			return err
		},
		"Users with search": func(ctx context.Context) error {
			_, err := s.Users(ctx, "test", rollcall.UserQuery{Search: "one"})
			return err
		},
		"GroupMembers": func(ctx context.Context) error {
			_, err := s.GroupMembers(ctx, "test", "g1", rollcall.PageRequest{})
			return err
		},
		"Group": func(ctx context.Context) error {
			_, err := s.Group(ctx, "test", "g1")
			return err
		},
		"Groups": func(ctx context.Context) error {
			_, err := s.Groups(ctx, "test", rollcall.PageRequest{})
			return err
		},
	}
	for name, read := range reads {
		// More reads than the pool has connections: none may be lost.
		for range 6 {
			if err := read(ended); !errors.Is(err, context.Canceled) {
				t.Errorf("%s with an ended context: %v, want context.Canceled", name, err)
			}
		}
		if err := read(context.Background()); err != nil {
			t.Errorf("%s after ended contexts: %v", name, err)
		}
	}
}

// TestReadAfterClose fails a read on a closed store instead of waiting.
func TestReadAfterClose(t *testing.T) {
	t.Parallel()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "rollcall.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	identifyUser(t, s, "u1", `{}`)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	if _, err := s.User(context.Background(), "test", "u1"); err == nil {
		t.Fatalf("User on a closed store: no error")
	}
	if err := s.Ping(context.Background()); err == nil {
		t.Fatalf("Ping on a closed store: no error")
	}
}
