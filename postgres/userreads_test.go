package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestUserReadsBackAwkwardGroupsInOrder(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	ctx := context.Background()

	names := []string{`"quoted"`, `back\slash`, "comma,brace}", "{curly}", "space in",
		"é accent", "✓ tick", "NULL", "a", "A", "Z", "~tilde", "日本", `[1,2]`, " lead",
		strings.Repeat("x", rollcall.MaxIdentifierBytes)}
	for i := range 40 {
		names = append(names, fmt.Sprintf("g-%03d", i))
	}
	item := rollcall.Identify{
		Identifier: `user "one", ok`,
		Properties: rollcall.Properties{
			"nested":  []byte(`{"a":[1,{"b":"}, ]"}],"c":null}`),
			`k "q"\`:  []byte(`"line\nbreak \"x\""`),
			"spaces":  []byte(`"a , b : c"`),
			"numbers": []byte(`[1.5,-2,300]`),
		},
	}
	for _, g := range names {
		item.Groups = append(item.Groups, rollcall.GroupIdentify{Identifier: g})
	}
	if err := s.Identify(ctx, "env", []rollcall.Identify{item}); err != nil {
		t.Fatalf("Identify: %v", err)
	}

	u, err := s.User(ctx, "env", item.Identifier)
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	want := slices.Clone(names)
	slices.Sort(want)
	if !slices.Equal(u.Groups, want) {
		t.Errorf("groups = %q\nwant %q", u.Groups, want)
	}
	if !reflect.DeepEqual(u.Properties, item.Properties) {
		t.Errorf("properties = %q\nwant %q", u.Properties, item.Properties)
	}
}

func TestConcurrentUserReadsEachGetTheirOwnUser(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	ctx := context.Background()

	const users = 50
	for _, env := range []string{"one", "two"} {
		var items []rollcall.Identify
		for i := range users {
			items = append(items, rollcall.Identify{
				Identifier: fmt.Sprintf("u%d", i),
				Properties: rollcall.Properties{"env": []byte(`"` + env + `"`)},
				Groups:     []rollcall.GroupIdentify{{Identifier: fmt.Sprintf("%s-g%d", env, i)}},
			})
		}
		if err := s.Identify(ctx, env, items); err != nil {
			t.Fatalf("Identify: %v", err)
		}
	}

	var wg sync.WaitGroup
	for round := range 20 {
		for i := range users + 5 {
			env := []string{"one", "two"}[(round+i)%2]
			wg.Go(func() { checkRead(t, s, env, i, i < users) })
		}
	}
	wg.Wait()
}

// checkRead reads user u<i> of env and checks it is that user, or that it
// is not found when it should not exist.
func checkRead(t *testing.T, s rollcall.Store, env string, i int, exists bool) {
	id := fmt.Sprintf("u%d", i)
	u, err := s.User(context.Background(), env, id)
	if !exists {
		if rollcall.ErrorCode(err) != rollcall.CodeNotFound {
			t.Errorf("User(%s, %s) = %v, want not found", env, id, err)
		}
		return
	}
	if err != nil {
		t.Errorf("User(%s, %s): %v", env, id, err)
		return
	}
	group := fmt.Sprintf("%s-g%d", env, i)
	if u.Identifier != id || string(u.Properties["env"]) != `"`+env+`"` ||
		!slices.Equal(u.Groups, []string{group}) {
		t.Errorf("User(%s, %s) = %s %s %q", env, id, u.Identifier, u.Properties["env"], u.Groups)
	}
}

func TestUserReadEndsWithItsContextAndAfterClose(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.User(ctx, "env", "u"); !errors.Is(err, context.Canceled) {
		t.Errorf("User with a canceled context = %v, want context.Canceled", err)
	}

	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	_, err := s.User(context.Background(), "env", "u")
	if err == nil || rollcall.ErrorCode(err) == rollcall.CodeNotFound {
		t.Errorf("User after Close = %v, want an error other than not found", err)
	}
}
