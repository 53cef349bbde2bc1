package transfer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/transfer"
)

func TestClientSink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	user := func(id string) rollcall.Identify { return rollcall.Identify{Identifier: id} }
	group := func(id string) rollcall.Identify {
		return rollcall.Identify{Kind: rollcall.KindGroup, Identifier: id}
	}

	t.Run("a mixed batch is refused before anything is sent", func(t *testing.T) {
		t.Parallel()
		st := newStore(t, rollcall.DefaultLimits())
		c, requests := newServer(t, st)
		err := transfer.ClientSink{Client: c}.Identify(ctx, []rollcall.Identify{group("g1"), user("")})
		var item *rollcall.ItemError
		if err == nil || errors.As(err, &item) {
			t.Fatalf("Identify = %v, want an error that blames no item", err)
		}
		if n := requests.Load(); n != 0 {
			t.Errorf("the server saw %d requests, want none", n)
		}
	})

	t.Run("a bad user is named by its index in items", func(t *testing.T) {
		t.Parallel()
		st := newStore(t, rollcall.DefaultLimits())
		c, _ := newServer(t, st)
		items := []rollcall.Identify{user("u1"), user("u2"), user("")}
		err := transfer.ClientSink{Client: c}.Identify(ctx, items)
		var item *rollcall.ItemError
		if !errors.As(err, &item) || item.Index != 2 {
			t.Fatalf("Identify = %v, want an ItemError for index 2", err)
		}
		if _, err := st.User(ctx, env, "u1"); rollcall.ErrorCode(err) != rollcall.CodeNotFound {
			t.Errorf("u1 was written by a batch with a bad item: %v", err)
		}
	})

	t.Run("a bad group is named by its index in items", func(t *testing.T) {
		t.Parallel()
		st := newStore(t, rollcall.DefaultLimits())
		c, _ := newServer(t, st)
		items := []rollcall.Identify{group("g1"), group("")}
		err := transfer.ClientSink{Client: c}.Identify(ctx, items)
		var item *rollcall.ItemError
		if !errors.As(err, &item) || item.Index != 1 {
			t.Fatalf("Identify = %v, want an ItemError for index 1", err)
		}
	})
}
