package postgres

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

// userIdentify builds a user item from a JSON object.
func userIdentify(t testing.TB, id, js string, groups ...string) rollcall.Identify {
	t.Helper()
	return newRequest(context.Background(), "test", id, js, groups...).item
}

// wantItem fails t unless err is an *rollcall.ItemError for index that
// names the row.
func wantItem(t testing.TB, err error, index int, row string) {
	t.Helper()
	var item *rollcall.ItemError
	if !errors.As(err, &item) || item.Index != index {
		t.Fatalf("got %v, want an ItemError for item %d", err, index)
	}
	if d := rollcall.ErrorDetails(err, true); !strings.Contains(d, row) {
		t.Fatalf("details %q do not name %s", d, row)
	}
}

// sizeItems is a batch whose fourth item takes u1 over 40 bytes, once u1
// stores 20.
func sizeItems(t testing.TB) []rollcall.Identify {
	t.Helper()
	return []rollcall.Identify{
		userIdentify(t, "new", `{"x":1}`, "g1"),
		userIdentify(t, "u1", `{"b":"1234567"}`),
		{Kind: rollcall.KindGroup, Identifier: "g1"},
		userIdentify(t, "u1", `{"c":"12345678"}`, "g1"),
		userIdentify(t, "u1", `{"d":1}`),
	}
}

// sizeStore opens a store with a 40-byte size limit where u1 stores 20.
func sizeStore(t testing.TB) *Store {
	t.Helper()
	limits := rollcall.DefaultLimits()
	limits.MaxPropertyBytes = 40
	s := openInternal(t, limits)
	err := s.Identify(context.Background(), "test", []rollcall.Identify{
		userIdentify(t, "u1", `{"a":"12345678901234567"}`),
	})
	if err != nil {
		t.Fatalf("Identify u1: %v", err)
	}
	return s
}

func TestOffenderMergesInGo(t *testing.T) {
	t.Parallel()
	s := sizeStore(t)
	ctx := context.Background()

	over := map[rowKey]bool{{nounUser, "test", "u1"}: true}
	wantItem(t, s.offender(ctx, "test", sizeItems(t), over), 3, `user "u1"`)

	fine := map[rowKey]bool{{nounUser, "test", "new"}: true, {nounGroup, "test", "g1"}: true}
	if err := s.offender(ctx, "test", sizeItems(t), fine); err != nil {
		t.Fatalf("offender among rows within the limits: %v", err)
	}
}

func TestStepsNameItem(t *testing.T) {
	t.Parallel()
	s := sizeStore(t)
	ctx := context.Background()

	wantItem(t, s.identifySteps(ctx, "test", sizeItems(t)), 3, `user "u1"`)
	if _, err := s.User(ctx, "test", "new"); rollcall.ErrorCode(err) != rollcall.CodeNotFound {
		t.Fatalf("user of a rejected batch: %v", err)
	}

	if err := s.identifySteps(ctx, "test", sizeItems(t)[:3]); err != nil {
		t.Fatalf("steps within the limits: %v", err)
	}
	u, err := s.User(ctx, "test", "u1")
	if err != nil || len(u.Properties) != 2 {
		t.Fatalf("u1 after the steps: %v, %v", err, u.Properties)
	}
}

// TestStoredFormCounts sends a number that PostgreSQL stores with all its
// digits: the size limit counts the stored form, which merging in Go cannot
// see, so the item-by-item statements must name the item.
func TestStoredFormCounts(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxPropertyBytes = 100
	s := openInternal(t, limits)
	ctx := context.Background()

	for _, items := range [][]rollcall.Identify{
		{userIdentify(t, "u1", `{"n":1e400}`)},
		{userIdentify(t, "u1", `{"a":1}`), userIdentify(t, "u1", `{"n":1e400}`)},
	} {
		wantItem(t, s.Identify(ctx, "test", items), len(items)-1, `user "u1"`)
	}
	if _, err := s.User(ctx, "test", "u1"); rollcall.ErrorCode(err) != rollcall.CodeNotFound {
		t.Fatalf("rejected user was written: %v", err)
	}
}
