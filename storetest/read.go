package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
)

func (h harness) runTimestamps(t *testing.T) {
	runAll(t, []scenario{
		{"UserTimestamps", h.userTimestamps},
		{"GroupTimestamps", h.groupTimestamps},
	})
}

// wantStamp fails t unless ts is UTC, has at most millisecond precision and
// lies between from and to (both rounded outwards to the millisecond).
func wantStamp(t testing.TB, what string, ts, from, to time.Time) {
	t.Helper()
	if ts.Location() != time.UTC {
		t.Fatalf("%s: %v is not in UTC", what, ts)
	}
	if !ts.Equal(ts.Truncate(time.Millisecond)) {
		t.Fatalf("%s: %v has more than millisecond precision", what, ts)
	}
	lo := from.Truncate(time.Millisecond)
	hi := to.Truncate(time.Millisecond).Add(time.Millisecond)
	if ts.Before(lo) || ts.After(hi) {
		t.Fatalf("%s: %v is outside the call, between %v and %v", what, ts, lo, hi)
	}
}

func (h harness) userTimestamps(t *testing.T) {
	s := h.store(t)
	start := time.Now()
	identify(t, s, env, userItem(t, "u1", `{"a":1}`))
	first := getUser(t, s, env, "u1")
	wantStamp(t, "createdAt", first.CreatedAt, start, time.Now())
	if !first.UpdatedAt.Equal(first.CreatedAt) {
		t.Fatalf("new user: updatedAt %v differs from createdAt %v",
			first.UpdatedAt, first.CreatedAt)
	}

	// Only to make it likely that the clock moves; nothing is timed.
	time.Sleep(3 * time.Millisecond)
	start = time.Now()
	identify(t, s, env, userItem(t, "u1", `null`, member(t, "g1", `null`)))
	second := getUser(t, s, env, "u1")
	if !second.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("createdAt changed on update: %v then %v", first.CreatedAt, second.CreatedAt)
	}
	wantStamp(t, "updatedAt", second.UpdatedAt, start, time.Now())
	if second.UpdatedAt.Before(first.UpdatedAt) {
		t.Fatalf("updatedAt went back: %v then %v", first.UpdatedAt, second.UpdatedAt)
	}
}

func (h harness) groupTimestamps(t *testing.T) {
	s := h.store(t)
	start := time.Now()
	identify(t, s, env, groupItem(t, "g1", `{"a":1}`))
	first := getGroup(t, s, env, "g1")
	wantStamp(t, "group createdAt", first.CreatedAt, start, time.Now())

	time.Sleep(3 * time.Millisecond)
	start = time.Now()
	identify(t, s, env, userItem(t, "u1", `null`, member(t, "g1", `{"b":2}`)))
	second := getGroup(t, s, env, "g1")
	if !second.CreatedAt.Equal(first.CreatedAt) {
		t.Fatalf("group createdAt changed: %v then %v", first.CreatedAt, second.CreatedAt)
	}
	wantStamp(t, "group updatedAt", second.UpdatedAt, start, time.Now())
}

func (h harness) runRead(t *testing.T) {
	runAll(t, []scenario{
		{"NotFound", h.readNotFound},
		{"GroupsInByteOrder", h.groupsInByteOrder},
		{"MemberCount", h.memberCount},
		{"UsersListHasGroups", h.usersListHasGroups},
	})
}

func (h harness) readNotFound(t *testing.T) {
	s := h.store(t)
	ctx := context.Background()
	identify(t, s, env, userItem(t, "u1", `null`, member(t, "g1", `null`)))

	_, err := s.User(ctx, env, "nobody")
	wantCode(t, err, rollcall.CodeNotFound, "User of an unknown user")
	_, err = s.Group(ctx, env, "u1")
	wantCode(t, err, rollcall.CodeNotFound, "Group of an unknown group")
	_, err = s.GroupMembers(ctx, env, "nogroup", rollcall.PageRequest{Limit: 10})
	wantCode(t, err, rollcall.CodeNotFound, "GroupMembers of an unknown group")
}

