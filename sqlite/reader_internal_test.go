package sqlite

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rollcall/rollcall"
)

// TestDecodeGroups reads arrays as SQLite's json_group_array writes them,
// by hand or through encoding/json, always sorted in byte order.
func TestDecodeGroups(t *testing.T) {
	t.Parallel()
	lists := [][]string{
		{"a"},
		{"b", "a", "B"},
		{"é", "日本", "a b", "[x]", ",", "]"},
		{`say "hi"`, "plain"},
		{`back\slash`, `a","b`, `"`},
		{""},
	}
	for _, list := range lists {
		text, err := json.Marshal(list)
		if err != nil {
			t.Fatalf("encode %q: %v", list, err)
		}
		got, err := decodeGroups(string(text))
		if err != nil {
			t.Fatalf("decodeGroups(%s): %v", text, err)
		}
		want := slices.Sorted(slices.Values(list))
		if !slices.Equal(got, want) {
			t.Errorf("decodeGroups(%s) = %q, want %q", text, got, want)
		}
	}

	if got, err := decodeGroups("[]"); err != nil || got == nil || len(got) != 0 {
		t.Errorf(`decodeGroups("[]") = %#v, %v; want an empty slice`, got, err)
	}
}

// TestDecodeGroupsRefuses fails on text that is no JSON array of strings.
func TestDecodeGroupsRefuses(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"", "[", `["a"`, `["a",]`, `["a""b"]`, `["a" ,"b"]x`,
		`[1]`, `{"a":1}`, `["a"]]`} {
		if got, err := decodeGroups(text); err == nil {
			t.Errorf("decodeGroups(%q) = %q, want an error", text, got)
		}
	}
}

// TestDroppedReadConnection opens again a read connection that was
// dropped, as one is when a read transaction cannot be rolled back.
func TestDroppedReadConnection(t *testing.T) {
	t.Parallel()
	s, err := Open(filepath.Join(t.TempDir(), "rollcall.db"), rollcall.DefaultLimits())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	ctx := context.Background()
	item := rollcall.Identify{Kind: rollcall.KindUser, Identifier: "u1",
		Groups: []rollcall.GroupIdentify{{Identifier: "g1"}}}
	if err := s.Identify(ctx, "test", []rollcall.Identify{item}); err != nil {
		t.Fatalf("Identify: %v", err)
	}

	err = s.reader.do(ctx, func(rc *readConn) error {
		rc.drop()
		if rc.conn != nil {
			t.Errorf("a dropped connection is still held")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("drop: %v", err)
	}

	// Every connection of the pool serves a read in turn, the dropped one
	// once it is open again.
	for range 2 * readConns {
		members, err := s.GroupMembers(ctx, "test", "g1", rollcall.PageRequest{})
		if err != nil || len(members.Users) != 1 {
			t.Fatalf("GroupMembers after a drop: %v, %d users", err, len(members.Users))
		}
	}
}
