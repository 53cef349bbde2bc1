package postgres

import (
	"context"
	"errors"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/pgtest"
)

// openInternal opens a store on a schema of its own, for tests that drive
// the committer directly rather than race goroutines into one group.
func openInternal(t testing.TB, limits rollcall.Limits) *Store {
	t.Helper()
	schema := pgtest.NewSchema(t)
	conn := pgtest.SchemaURL(t, schema, map[string]string{"pool_max_conns": "4"})
	s, err := Open(context.Background(), conn, limits)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// newRequest builds a request as write would hand it to a committer.
func newRequest(ctx context.Context, env, id, js string, groups ...string) *request {
	item := rollcall.Identify{Identifier: id, Properties: rollcall.Properties{}}
	v, err := rollcall.DecodeJSON([]byte(js))
	if err == nil {
		item.Properties, err = rollcall.PropertiesFromJSON(v, 32)
	}
	if err != nil {
		panic(err) // the tests' literals are valid
	}
	for _, g := range groups {
		item.Groups = append(item.Groups, rollcall.GroupIdentify{Identifier: g})
	}
	return &request{ctx: ctx, env: env, item: item, done: make(chan error, 1)}
}

// TestCommitRetriesWithoutOffenders hands one group to the committer: the
// writes that break the limit (alone, or only merged with a good write)
// must fail alone, and the rest, across two environments, commit.
func TestCommitRetriesWithoutOffenders(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 2
	s := openInternal(t, limits)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()

	group := []*request{
		newRequest(bg, "prod", "u1", `{"a":1}`, "team"),
		newRequest(bg, "prod", "big", `{"a":1,"b":2,"c":3}`),
		newRequest(bg, "prod", "shared", `{"a":1}`),
		newRequest(bg, "test", "shared", `{"x":1,"y":2}`, "team"),
		newRequest(bg, "prod", "shared", `{"b":2,"c":3}`),
		newRequest(canceled, "prod", "gone", `{}`, "team"),
		newRequest(bg, "prod", "shared", `{"a":4}`, "team"),
	}
	s.commits.commit(group)

	wantOK := []bool{true, false, true, true, false, false, true}
	for i, req := range group {
		err := <-req.done
		var item *rollcall.ItemError
		switch {
		case wantOK[i] && err != nil:
			t.Errorf("request %d: %v, want success", i, err)
		case i == 5 && !errors.Is(err, context.Canceled):
			t.Errorf("canceled request: %v, want context.Canceled", err)
		case !wantOK[i] && i != 5 && !errors.As(err, &item):
			t.Errorf("request %d: %v, want an ItemError", i, err)
		}
	}
	checkCommitted(t, s)
}

// checkCommitted checks what TestCommitRetriesWithoutOffenders's group
// left in the database.
func checkCommitted(t testing.TB, s *Store) {
	t.Helper()
	ctx := context.Background()
	shared, err := s.User(ctx, "prod", "shared")
	if err != nil || string(shared.Properties["a"]) != "4" || len(shared.Properties) != 1 {
		t.Errorf("prod shared: %v, %v; want only a=4", err, shared.Properties)
	}
	other, err := s.User(ctx, "test", "shared")
	if err != nil || len(other.Properties) != 2 || len(other.Groups) != 1 {
		t.Errorf("test shared: %v, %v in %v; want x and y in team",
			err, other.Properties, other.Groups)
	}
	for _, id := range []string{"big", "gone"} {
		if _, err := s.User(ctx, "prod", id); rollcall.ErrorCode(err) != rollcall.CodeNotFound {
			t.Errorf("user %s was written (User: %v)", id, err)
		}
	}
	team, err := s.Group(ctx, "prod", "team")
	if err != nil || team.MemberCount != 2 {
		t.Errorf("prod team: %v, %d members; want u1 and shared", err, team.MemberCount)
	}
}
