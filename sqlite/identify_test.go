package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
	"github.com/rollcall/rollcall/storetest"
)

// TestIdentifyLeavesCallerPropertiesAlone names one user twice in a batch:
// the store may keep the first item's map while what it sent is what is
// stored, but must not merge the second item into it.
func TestIdentifyLeavesCallerPropertiesAlone(t *testing.T) {
	t.Parallel()
	s := openStore(t, rollcall.DefaultLimits())
	identifyUser(t, s, "old", `{"a":1}`)

	for _, id := range []string{"new", "old"} {
		first := storetest.Props(t, `{"a":1}`)
		group := storetest.Props(t, `{"g":1}`)
		items := []rollcall.Identify{
			{Kind: rollcall.KindUser, Identifier: id, Properties: first,
				Groups: []rollcall.GroupIdentify{{Identifier: "g-" + id, Properties: group}}},
			{Kind: rollcall.KindUser, Identifier: id, Properties: storetest.Props(t, `{"b":2}`)},
			{Kind: rollcall.KindGroup, Identifier: "g-" + id, Properties: storetest.Props(t, `{"h":2}`)},
		}
		if err := s.Identify(context.Background(), "test", items); err != nil {
			t.Fatalf("Identify %s: %v", id, err)
		}

		if len(first) != 1 || len(group) != 1 {
			t.Fatalf("%s: the caller's maps were merged into: %v, %v", id, first, group)
		}
		u, err := s.User(context.Background(), "test", id)
		if err != nil || len(u.Properties) != 2 {
			t.Fatalf("%s: got %v, %v; want a and b", id, u.Properties, err)
		}
		g, err := s.Group(context.Background(), "test", "g-"+id)
		if err != nil || len(g.Properties) != 2 {
			t.Fatalf("group of %s: got %v, %v; want g and h", id, g.Properties, err)
		}
	}
}

// TestIdentifyTimes moves a stored user's times into the past by hand, so
// that what an identify does to them shows whatever the clock: one that
// sends what is stored still moves updated_at, one that breaks the limits
// moves nothing, and created_at never moves.
func TestIdentifyTimes(t *testing.T) {
	t.Parallel()
	limits := rollcall.DefaultLimits()
	limits.MaxProperties = 2
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s := openFile(t, path, limits)
	identifyUser(t, s, "u1", `{"a":1,"b":2}`)

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	past := time.UnixMilli(1000).UTC()
	setPast := func() {
		t.Helper()
		_, err := db.Exec(`UPDATE users SET created_at = 1000, updated_at = 1000`)
		if err != nil {
			t.Fatalf("move times: %v", err)
		}
	}

	setPast()
	identifyUser(t, s, "u1", `{"a":1,"b":2}`)
	u, err := s.User(context.Background(), "test", "u1")
	if err != nil || !u.UpdatedAt.After(past) || !u.CreatedAt.Equal(past) {
		t.Fatalf("same properties again: created %v, updated %v (%v); want %v and later",
			u.CreatedAt, u.UpdatedAt, err, past)
	}

	setPast()
	item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: "u1",
		Properties: storetest.Props(t, `{"c":3}`)}
	err = s.Identify(context.Background(), "test", []rollcall.Identify{item})
	if rollcall.ErrorCode(err) != rollcall.CodeInvalid {
		t.Fatalf("a third property: got %v, want %s", err, rollcall.CodeInvalid)
	}
	u, err = s.User(context.Background(), "test", "u1")
	if err != nil || !u.UpdatedAt.Equal(past) || len(u.Properties) != 2 {
		t.Fatalf("after a rejected merge: updated %v, %v (%v); want %v and a, b unchanged",
			u.UpdatedAt, u.Properties, err, past)
	}
}

// TestIdentifyOverHandEditedProperties merges into rows whose properties
// were edited by hand into something the store never writes: the write
// fails alone with an error, nothing panics, and other writes go on.
func TestIdentifyOverHandEditedProperties(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "rollcall.db")
	s := openFile(t, path, rollcall.DefaultLimits())
	for _, id := range []string{"null", "array", "text"} {
		identifyUser(t, s, id, `{"a":1}`)
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(`UPDATE users SET properties = CASE identifier
		WHEN 'null' THEN 'null' WHEN 'array' THEN '[1]' ELSE 'oops' END`)
	if err != nil {
		t.Fatalf("edit rows: %v", err)
	}

	for _, id := range []string{"null", "array", "text"} {
		item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: id,
			Properties: storetest.Props(t, `{"b":2}`)}
		if err := s.Identify(context.Background(), "test", []rollcall.Identify{item}); err == nil {
			t.Errorf("merge into properties stored as %s succeeded", id)
		}
	}
	identifyUser(t, s, "fine", `{"a":1}`)
}
