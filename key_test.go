package rollcall_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rollcall/rollcall"
)

func TestNewKey(t *testing.T) {
	t.Parallel()
	secret, key, err := rollcall.NewKey("production", rollcall.KeyServer, nil)
	if err != nil {
		t.Fatal(err)
	}

	if strings.Contains(string(key.Hash), secret) || len(key.Hash) != 32 {
		t.Fatalf("the stored hash must be a SHA-256 digest, not the secret")
	}
	prefix, ok := rollcall.SecretPrefix(secret)
	if !ok || prefix != key.Prefix || !strings.HasPrefix(secret, prefix) {
		t.Fatalf("SecretPrefix(%q) = %q, %v; want %q", secret, prefix, ok, key.Prefix)
	}
	if !key.Matches(secret) {
		t.Fatal("a key must match its own secret")
	}
	if key.Matches(secret[:len(secret)-1]+"x") || key.Matches("") {
		t.Fatal("a key must not match another secret")
	}

	other, _, err := rollcall.NewKey("production", rollcall.KeyServer, nil)
	if err != nil || other == secret {
		t.Fatalf("two keys must differ: %v", err)
	}
}

func TestNewKeyKinds(t *testing.T) {
	t.Parallel()
	browser, _, err := rollcall.NewKey("dev", rollcall.KeyBrowser, []string{"https://app.example.com"})
	if err != nil || !strings.HasPrefix(browser, "rcb_") {
		t.Fatalf("browser key %q, %v; want an rcb_ prefix", browser, err)
	}

	if _, _, err := rollcall.NewKey("dev", "admin", nil); rollcall.ErrorCode(err) != rollcall.CodeInvalid {
		t.Fatalf("unknown kind: %v, want invalid", err)
	}
	for _, env := range []string{"", "has space", "-lead", strings.Repeat("e", 65)} {
		if _, _, err := rollcall.NewKey(env, rollcall.KeyServer, nil); rollcall.ErrorCode(err) != rollcall.CodeInvalid {
			t.Errorf("environment %q: %v, want invalid", env, err)
		}
	}
}

func TestSecretPrefixRejectsForeignStrings(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "rcs_short", "Bearer x", strings.Repeat("a", 44), "rcx_" + strings.Repeat("a", 40)} {
		if _, ok := rollcall.SecretPrefix(s); ok {
			t.Errorf("SecretPrefix(%q) accepted a string that is no key", s)
		}
	}
}

func TestAllowsOrigin(t *testing.T) {
	t.Parallel()
	any := rollcall.APIKey{}
	if !any.AllowsOrigin("https://evil.example") {
		t.Fatal("a key without origins allows any origin")
	}

	k := rollcall.APIKey{Origins: []string{"https://app.example.com/", "http://localhost:3000"}}
	for origin, want := range map[string]bool{
		"https://app.example.com":   true,
		"http://localhost:3000":     true,
		"https://evil.example":      false,
		"https://app.example.com.x": false,
		"http://app.example.com":    false,
	} {
		if got := k.AllowsOrigin(origin); got != want {
			t.Errorf("AllowsOrigin(%q) = %v, want %v", origin, got, want)
		}
	}
}

func TestErrorDetails(t *testing.T) {
	t.Parallel()
	inner := rollcall.Errorf(rollcall.CodeInvalid, "identifier must not be empty")
	item := &rollcall.ItemError{Index: 57, Err: inner}

	if got := rollcall.ErrorDetails(item, true); got != "item 57: identifier must not be empty" {
		t.Errorf("batch details = %q", got)
	}
	if got := rollcall.ErrorDetails(item, false); got != "identifier must not be empty" {
		t.Errorf("single details = %q", got)
	}
	if rollcall.ErrorCode(item) != rollcall.CodeInvalid {
		t.Errorf("the code must be found through an ItemError")
	}

	internal := errors.New("pq: relation users does not exist")
	if got := rollcall.ErrorDetails(internal, false); strings.Contains(got, "relation") {
		t.Errorf("internal details leak: %q", got)
	}
	if rollcall.ErrorCode(internal) != rollcall.CodeInternal {
		t.Errorf("an unknown error is internal")
	}
}
