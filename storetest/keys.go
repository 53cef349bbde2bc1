package storetest

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rollcall/rollcall"
)

func (h harness) runKeys(t *testing.T) {
	runAll(t, []scenario{
		{"CreateAndFind", h.createAndFind},
		{"DuplicatePrefix", h.duplicatePrefix},
		{"UnknownPrefix", h.unknownPrefix},
		{"OldestFirst", h.keysOldestFirst},
		{"Revoke", h.revokeKey},
	})
}

// newKey makes a key and fails t on error.
func newKey(
	t testing.TB, env string, kind rollcall.KeyKind, origins ...string,
) (string, rollcall.APIKey) {
	t.Helper()
	secret, key, err := rollcall.NewKey(env, kind, origins)
	if err != nil {
		t.Fatalf("NewKey: %v", err)
	}
	return secret, key
}

func createKey(t testing.TB, s rollcall.Store, key rollcall.APIKey) {
	t.Helper()
	if err := s.CreateKey(context.Background(), key); err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
}

func findKey(t testing.TB, s rollcall.Store, prefix string) rollcall.APIKey {
	t.Helper()
	key, err := s.KeyByPrefix(context.Background(), prefix)
	if err != nil {
		t.Fatalf("KeyByPrefix(%q): %v", prefix, err)
	}
	return key
}

// wantSameKey compares a stored key with the one created; times may lose
// precision below the millisecond.
func wantSameKey(t testing.TB, got, want rollcall.APIKey) {
	t.Helper()
	if got.Prefix != want.Prefix || got.Environment != want.Environment || got.Kind != want.Kind {
		t.Fatalf("key: got %s/%s/%s, want %s/%s/%s", got.Prefix, got.Environment, got.Kind,
			want.Prefix, want.Environment, want.Kind)
	}
	if !bytes.Equal(got.Hash, want.Hash) {
		t.Fatalf("key %s: hash differs", want.Prefix)
	}
	bothEmpty := len(got.Origins) == 0 && len(want.Origins) == 0
	if !bothEmpty && !slices.Equal(got.Origins, want.Origins) {
		t.Fatalf("key %s origins: got %q, want %q", want.Prefix, got.Origins, want.Origins)
	}
	if d := got.CreatedAt.Sub(want.CreatedAt); d < -time.Millisecond || d > time.Millisecond {
		t.Fatalf("key %s createdAt: got %v, want %v", want.Prefix, got.CreatedAt, want.CreatedAt)
	}
}

func (h harness) createAndFind(t *testing.T) {
	s := h.store(t)
	secret, browser := newKey(t, "production", rollcall.KeyBrowser,
		"https://app.example.com", "http://localhost:3000")
	_, server := newKey(t, "development", rollcall.KeyServer)
	createKey(t, s, browser)
	createKey(t, s, server)

	got := findKey(t, s, browser.Prefix)
	wantSameKey(t, got, browser)
	if got.Revoked() {
		t.Fatalf("new key is revoked at %v", got.RevokedAt)
	}
	if !got.Matches(secret) {
		t.Fatalf("stored key does not match its secret")
	}
	wantSameKey(t, findKey(t, s, server.Prefix), server)
}

func (h harness) duplicatePrefix(t *testing.T) {
	s := h.store(t)
	_, key := newKey(t, "production", rollcall.KeyServer)
	createKey(t, s, key)

	other := key
	other.Environment = "other"
	other.Hash = rollcall.HashSecret("something else")
	if err := s.CreateKey(context.Background(), other); err == nil {
		t.Fatalf("CreateKey with a prefix already taken: no error")
	}
	wantSameKey(t, findKey(t, s, key.Prefix), key)
}

func (h harness) unknownPrefix(t *testing.T) {
	s := h.store(t)
	_, key := newKey(t, "production", rollcall.KeyServer)
	createKey(t, s, key)

	_, err := s.KeyByPrefix(context.Background(), "rcs_nothing1")
	wantCode(t, err, rollcall.CodeNotFound, "KeyByPrefix of an unknown prefix")
	err = s.RevokeKey(context.Background(), "rcs_nothing1")
	wantCode(t, err, rollcall.CodeNotFound, "RevokeKey of an unknown prefix")
}

func (h harness) keysOldestFirst(t *testing.T) {
	s := h.store(t)
	base := time.Now().UTC().Truncate(time.Millisecond)
	var keys []rollcall.APIKey
	for i, env := range []string{"c", "a", "b"} {
		_, key := newKey(t, env, rollcall.KeyServer)
		key.CreatedAt = base.Add(time.Duration(2-i) * time.Second)
		createKey(t, s, key)
		keys = append(keys, key)
	}

	got, err := s.Keys(context.Background())
	if err != nil {
		t.Fatalf("Keys: %v", err)
	}
	if len(got) != 3 {
		t.Fatalf("Keys: got %d keys, want 3", len(got))
	}
	for i, want := range []rollcall.APIKey{keys[2], keys[1], keys[0]} {
		wantSameKey(t, got[i], want)
	}
}

func (h harness) revokeKey(t *testing.T) {
	s := h.store(t)
	_, key := newKey(t, "production", rollcall.KeyServer)
	_, other := newKey(t, "production", rollcall.KeyBrowser)
	createKey(t, s, key)
	createKey(t, s, other)

	before := time.Now()
	if err := s.RevokeKey(context.Background(), key.Prefix); err != nil {
		t.Fatalf("RevokeKey: %v", err)
	}
	got := findKey(t, s, key.Prefix)
	if !got.Revoked() {
		t.Fatalf("revoked key is not revoked")
	}
	wantStamp(t, "revokedAt", got.RevokedAt, before, time.Now())
	if findKey(t, s, other.Prefix).Revoked() {
		t.Fatalf("revoking one key revoked another")
	}

	all, err := s.Keys(context.Background())
	if err != nil || len(all) != 2 {
		t.Fatalf("Keys after revoking: %v, %d keys; revoked keys stay listed", err, len(all))
	}
}
