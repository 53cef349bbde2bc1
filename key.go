package rollcall

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// KeyKind is the kind of an API key.
type KeyKind string

// The kinds of API key.
const (
	// KeyServer is a secret key that may call every endpoint.
	KeyServer KeyKind = "server"
	// KeyBrowser is a public write key: identify endpoints only.
	KeyBrowser KeyKind = "browser"
)

// ParseKeyKind reads "server" or "browser".
func ParseKeyKind(s string) (KeyKind, error) {
	switch KeyKind(s) {
	case KeyServer, KeyBrowser:
		return KeyKind(s), nil
	}
	return "", Errorf(CodeInvalid, "key kind must be server or browser, not %q", s)
}

// APIKey is a stored API key. The secret itself is never stored: only its
// SHA-256 hash and a short prefix that both finds the key and names it in
// listings.
type APIKey struct {
	Prefix      string
	Hash        []byte
	Environment string
	Kind        KeyKind
	// Origins, for a browser key, lists the browser origins allowed to use
	// it; empty allows any.
	Origins   []string
	CreatedAt time.Time
	// RevokedAt is zero while the key is active.
	RevokedAt time.Time
}

// keyRandomChars is how many random characters follow the kind tag; 40
// characters of a 62-letter alphabet carry over 238 bits.
const keyRandomChars = 40

// keyPrefixLen is how much of a secret the prefix keeps: the tag and eight
// random characters.
const keyPrefixLen = 12

const keyAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

var envPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// ValidateEnvironment checks an environment name: 1 to 64 letters, digits,
// '.', '_' or '-', starting with a letter or digit.
func ValidateEnvironment(env string) error {
	if !envPattern.MatchString(env) {
		return Errorf(CodeInvalid, "environment %q must be 1 to 64 letters, digits, "+
			"'.', '_' or '-', starting with a letter or digit", env)
	}
	return nil
}

// NewKey makes a new key for env and returns its secret, to be shown once,
// and the APIKey to store.
func NewKey(env string, kind KeyKind, origins []string) (string, APIKey, error) {
	if err := ValidateEnvironment(env); err != nil {
		return "", APIKey{}, err
	}
	if _, err := ParseKeyKind(string(kind)); err != nil {
		return "", APIKey{}, err
	}

	secret, err := randomSecret(kind)
	if err != nil {
		return "", APIKey{}, err
	}

	key := APIKey{
		Prefix:      secret[:keyPrefixLen],
		Hash:        HashSecret(secret),
		Environment: env,
		Kind:        kind,
		Origins:     origins,
		CreatedAt:   time.Now().UTC(),
	}
	return secret, key, nil
}

func randomSecret(kind KeyKind) (string, error) {
	tag := "rcs_"
	if kind == KeyBrowser {
		tag = "rcb_"
	}

	// Rejection sampling keeps every character equally likely.
	var b strings.Builder
	b.WriteString(tag)
	buf := make([]byte, 64)
	for b.Len() < len(tag)+keyRandomChars {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("read random bytes: %w", err)
		}
		for _, c := range buf {
			if c < 248 && b.Len() < len(tag)+keyRandomChars {
				b.WriteByte(keyAlphabet[int(c)%len(keyAlphabet)])
			}
		}
	}
	return b.String(), nil
}

// HashSecret returns the stored form of a secret. Secrets are long random
// strings, so a plain SHA-256 is enough: there is nothing to guess.
func HashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// SecretPrefix returns the prefix by which a presented secret is looked up,
// and false when the secret cannot be a rollcall key.
func SecretPrefix(secret string) (string, bool) {
	if len(secret) != keyPrefixLen-8+keyRandomChars {
		return "", false
	}
	if !strings.HasPrefix(secret, "rcs_") && !strings.HasPrefix(secret, "rcb_") {
		return "", false
	}
	return secret[:keyPrefixLen], true
}

// Matches reports, in constant time, whether secret is this key's secret.
func (k APIKey) Matches(secret string) bool {
	return subtle.ConstantTimeCompare(k.Hash, HashSecret(secret)) == 1
}

// Revoked reports whether the key has been revoked.
func (k APIKey) Revoked() bool {
	return !k.RevokedAt.IsZero()
}

// AllowsOrigin reports whether a browser request from origin may use the
// key. A key without an origin list allows any origin.
func (k APIKey) AllowsOrigin(origin string) bool {
	if len(k.Origins) == 0 {
		return true
	}
	for _, o := range k.Origins {
		if strings.EqualFold(strings.TrimSuffix(o, "/"), origin) {
			return true
		}
	}
	return false
}
