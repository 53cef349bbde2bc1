package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/client"
)

func raw(s string) json.RawMessage { return json.RawMessage(s) }

func TestAgainstServer(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("identify keeps exact numbers, nulls and awkward identifiers", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		c := client.New(s.URL, s.Key)
		props := rollcall.Properties{
			"big":  raw(`12345678901234567890`),
			"frac": raw(`0.1000000000000000055511151231257827`),
			"none": raw(`null`),
			"deep": raw(`{"a":[1,{"b":"é🎉"}]}`),
		}
		for _, id := range []string{"a/b", "with space", "50%?#x", "batch"} {
			u := client.UserIdentify{Identifier: id, Properties: props,
				Groups: []client.GroupIdentify{{Identifier: "g/1"}}}
			if err := c.Identify(ctx, u); err != nil {
				t.Fatalf("Identify(%q): %v", id, err)
			}
			got, err := c.User(ctx, id)
			if err != nil {
				t.Fatalf("User(%q): %v", id, err)
			}
			if got.Identifier != id || !slices.Equal(got.Groups, []string{"g/1"}) {
				t.Errorf("User(%q) = %q in %v", id, got.Identifier, got.Groups)
			}
			for k, v := range props {
				if string(got.Properties[k]) != string(v) {
					t.Errorf("User(%q).%s = %s, want %s", id, k, got.Properties[k], v)
				}
			}
		}
	})

	t.Run("errors carry status, code and details", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		c := client.New(s.URL, s.Key)
		_, err := c.User(ctx, "nobody")
		var e *client.Error
		if !errors.As(err, &e) || e.Status != 404 || e.Code != rollcall.CodeNotFound || e.Details == "" {
			t.Fatalf("User(nobody) err = %#v, want a 404 not_found_error", err)
		}
		if !client.IsNotFound(err) {
			t.Error("IsNotFound = false for a 404")
		}

		_, err = c.IdentifyBatch(ctx, []client.UserIdentify{{Identifier: "ok"}, {Identifier: ""}})
		if !errors.As(err, &e) || e.Status != 400 || e.Code != rollcall.CodeInvalid {
			t.Fatalf("bad batch err = %v, want a 400", err)
		}
		if want := "item 1: "; len(e.Details) < len(want) || e.Details[:len(want)] != want {
			t.Errorf("details %q do not name item 1", e.Details)
		}

		_, err = client.New(s.URL, "rcs_wrong").Users(ctx, 0, "")
		if !errors.As(err, &e) || e.Status != 401 || e.Code != rollcall.CodeUnauthorized {
			t.Errorf("bad key err = %v, want a 401", err)
		}
	})

	t.Run("pages, the iterator, groups and deletes", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		c := client.New(s.URL, s.Key)
		var batch []client.UserIdentify
		for i := range 25 {
			batch = append(batch, client.UserIdentify{Identifier: fmt.Sprintf("u%02d", i),
				Groups: []client.GroupIdentify{{Identifier: "team"}}})
		}
		if n, err := c.IdentifyBatch(ctx, batch); err != nil || n != 25 {
			t.Fatalf("IdentifyBatch = %d, %v", n, err)
		}

		var ids []string
		for u, err := range c.AllUsers(ctx, 10) {
			if err != nil {
				t.Fatalf("AllUsers: %v", err)
			}
			ids = append(ids, u.Identifier)
		}
		if len(ids) != 25 || ids[0] != "u00" || ids[24] != "u24" || !slices.IsSorted(ids) {
			t.Errorf("AllUsers gave %v", ids)
		}

		if err := c.IdentifyGroup(ctx, client.GroupIdentify{Identifier: "team",
			Properties: rollcall.Properties{"plan": raw(`"pro"`)}}); err != nil {
			t.Fatalf("IdentifyGroup: %v", err)
		}
		g, err := c.Group(ctx, "team")
		if err != nil || g.MemberCount != 25 || string(g.Properties["plan"]) != `"pro"` {
			t.Errorf("Group = %+v, %v", g, err)
		}
		members, err := c.GroupMembers(ctx, "team", 20, "")
		if err != nil || len(members.Users) != 20 || members.NextCursor == "" {
			t.Errorf("GroupMembers page 1: %d users, cursor %q, %v", len(members.Users), members.NextCursor, err)
		}
		groups, err := c.Groups(ctx, 0, "")
		if err != nil || len(groups.Groups) != 1 || groups.NextCursor != "" {
			t.Errorf("Groups = %+v, %v", groups, err)
		}

		if err := c.DeleteMembership(ctx, "u00", "team"); err != nil {
			t.Fatalf("DeleteMembership: %v", err)
		}
		if err := c.DeleteUser(ctx, "u01"); err != nil {
			t.Fatalf("DeleteUser: %v", err)
		}
		if g, _ := c.Group(ctx, "team"); g.MemberCount != 23 {
			t.Errorf("after deletes, member count %d, want 23", g.MemberCount)
		}
		if err := c.DeleteGroup(ctx, "team"); err != nil {
			t.Fatalf("DeleteGroup: %v", err)
		}
		if _, err := c.Group(ctx, "team"); !client.IsNotFound(err) {
			t.Errorf("deleted group: err %v, want 404", err)
		}
	})

	t.Run("segment events", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		c := client.New(s.URL, s.Key)
		n, err := c.Segment(ctx, map[string]any{"type": "identify", "userId": "seg1",
			"traits": map[string]any{"plan": "free"}})
		if err != nil || n != 1 {
			t.Fatalf("Segment identify = %d, %v", n, err)
		}
		if n, err := c.Segment(ctx, map[string]any{"type": "track", "event": "x"}); err != nil || n != 0 {
			t.Errorf("Segment track = %d, %v; want 0", n, err)
		}
		if u, err := c.User(ctx, "seg1"); err != nil || string(u.Properties["plan"]) != `"free"` {
			t.Errorf("User(seg1) = %+v, %v", u, err)
		}
	})
}

