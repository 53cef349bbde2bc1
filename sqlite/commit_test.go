package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/sqlite"
	"github.com/rollcall/rollcall/storetest"
)

// TestConcurrentWritesFailAlone sends many identifies at once; every other
// one writes a user and a membership, then breaks the property limit in its
// second item. Writes that share a transaction must still succeed or fail,
// whole, on their own.
func TestConcurrentWritesFailAlone(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 2
	s := openStore(t, limits)

	const writers = 40
	errs := make([]error, writers)
	var wg sync.WaitGroup
	for i := range writers {
		items := []rollcall.Identify{{Kind: rollcall.KindUser, Identifier: fmt.Sprint("u", i),
			Properties: storetest.Props(t, `{"a":1}`), Groups: []rollcall.GroupIdentify{{Identifier: "shared"}}}}
		if i%2 == 1 {
			items = append(items, rollcall.Identify{Kind: rollcall.KindUser,
				Identifier: fmt.Sprint("u", i), Properties: storetest.Props(t, `{"b":2,"c":3}`)})
		}
		wg.Go(func() {
			errs[i] = s.Identify(context.Background(), "test", items)
		})
	}
	wg.Wait()

	for i, err := range errs {
		_, readErr := s.User(context.Background(), "test", fmt.Sprint("u", i))
		if i%2 == 0 && (err != nil || readErr != nil) {
			t.Fatalf("write %d within the limit: %v, then %v", i, err, readErr)
		}
		var item *rollcall.ItemError
		rejected := errors.As(err, &item) && rollcall.ErrorCode(readErr) == rollcall.CodeNotFound
		if i%2 == 1 && !rejected {
			t.Fatalf("write %d over the limit: got %v, then read %v", i, err, readErr)
		}
	}
	g, err := s.Group(context.Background(), "test", "shared")
	if err != nil || g.MemberCount != writers/2 {
		t.Fatalf("shared group: %v, %d members; want %d", err, g.MemberCount, writers/2)
	}
}

func TestWriteAfterClose(t *testing.T) {
	t.Parallel()
	s, err := sqlite.Open(filepath.Join(t.TempDir(), "rollcall.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: "u1"}
	if err := s.Identify(context.Background(), "test", []rollcall.Identify{item}); err == nil {
		t.Fatalf("Identify after Close: no error")
	}
}

func TestCanceledBeforeWrite(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: "u1"}
	err := s.Identify(ctx, "test", []rollcall.Identify{item})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Identify with a canceled context: got %v, want context.Canceled", err)
	}
	_, err = s.User(context.Background(), "test", "u1")
	if rollcall.ErrorCode(err) != rollcall.CodeNotFound {
		t.Fatalf("canceled write was applied: %v", err)
	}
}

// TestWriteAfterFailedWrite checks that a lone write that fails is rolled
// back whole and leaves the writer ready for the next transaction.
func TestWriteAfterFailedWrite(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 1
	s := openStore(t, limits)
	ctx := context.Background()

	over := []rollcall.Identify{
		{Kind: rollcall.KindUser, Identifier: "u1", Properties: storetest.Props(t, `{"a":1}`)},
		{Kind: rollcall.KindUser, Identifier: "u1", Properties: storetest.Props(t, `{"b":2}`)},
	}
	for range 2 {
		if err := s.Identify(ctx, "test", over); rollcall.ErrorCode(err) != rollcall.CodeInvalid {
			t.Fatalf("identify over the limit: got %v, want %s", err, rollcall.CodeInvalid)
		}
	}
	if _, err := s.User(ctx, "test", "u1"); rollcall.ErrorCode(err) != rollcall.CodeNotFound {
		t.Fatalf("the failed write left its user: %v", err)
	}

	identifyUser(t, s, "u2", `{"a":1}`)
	if _, err := s.User(ctx, "test", "u2"); err != nil {
		t.Fatalf("write after a failed one: %v", err)
	}
}