func (h harness) groupsInByteOrder(t *testing.T) {
	s := h.store(t)
	groups := []string{"b", "é", "B", "a", "a b", "_", "Z", "10", "9"}
	var members []rollcall.GroupIdentify
	for _, g := range groups {
		members = append(members, member(t, g, `null`))
	}
	identify(t, s, env, userItem(t, "u1", `null`, members...))

	want := []string{"10", "9", "B", "Z", "_", "a", "a b", "b", "é"}
	wantStrings(t, "user groups", getUser(t, s, env, "u1").Groups, want)

	page := listUsers(t, s, env, firstPage(10))
	if len(page.Users) != 1 {
		t.Fatalf("Users: %d users, want 1", len(page.Users))
	}
	wantStrings(t, "listed user groups", page.Users[0].Groups, want)
}

func (h harness) memberCount(t *testing.T) {
	s := h.store(t)
	for _, u := range []string{"u1", "u2", "u3"} {
		identify(t, s, env, userItem(t, u, `null`, member(t, "g1", `null`)))
	}
	identify(t, s, env, userItem(t, "u4", `null`, member(t, "g2", `null`)))

	if n := getGroup(t, s, env, "g1").MemberCount; n != 3 {
		t.Fatalf("g1 member count: got %d, want 3", n)
	}
	page, err := s.Groups(context.Background(), env, rollcall.PageRequest{Limit: 10})
	if err != nil || len(page.Groups) != 2 {
		t.Fatalf("Groups: %v, %d groups", err, len(page.Groups))
	}
	if page.Groups[0].MemberCount != 3 || page.Groups[1].MemberCount != 1 {
		t.Fatalf("listed member counts: got %d and %d, want 3 and 1",
			page.Groups[0].MemberCount, page.Groups[1].MemberCount)
	}
}

func (h harness) usersListHasGroups(t *testing.T) {
	s := h.store(t)
	identify(t, s, env,
		userItem(t, "u1", `{"a":1}`, member(t, "g2", `null`), member(t, "g1", `null`)),
		userItem(t, "u2", `null`),
		userItem(t, "u3", `{"b":2}`, member(t, "g2", `null`)),
	)

	page := listUsers(t, s, env, firstPage(10))
	wantStrings(t, "users", identifiers(page.Users), []string{"u1", "u2", "u3"})
	wantStrings(t, "u1 groups", page.Users[0].Groups, []string{"g1", "g2"})
	wantStrings(t, "u2 groups", page.Users[1].Groups, nil)
	wantStrings(t, "u3 groups", page.Users[2].Groups, []string{"g2"})
	wantProps(t, page.Users[0].Properties, `{"a":1}`)
	wantProps(t, page.Users[2].Properties, `{"b":2}`)

	members, err := s.GroupMembers(context.Background(), env, "g2", rollcall.PageRequest{Limit: 10})
	if err != nil {
		t.Fatalf("GroupMembers: %v", err)
	}
	wantStrings(t, "g2 members", identifiers(members.Users), []string{"u1", "u3"})
	wantStrings(t, "member u1 groups", members.Users[0].Groups, []string{"g1", "g2"})
}

func (h harness) runDelete(t *testing.T) {
	runAll(t, []scenario{
		{"DeleteUser", h.deleteUser},
		{"DeleteGroup", h.deleteGroup},
		{"DeleteMembership", h.deleteMembership},
		{"NotFound", h.deleteNotFound},
	})
}

