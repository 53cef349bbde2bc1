package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/internal/pgtest"
	"github.com/rollcall/rollcall/postgres"
	"github.com/rollcall/rollcall/storetest"
)

// identifyAll sends items at once, one single identify per goroutine, and
// returns each call's error.
func identifyAll(s *postgres.Store, items []rollcall.Identify) []error {
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for i, item := range items {
		wg.Go(func() {
			errs[i] = s.Identify(context.Background(), "prod", []rollcall.Identify{item})
		})
	}
	wg.Wait()
	return errs
}

func TestGroupCommit(t *testing.T) {
	t.Run("many users at once are all stored", testManyUsers)
	t.Run("many keys on one user at once all survive", testManyKeysOneUser)
	t.Run("a write over the limit fails alone", testOverLimitAlone)
	t.Run("a canceled write is not applied", testCanceled)
	t.Run("close answers every write", testCloseAnswers)
}

func testManyUsers(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	const n = 64
	items := make([]rollcall.Identify, n)
	for i := range items {
		items[i] = rollcall.Identify{Identifier: fmt.Sprintf("u%02d", i),
			Properties: rollcall.Properties{"n": []byte(fmt.Sprint(i))},
			Groups:     []rollcall.GroupIdentify{{Identifier: fmt.Sprintf("g%d", i%4)}}}
	}
	for i, err := range identifyAll(s, items) {
		if err != nil {
			t.Fatalf("Identify %d: %v", i, err)
		}
	}

	for i, item := range items {
		u, err := s.User(context.Background(), "prod", item.Identifier)
		if err != nil {
			t.Fatalf("User %s: %v", item.Identifier, err)
		}
		if got := string(u.Properties["n"]); got != fmt.Sprint(i) || len(u.Groups) != 1 {
			t.Errorf("user %s: n = %s, groups %v; want %d and one group",
				u.Identifier, got, u.Groups, i)
		}
	}
	for g := range 4 {
		group, err := s.Group(context.Background(), "prod", fmt.Sprintf("g%d", g))
		if err != nil || group.MemberCount != n/4 {
			t.Errorf("group g%d: %v, %d members; want %d", g, err, group.MemberCount, n/4)
		}
	}
}

func testManyKeysOneUser(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	const n = 64
	items := make([]rollcall.Identify, n)
	for i := range items {
		key := fmt.Sprintf("k%d", i)
		items[i] = rollcall.Identify{Identifier: "same",
			Properties: rollcall.Properties{key: []byte(fmt.Sprint(i)), "last": []byte("null")},
			Groups: []rollcall.GroupIdentify{{Identifier: "team",
				Properties: rollcall.Properties{key: []byte("true")}}}}
	}
	for i, err := range identifyAll(s, items) {
		if err != nil {
			t.Fatalf("Identify %d: %v", i, err)
		}
	}

	u, err := s.User(context.Background(), "prod", "same")
	if err != nil {
		t.Fatalf("User: %v", err)
	}
	if len(u.Properties) != n+1 || string(u.Properties["last"]) != "null" {
		t.Errorf("user has %d properties (last = %s), want %d and null: a merge was lost",
			len(u.Properties), u.Properties["last"], n+1)
	}
	for i := range n {
		if got := string(u.Properties[fmt.Sprintf("k%d", i)]); got != fmt.Sprint(i) {
			t.Errorf("k%d = %q, want %d", i, got, i)
		}
	}
	g, err := s.Group(context.Background(), "prod", "team")
	if err != nil || len(g.Properties) != n || g.MemberCount != 1 {
		t.Errorf("team: %v, %d properties, %d members; want %d and 1",
			err, len(g.Properties), g.MemberCount, n)
	}
}

// testOverLimitAlone mixes good writes with writes that break the limit,
// some on rows of their own and some on a row the good writes share.
func testOverLimitAlone(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 3
	s := openStore(t, limits)

	var items []rollcall.Identify
	for i := range 30 {
		switch i % 3 {
		case 0:
			items = append(items, rollcall.Identify{Identifier: fmt.Sprint("good", i),
				Groups: []rollcall.GroupIdentify{{Identifier: "team"}}})
		case 1:
			items = append(items, rollcall.Identify{Identifier: fmt.Sprint("bad", i),
				Properties: storetest.Props(t, `{"a":1,"b":2,"c":3,"d":4}`)})
		default:
			items = append(items, rollcall.Identify{Identifier: "shared",
				Properties: rollcall.Properties{fmt.Sprint("k", i%9): []byte("1")}})
		}
	}
	errs := identifyAll(s, items)

	for i, err := range errs {
		var item *rollcall.ItemError
		isBad := i%3 == 1
		if isBad && (!errors.As(err, &item) || item.Index != 0) {
			t.Errorf("write %d over the limit: got %v, want an ItemError for item 0", i, err)
		}
		if !isBad && err != nil {
			t.Errorf("write %d within the limit: %v", i, err)
		}
		_, readErr := s.User(context.Background(), "prod", items[i].Identifier)
		if isBad != (rollcall.ErrorCode(readErr) == rollcall.CodeNotFound) {
			t.Errorf("write %d (over the limit: %v) then User: %v", i, isBad, readErr)
		}
	}
	checkShared(t, s)
}

// checkShared checks the row that good writes shared kept all their keys.
func checkShared(t testing.TB, s *postgres.Store) {
	t.Helper()
	u, err := s.User(context.Background(), "prod", "shared")
	if err != nil || len(u.Properties) != 3 {
		t.Errorf("shared user: %v, %v; want k2, k5 and k8", err, u.Properties)
	}
	g, err := s.Group(context.Background(), "prod", "team")
	if err != nil || g.MemberCount != 10 {
		t.Errorf("team: %v, %d members; want 10", err, g.MemberCount)
	}
}

func testCanceled(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	item := rollcall.Identify{Identifier: "u1", Groups: []rollcall.GroupIdentify{{Identifier: "g"}}}
	err := s.Identify(ctx, "prod", []rollcall.Identify{item})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Identify with a canceled context: got %v, want context.Canceled", err)
	}
	_, err = s.User(context.Background(), "prod", "u1")
	if rollcall.ErrorCode(err) != rollcall.CodeNotFound {
		t.Errorf("the canceled write was applied (User: %v)", err)
	}
	_, err = s.Group(context.Background(), "prod", "g")
	if rollcall.ErrorCode(err) != rollcall.CodeNotFound {
		t.Errorf("the canceled write's group was applied (Group: %v)", err)
	}
}

// testCloseAnswers closes the store while writes are being sent: every call
// must return, and every write acknowledged before must be stored.
func testCloseAnswers(t *testing.T) {
	t.Parallel()
	conn := schemaURL(t, pgtest.NewSchema(t))
	s := openAt(t, conn, rollcall.DefaultLimits())
	const n = 40
	items := make([]rollcall.Identify, n)
	for i := range items {
		items[i] = rollcall.Identify{Identifier: fmt.Sprint("u", i)}
	}

	w := startWriters(s, 2)
	w.waitAcked(t, 5)
	var errs []error
	var wg sync.WaitGroup
	wg.Go(func() { errs = identifyAll(s, items) })
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	wg.Wait()
	acked := w.stop()

	again := openAt(t, conn, rollcall.DefaultLimits())
	checkAcked(t, again, acked)
	for i, err := range errs {
		_, readErr := again.User(context.Background(), "prod", items[i].Identifier)
		if err == nil && readErr != nil {
			t.Errorf("write %d was acknowledged but is not stored: %v", i, readErr)
		}
	}
}
