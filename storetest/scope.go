package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

// sortedCopy returns ids sorted in byte order.
func sortedCopy(ids []string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	return out
}

func (h harness) runIdentifiers(t *testing.T) {
	runAll(t, []scenario{
		{"ByteForByte", h.byteForByte},
	})
}

// byteForByte stores users whose identifiers differ only by case, trailing
// space or Unicode normalisation: each is its own user.
func (h harness) byteForByte(t *testing.T) {
	s := h.store(t)
	ids := []string{"a", "A", "a ", " a", "\u00e9", "e\u0301", "1", "01", "a/b", "ß", "ss",
		"a%", "a_", "'; DROP TABLE users; --", strings.Repeat("é", rollcall.MaxIdentifierBytes/2)}
	for i, id := range ids {
		identify(t, s, env, userItem(t, id, fmt.Sprintf(`{"i":%d}`, i), member(t, id, `null`)))
	}

	for i, id := range ids {
		u := getUser(t, s, env, id)
		wantProps(t, u.Properties, fmt.Sprintf(`{"i":%d}`, i))
		wantStrings(t, fmt.Sprintf("groups of %q", id), u.Groups, []string{id})
	}
	q := rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 3}}
	wantStrings(t, "users in byte order", walkUsers(t, s, env, q), sortedCopy(ids))

	_, err := s.User(context.Background(), env, "a  ")
	wantCode(t, err, rollcall.CodeNotFound, "an identifier with one more space")
}

func (h harness) runEnvironments(t *testing.T) {
	runAll(t, []scenario{
		{"Isolation", h.envIsolation},
		{"SameIdentifier", h.envSameIdentifier},
	})
}

func (h harness) envIsolation(t *testing.T) {
	s := h.store(t)
	ctx := context.Background()
	identify(t, s, "a", userItem(t, "u1", `{"x":1}`, member(t, "g1", `null`)))

	_, err := s.User(ctx, "b", "u1")
	wantCode(t, err, rollcall.CodeNotFound, "user of another environment")
	_, err = s.Group(ctx, "b", "g1")
	wantCode(t, err, rollcall.CodeNotFound, "group of another environment")
	_, err = s.GroupMembers(ctx, "b", "g1", rollcall.PageRequest{Limit: 10})
	wantCode(t, err, rollcall.CodeNotFound, "members of another environment's group")
	wantCode(t, s.DeleteUser(ctx, "b", "u1"), rollcall.CodeNotFound,
		"deleting another environment's user")
	wantCode(t, s.DeleteGroup(ctx, "b", "g1"), rollcall.CodeNotFound,
		"deleting another environment's group")
	wantCode(t, s.DeleteMembership(ctx, "b", "u1", "g1"), rollcall.CodeNotFound,
		"deleting another environment's membership")

	if users := listUsers(t, s, "b", firstPage(10)); len(users.Users) != 0 {
		t.Fatalf("Users of env b: %q", identifiers(users.Users))
	}
	groups, err := s.Groups(ctx, "b", rollcall.PageRequest{Limit: 10})
	if err != nil || len(groups.Groups) != 0 {
		t.Fatalf("Groups of env b: %v, %d groups", err, len(groups.Groups))
	}

	u := getUser(t, s, "a", "u1")
	wantStrings(t, "env a groups intact", u.Groups, []string{"g1"})
	wantProps(t, u.Properties, `{"x":1}`)
}

func (h harness) envSameIdentifier(t *testing.T) {
	s := h.store(t)
	identify(t, s, "a", userItem(t, "u1", `{"env":"a"}`, member(t, "g1", `{"env":"a"}`)))
	identify(t, s, "b", userItem(t, "u1", `{"env":"b"}`))
	identify(t, s, "b", userItem(t, "u2", `null`, member(t, "g1", `{"env":"b"}`)))

	wantProps(t, getUser(t, s, "a", "u1").Properties, `{"env":"a"}`)
	wantProps(t, getUser(t, s, "b", "u1").Properties, `{"env":"b"}`)
	wantStrings(t, "groups of u1 in b", getUser(t, s, "b", "u1").Groups, nil)
	ga, gb := getGroup(t, s, "a", "g1"), getGroup(t, s, "b", "g1")
	wantProps(t, ga.Properties, `{"env":"a"}`)
	wantProps(t, gb.Properties, `{"env":"b"}`)
	if ga.MemberCount != 1 || gb.MemberCount != 1 {
		t.Fatalf("member counts: a %d, b %d; want 1 each", ga.MemberCount, gb.MemberCount)
	}

	if err := s.DeleteUser(context.Background(), "b", "u1"); err != nil {
		t.Fatalf("DeleteUser in b: %v", err)
	}
	getUser(t, s, "a", "u1")
}