func (h harness) deleteUser(t *testing.T) {
	s := h.store(t)
	identify(t, s, env,
		userItem(t, "u1", `{"a":1}`, member(t, "g1", `null`)),
		userItem(t, "u2", `null`, member(t, "g1", `null`)),
	)
	if err := s.DeleteUser(context.Background(), env, "u1"); err != nil {
		t.Fatalf("DeleteUser: %v", err)
	}

	_, err := s.User(context.Background(), env, "u1")
	wantCode(t, err, rollcall.CodeNotFound, "deleted user")
	if n := getGroup(t, s, env, "g1").MemberCount; n != 1 {
		t.Fatalf("member count after deleting a member: got %d, want 1", n)
	}

	identify(t, s, env, userItem(t, "u1", `{"b":2}`))
	u := getUser(t, s, env, "u1")
	wantProps(t, u.Properties, `{"b":2}`)
	wantStrings(t, "recreated user groups", u.Groups, nil)
}

func (h harness) deleteGroup(t *testing.T) {
	s := h.store(t)
	identify(t, s, env,
		userItem(t, "u1", `{"a":1}`, member(t, "g1", `null`), member(t, "g2", `null`)))
	if err := s.DeleteGroup(context.Background(), env, "g1"); err != nil {
		t.Fatalf("DeleteGroup: %v", err)
	}

	_, err := s.Group(context.Background(), env, "g1")
	wantCode(t, err, rollcall.CodeNotFound, "deleted group")
	u := getUser(t, s, env, "u1")
	wantStrings(t, "groups after deleting one", u.Groups, []string{"g2"})
	wantProps(t, u.Properties, `{"a":1}`)

	identify(t, s, env, groupItem(t, "g1", `null`))
	if n := getGroup(t, s, env, "g1").MemberCount; n != 0 {
		t.Fatalf("recreated group member count: got %d, want 0", n)
	}
}

func (h harness) deleteMembership(t *testing.T) {
	s := h.store(t)
	identify(t, s, env, userItem(t, "u1", `null`, member(t, "g1", `null`), member(t, "g2", `null`)))
	if err := s.DeleteMembership(context.Background(), env, "u1", "g1"); err != nil {
		t.Fatalf("DeleteMembership: %v", err)
	}

	wantStrings(t, "groups after leaving one", getUser(t, s, env, "u1").Groups, []string{"g2"})
	if n := getGroup(t, s, env, "g1").MemberCount; n != 0 {
		t.Fatalf("member count after leaving: got %d, want 0", n)
	}
	err := s.DeleteMembership(context.Background(), env, "u1", "g1")
	wantCode(t, err, rollcall.CodeNotFound, "deleting a membership twice")
}

func (h harness) deleteNotFound(t *testing.T) {
	s := h.store(t)
	ctx := context.Background()
	identify(t, s, env, userItem(t, "u1", `null`), groupItem(t, "g1", `null`))

	wantCode(t, s.DeleteUser(ctx, env, "nobody"), rollcall.CodeNotFound,
		"DeleteUser of an unknown user")
	wantCode(t, s.DeleteGroup(ctx, env, "u1"), rollcall.CodeNotFound,
		"DeleteGroup of an unknown group")
	long := strings.Repeat("x", 150)
	for _, c := range []struct{ what, user, group, details string }{
		{"a user not in the group", "u1", "g1", `user "u1" is not a member of group "g1"`},
		{"an unknown user", "nobody", "g1", `no user "nobody" in this environment`},
		{"an unknown group", "u1", "nogroup", `no group "nogroup" in this environment`},
		{"an unknown user and group", "nobody", "nogroup", `no user "nobody" in this environment`},
		{"a long unknown user", long, "g1",
			"no user " + rollcall.QuoteID(long) + " in this environment"},
	} {
		what := "DeleteMembership of " + c.what
		err := s.DeleteMembership(ctx, env, c.user, c.group)
		wantCode(t, err, rollcall.CodeNotFound, what)
		if d := rollcall.ErrorDetails(err, false); d != c.details {
			t.Errorf("%s: details %q, want %q", what, d, c.details)
		}
	}
	getUser(t, s, env, "u1")
	getGroup(t, s, env, "g1")
}