func TestBatcher(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("full batches and the interval both send, Close loses nothing", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		b := client.New(s.URL, s.Key).NewBatcher(client.BatcherConfig{Interval: 20 * time.Millisecond})
		for i := range 250 {
			if err := b.Add(ctx, client.UserIdentify{Identifier: fmt.Sprintf("u%03d", i)}); err != nil {
				t.Fatalf("Add: %v", err)
			}
		}
		if err := b.Close(ctx); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := b.Add(ctx, client.UserIdentify{Identifier: "late"}); !errors.Is(err, client.ErrClosed) {
			t.Errorf("Add after Close = %v, want ErrClosed", err)
		}
		page, err := s.Store.Users(ctx, "test", rollcall.UserQuery{PageRequest: rollcall.PageRequest{Limit: 1000}})
		if err != nil || len(page.Users) != 250 {
			t.Errorf("store holds %d users (%v), want 250", len(page.Users), err)
		}
		// 250 items in batches of at most 100 need at least 3 requests.
		if n := s.Requests.Load(); n < 3 {
			t.Errorf("server saw %d requests, want at least 3", n)
		}
	})

	t.Run("a partial batch is sent after the interval without Flush", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		b := client.New(s.URL, s.Key).NewBatcher(client.BatcherConfig{Interval: 10 * time.Millisecond})
		defer b.Close(ctx)
		if err := b.Add(ctx, client.UserIdentify{Identifier: "solo"}); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			if _, err := s.Store.User(ctx, "test", "solo"); err == nil {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Error("the interval never sent the partial batch")
	})

	t.Run("failed batches reach OnError and Flush", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		var mu sync.Mutex
		var failed []string
		b := client.New(s.URL, s.Key).NewBatcher(client.BatcherConfig{
			Size: 2,
			OnError: func(items []client.UserIdentify, err error) {
				mu.Lock()
				defer mu.Unlock()
				for _, it := range items {
					failed = append(failed, it.Identifier)
				}
			},
		})
		for _, id := range []string{"a", "", "c"} {
			if err := b.Add(ctx, client.UserIdentify{Identifier: id}); err != nil {
				t.Fatal(err)
			}
		}
		err := b.Flush(ctx)
		var e *client.Error
		if !errors.As(err, &e) || e.Status != 400 {
			t.Fatalf("Flush = %v, want the 400 of the bad batch", err)
		}
		mu.Lock()
		defer mu.Unlock()
		if !slices.Equal(failed, []string{"a", ""}) {
			t.Errorf("OnError saw %q, want [a \"\"]", failed)
		}
		if _, err := s.Store.User(ctx, "test", "c"); err != nil {
			t.Errorf("the good batch was not written: %v", err)
		}
	})
}
